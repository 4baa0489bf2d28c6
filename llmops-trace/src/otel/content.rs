//! Message content as the GenAI conventions shape it (`gen_ai.system_instructions`,
//! `gen_ai.input.messages`, `gen_ai.output.messages`), every text through the redactor.

use llmops_core::Redactor;
use llmops_core::exchange::ResponseRecord;
use llmops_core::types::{ContentPart, ImageSource, Message, Role, ToolCall};
use serde_json::{Value, json};

fn tool_call(c: &ToolCall, r: &dyn Redactor) -> Value {
    let args = r.redact(&c.arguments);
    let arguments =
        serde_json::from_str::<Value>(&args).unwrap_or_else(|_| Value::from(args.as_ref()));
    json!({"type": "tool_call", "id": c.id, "name": c.name, "arguments": arguments})
}

fn parts(m: &Message, r: &dyn Redactor) -> Vec<Value> {
    let mut out = Vec::with_capacity(m.content.len() + m.tool_calls.len());
    if m.role == Role::Tool {
        let text: String = m
            .content
            .iter()
            .filter_map(|p| match p {
                ContentPart::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        out.push(json!({
            "type": "tool_call_response",
            "id": m.tool_call_id,
            "response": r.redact(&text),
        }));
        return out;
    }
    for p in &m.content {
        out.push(match p {
            ContentPart::Text { text, .. } => json!({"type": "text", "content": r.redact(text)}),
            ContentPart::Image {
                source: ImageSource::Url { url },
                ..
            } if !url.starts_with("data:") => {
                json!({"type": "uri", "modality": "image", "uri": r.redact(url)})
            }
            ContentPart::Image {
                source: ImageSource::Base64 { media_type, .. },
                ..
            } => json!({"type": "blob", "modality": "image", "mime_type": media_type}),
            // inline data URLs and future part kinds: the kind, never the bytes
            _ => json!({"type": "blob", "modality": "image"}),
        });
    }
    out.extend(m.tool_calls.iter().map(|c| tool_call(c, r)));
    out
}

/// `(gen_ai.system_instructions, gen_ai.input.messages)` as JSON text; the first is `None`
/// when the request has no system message.
pub(crate) fn input(messages: &[Message], r: &dyn Redactor) -> (Option<String>, String) {
    let mut system = Vec::new();
    let mut input = Vec::with_capacity(messages.len());
    for m in messages {
        if m.role == Role::System {
            system.extend(parts(m, r));
        } else {
            input.push(json!({"role": m.role.as_str(), "parts": parts(m, r)}));
        }
    }
    let system = (!system.is_empty()).then(|| Value::Array(system).to_string());
    (system, Value::Array(input).to_string())
}

/// `gen_ai.output.messages` as JSON text.
pub(crate) fn output(resp: &ResponseRecord, r: &dyn Redactor) -> String {
    let mut p = Vec::with_capacity(1 + resp.tool_calls.len());
    if !resp.text.is_empty() {
        p.push(json!({"type": "text", "content": r.redact(&resp.text)}));
    }
    p.extend(resp.tool_calls.iter().map(|c| tool_call(c, r)));
    let mut msg = serde_json::Map::new();
    msg.insert("role".into(), Value::from("assistant"));
    msg.insert("parts".into(), Value::Array(p));
    if let Some(f) = &resp.finish_reason {
        msg.insert("finish_reason".into(), Value::from(f.as_str()));
    }
    Value::Array(vec![Value::Object(msg)]).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmops_core::SecretRedactor;

    #[test]
    fn shapes_and_redacts() {
        let msgs = vec![
            Message::system("You are terse."),
            Message::user("my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 ok?"),
        ];
        let (system, input) = input(&msgs, &SecretRedactor::default());
        let system: Value = serde_json::from_str(&system.unwrap()).unwrap();
        assert_eq!(system[0]["content"], "You are terse.");
        let input: Value = serde_json::from_str(&input).unwrap();
        assert_eq!(input[0]["role"], "user");
        let text = input[0]["parts"][0]["content"].as_str().unwrap();
        assert!(
            !text.contains("abcdefghijklmnopqrstuvwxyz0123456789"),
            "{text}"
        );
        assert!(text.starts_with("my key is "), "{text}");
    }
}
