//! The OpenInference mode (Arize Phoenix's names) and the legacy GenAI names, derived from
//! the current GenAI attributes of a finished span on the export task.

use llmops_core::semconv::{self, legacy, openinference as oi};
use opentelemetry::{Key, KeyValue, Value};
use serde_json::{Map, Value as Json};

fn get<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attrs
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn get_str(attrs: &[KeyValue], key: &str) -> Option<String> {
    get(attrs, key).map(|v| v.as_str().into_owned())
}

fn get_i64(attrs: &[KeyValue], key: &str) -> Option<i64> {
    match get(attrs, key)? {
        Value::I64(v) => Some(*v),
        Value::F64(v) => Some(*v as i64),
        Value::String(s) => s.as_str().parse().ok(),
        _ => None,
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Bool(b) => Json::from(*b),
        Value::I64(i) => Json::from(*i),
        Value::F64(f) => Json::from(*f),
        Value::String(s) => serde_json::from_str(s.as_str())
            .ok()
            .filter(|j: &Json| j.is_array())
            .unwrap_or_else(|| Json::from(s.as_str())),
        other => Json::from(other.as_str().into_owned()),
    }
}

fn kv(key: &'static str, v: impl Into<Value>) -> KeyValue {
    KeyValue::new(Key::from_static_str(key), v)
}

/// The text of a GenAI message's parts (`[{"type":"text","content":..}]`).
fn text_of(parts: &Json) -> String {
    let mut out = String::new();
    for p in parts.as_array().into_iter().flatten() {
        if p.get("type").and_then(Json::as_str) == Some("text")
            && let Some(t) = p.get("content").and_then(Json::as_str)
        {
            out.push_str(t);
        }
    }
    out
}

/// `llm.{input,output}_messages.{i}.message.{role,content}` from GenAI message JSON.
fn flatten(out: &mut Vec<KeyValue>, prefix: &str, first: usize, messages: &Json) -> usize {
    let mut i = first;
    for m in messages.as_array().into_iter().flatten() {
        let role = m.get("role").and_then(Json::as_str).unwrap_or("user");
        out.push(KeyValue::new(
            format!("{prefix}.{i}.message.role"),
            role.to_owned(),
        ));
        let content = m.get("parts").map(text_of).unwrap_or_default();
        out.push(KeyValue::new(
            format!("{prefix}.{i}.message.content"),
            content,
        ));
        i += 1;
    }
    i
}

fn span_kind(attrs: &[KeyValue]) -> Option<&'static str> {
    if let Some(stage) = get_str(attrs, semconv::LLMOPS_STAGE) {
        return Some(match stage.as_str() {
            "retrieval" => "RETRIEVER",
            "guard" => "GUARDRAIL",
            _ => "CHAIN",
        });
    }
    let op = get_str(attrs, semconv::GEN_AI_OPERATION_NAME)?;
    Some(match op.as_str() {
        semconv::operation::CHAT if get(attrs, semconv::LLMOPS_ATTEMPT).is_some() => "CHAIN",
        semconv::operation::CHAT => "LLM",
        semconv::operation::EMBEDDINGS => "EMBEDDING",
        semconv::operation::EXECUTE_TOOL => "TOOL",
        semconv::operation::INVOKE_AGENT => "AGENT",
        _ => return None,
    })
}

/// Adds the mapped attributes to `attrs`.
pub(crate) fn map(attrs: &mut Vec<KeyValue>, openinference: bool, legacy_names: bool) {
    let mut add = Vec::new();
    let is_llm = span_kind(attrs) == Some("LLM");
    let input = get_i64(attrs, semconv::GEN_AI_USAGE_INPUT_TOKENS);
    let output = get_i64(attrs, semconv::GEN_AI_USAGE_OUTPUT_TOKENS);
    if legacy_names && is_llm {
        if let Some(p) = get_str(attrs, semconv::GEN_AI_PROVIDER_NAME) {
            add.push(kv(legacy::GEN_AI_SYSTEM, p));
        }
        if let Some(v) = input {
            add.push(kv(legacy::GEN_AI_USAGE_PROMPT_TOKENS, v));
        }
        if let Some(v) = output {
            add.push(kv(legacy::GEN_AI_USAGE_COMPLETION_TOKENS, v));
        }
    }
    if openinference {
        openinference_keys(attrs, &mut add, input, output);
    }
    attrs.extend(add);
}

fn openinference_keys(
    attrs: &[KeyValue],
    add: &mut Vec<KeyValue>,
    input: Option<i64>,
    output: Option<i64>,
) {
    let Some(kind) = span_kind(attrs) else {
        return;
    };
    add.push(kv(oi::SPAN_KIND, kind));
    if let Some(c) = get_str(attrs, semconv::GEN_AI_CONVERSATION_ID) {
        add.push(kv(oi::SESSION_ID, c));
    }
    if kind == "TOOL"
        && let Some(t) = get_str(attrs, semconv::GEN_AI_TOOL_NAME)
    {
        add.push(kv(oi::TOOL_NAME, t));
    }
    if kind != "LLM" {
        return;
    }
    if let Some(m) = get_str(attrs, semconv::GEN_AI_RESPONSE_MODEL)
        .or_else(|| get_str(attrs, semconv::GEN_AI_REQUEST_MODEL))
    {
        add.push(kv(oi::LLM_MODEL_NAME, m));
    }
    if let Some(p) = get_str(attrs, semconv::GEN_AI_PROVIDER_NAME) {
        add.push(kv(oi::LLM_PROVIDER, p.clone()));
        add.push(kv(oi::LLM_SYSTEM, p));
    }
    if let Some(v) = input {
        add.push(kv(oi::LLM_TOKEN_COUNT_PROMPT, v));
    }
    if let Some(v) = output {
        add.push(kv(oi::LLM_TOKEN_COUNT_COMPLETION, v));
    }
    if input.is_some() || output.is_some() {
        add.push(kv(
            oi::LLM_TOKEN_COUNT_TOTAL,
            input.unwrap_or(0) + output.unwrap_or(0),
        ));
    }
    if let Some(v) = get_i64(attrs, semconv::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS) {
        add.push(kv(oi::LLM_TOKEN_COUNT_PROMPT_CACHE_READ, v));
    }
    let mut params = Map::new();
    for (key, name) in [
        (semconv::GEN_AI_REQUEST_TEMPERATURE, "temperature"),
        (semconv::GEN_AI_REQUEST_TOP_P, "top_p"),
        (semconv::GEN_AI_REQUEST_MAX_TOKENS, "max_tokens"),
        (semconv::GEN_AI_REQUEST_SEED, "seed"),
        (semconv::GEN_AI_REQUEST_STOP_SEQUENCES, "stop"),
    ] {
        if let Some(v) = get(attrs, key) {
            params.insert(name.to_owned(), to_json(v));
        }
    }
    add.push(kv(
        oi::LLM_INVOCATION_PARAMETERS,
        Json::Object(params).to_string(),
    ));
    let parse = |key: &str| get_str(attrs, key).and_then(|s| serde_json::from_str::<Json>(&s).ok());
    let system = parse(semconv::GEN_AI_SYSTEM_INSTRUCTIONS);
    let messages = parse(semconv::GEN_AI_INPUT_MESSAGES);
    let mut next = 0;
    if let Some(s) = &system {
        add.push(KeyValue::new(
            format!("{}.0.message.role", oi::LLM_INPUT_MESSAGES),
            "system",
        ));
        add.push(KeyValue::new(
            format!("{}.0.message.content", oi::LLM_INPUT_MESSAGES),
            text_of(s),
        ));
        next = 1;
    }
    if let Some(m) = &messages {
        flatten(add, oi::LLM_INPUT_MESSAGES, next, m);
        add.push(kv(oi::INPUT_VALUE, m.to_string()));
        add.push(kv(oi::INPUT_MIME_TYPE, "application/json"));
    }
    if let Some(out) = parse(semconv::GEN_AI_OUTPUT_MESSAGES) {
        flatten(add, oi::LLM_OUTPUT_MESSAGES, 0, &out);
        let text: String = out
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("parts"))
            .map(text_of)
            .collect();
        add.push(kv(oi::OUTPUT_VALUE, text));
        add.push(kv(oi::OUTPUT_MIME_TYPE, "text/plain"));
    }
    let mut meta = Map::new();
    for key in [
        semconv::LLMOPS_REQUEST_ID,
        semconv::LLMOPS_TENANT,
        semconv::LLMOPS_FEATURE,
        semconv::LLMOPS_PROMPT_NAME,
        semconv::LLMOPS_PROMPT_VERSION,
        semconv::LLMOPS_OUTCOME,
    ] {
        if let Some(v) = get(attrs, key) {
            meta.insert(key.to_owned(), to_json(v));
        }
    }
    if !meta.is_empty() {
        add.push(kv(oi::METADATA, Json::Object(meta).to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat_attrs() -> Vec<KeyValue> {
        vec![
            KeyValue::new(semconv::GEN_AI_OPERATION_NAME, "chat"),
            KeyValue::new(semconv::GEN_AI_PROVIDER_NAME, "openai"),
            KeyValue::new(semconv::GEN_AI_REQUEST_MODEL, "gpt-4.1"),
            KeyValue::new(semconv::GEN_AI_RESPONSE_MODEL, "gpt-4.1-2025-04-14"),
            KeyValue::new(semconv::GEN_AI_REQUEST_TEMPERATURE, 0.2),
            KeyValue::new(semconv::GEN_AI_USAGE_INPUT_TOKENS, 12i64),
            KeyValue::new(semconv::GEN_AI_USAGE_OUTPUT_TOKENS, 5i64),
            KeyValue::new(
                semconv::GEN_AI_INPUT_MESSAGES,
                r#"[{"role":"user","parts":[{"type":"text","content":"Capital of France?"}]}]"#,
            ),
            KeyValue::new(
                semconv::GEN_AI_OUTPUT_MESSAGES,
                r#"[{"role":"assistant","parts":[{"type":"text","content":"Paris."}],"finish_reason":"stop"}]"#,
            ),
            KeyValue::new(
                semconv::GEN_AI_SYSTEM_INSTRUCTIONS,
                r#"[{"type":"text","content":"Be brief."}]"#,
            ),
        ]
    }

    fn find(attrs: &[KeyValue], k: &str) -> Option<String> {
        get_str(attrs, k)
    }

    #[test]
    fn llm_span_gets_openinference_keys() {
        let mut a = chat_attrs();
        map(&mut a, true, false);
        assert_eq!(find(&a, oi::SPAN_KIND).as_deref(), Some("LLM"));
        assert_eq!(
            find(&a, oi::LLM_MODEL_NAME).as_deref(),
            Some("gpt-4.1-2025-04-14")
        );
        assert_eq!(get_i64(&a, oi::LLM_TOKEN_COUNT_TOTAL), Some(17));
        assert_eq!(
            find(&a, "llm.input_messages.0.message.role").as_deref(),
            Some("system")
        );
        assert_eq!(
            find(&a, "llm.input_messages.1.message.content").as_deref(),
            Some("Capital of France?")
        );
        assert_eq!(
            find(&a, "llm.output_messages.0.message.content").as_deref(),
            Some("Paris.")
        );
        assert_eq!(find(&a, oi::OUTPUT_VALUE).as_deref(), Some("Paris."));
        let params: Json =
            serde_json::from_str(&find(&a, oi::LLM_INVOCATION_PARAMETERS).unwrap()).unwrap();
        assert_eq!(params["temperature"], 0.2);
        assert!(find(&a, legacy::GEN_AI_SYSTEM).is_none());
    }

    #[test]
    fn legacy_names_only_when_asked() {
        let mut a = chat_attrs();
        map(&mut a, false, true);
        assert_eq!(find(&a, legacy::GEN_AI_SYSTEM).as_deref(), Some("openai"));
        assert_eq!(get_i64(&a, legacy::GEN_AI_USAGE_PROMPT_TOKENS), Some(12));
        assert_eq!(get_i64(&a, legacy::GEN_AI_USAGE_COMPLETION_TOKENS), Some(5));
        assert!(find(&a, oi::SPAN_KIND).is_none());
    }

    #[test]
    fn tools_agents_and_attempts() {
        let mut tool = vec![
            KeyValue::new(semconv::GEN_AI_OPERATION_NAME, "execute_tool"),
            KeyValue::new(semconv::GEN_AI_TOOL_NAME, "get_weather"),
        ];
        map(&mut tool, true, false);
        assert_eq!(find(&tool, oi::SPAN_KIND).as_deref(), Some("TOOL"));
        assert_eq!(find(&tool, oi::TOOL_NAME).as_deref(), Some("get_weather"));
        let mut attempt = vec![
            KeyValue::new(semconv::GEN_AI_OPERATION_NAME, "chat"),
            KeyValue::new(semconv::LLMOPS_ATTEMPT, 1i64),
        ];
        map(&mut attempt, true, true);
        assert_eq!(find(&attempt, oi::SPAN_KIND).as_deref(), Some("CHAIN"));
        assert!(find(&attempt, legacy::GEN_AI_SYSTEM).is_none());
        let mut other = vec![KeyValue::new("http.method", "GET")];
        map(&mut other, true, true);
        assert_eq!(other.len(), 1);
    }
}
