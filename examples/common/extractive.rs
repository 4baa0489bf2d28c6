//! An offline "model" for the examples: answers with the first two sentences of the best
//! document it was shown, citing it, so examples run without an API key.

use llmops::{
    ChatRequest, ChatResponse, Exchange, Provider, Reply, Result as CoreResult, async_trait,
};

/// An offline "model" that answers with the first two sentences of the best document it was
/// shown, citing it: enough to run the example without an API key.
pub(crate) struct Extractive;

#[async_trait]
impl Provider for Extractive {
    fn name(&self) -> &str {
        "extractive"
    }

    fn is_scripted(&self) -> bool {
        true
    }

    async fn chat(&self, req: &ChatRequest, _cx: &Exchange) -> CoreResult<Reply> {
        let prompt = req.last_user_text().unwrap_or_default();
        let answer = first_document(&prompt)
            .map(|(id, body)| {
                let body: String = body
                    .lines()
                    .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                    .collect::<Vec<_>>()
                    .join(" ");
                let two: Vec<&str> = body.split_inclusive(". ").take(2).collect();
                format!("{} [{id}]", two.concat().trim())
            })
            .unwrap_or_else(|| "I could not find this in the help centre.".to_owned());
        Ok(Reply::Full(ChatResponse::new(answer)))
    }
}

/// The id and body of the first `<document>` element of the prompt.
fn first_document(prompt: &str) -> Option<(String, String)> {
    let start = prompt.find("<document id=\"")? + "<document id=\"".len();
    let rest = prompt.get(start..)?;
    let id = rest.get(..rest.find('"')?)?.to_owned();
    let body_start = rest.find(">\n")? + 2;
    let body = rest.get(body_start..)?;
    let body = body.get(..body.find("\n</document>")?)?.to_owned();
    Some((id, body))
}
