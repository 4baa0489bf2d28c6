//! [`RequestCounter`]: the input tokens of a whole chat request.

use super::image::{ImageRule, base64_image_size};
use super::tools::tool_tokens;
use super::{ModelFamily, Tiktoken, TokenCount, TokenCounter};
use crate::types::{ChatRequest, ContentPart, ImageSource, Message, ResponseFormat, ToolSpec};

/// Tokens every message costs besides its content (OpenAI cookbook,
/// `num_tokens_from_messages`: `<|start|>{role}<|message|>…<|end|>` is 3 plus the role).
pub const TOKENS_PER_MESSAGE: u64 = 3;
/// Tokens a message's `name` costs besides the name itself.
pub const TOKENS_PER_NAME: u64 = 1;
/// Tokens that prime the reply (`<|start|>assistant<|message|>`).
pub const REPLY_PRIMING: u64 = 3;
/// Tokens an assistant's tool call costs besides its name and arguments (not documented;
/// counted like a legacy `function_call`, flagged estimated).
pub const TOKENS_PER_TOOL_CALL: u64 = 3;

/// Counts the input tokens of chat requests for one model, the way the provider bills them.
///
/// For OpenAI models: the model's encoding, the cookbook's chat overhead (3 tokens per
/// message plus its role, 1 more for a `name`, 3 priming the reply), tool definitions by the
/// cookbook's function-calling formula, images by the vision guide's formula. The count is
/// [`UsageSource::Counted`](crate::UsageSource::Counted) when every part follows a documented
/// rule, else `Estimated`: tool calls and tool results in the history, several text parts in
/// one message, a JSON-schema response format, nested tool schemas, images of unknown size
/// or `auto` detail. Other families (Anthropic, Gemini, unknown) are always `Estimated`:
/// their text is counted with o200k_base and OpenAI's overheads, their images by their own
/// documented formulas (docs/cost.md, "Tokens").
///
/// The counter is a small `Copy` value; encoders are process-wide and load once.
///
/// ```
/// use llmops_core::{ChatRequest, UsageSource};
/// use llmops_core::tokens::RequestCounter;
/// let req = ChatRequest::new("gpt-4o").system("You are terse.").user("Name a prime.");
/// let n = RequestCounter::for_model(&req.model).count(&req);
/// // (3 + "system" 1 + 4) + (3 + "user" 1 + 4) + 3 priming
/// assert_eq!(n.tokens, 19);
/// assert_eq!(n.source, UsageSource::Counted);
/// assert_eq!(req.count_tokens(), n);
/// assert!(!ChatRequest::new("claude-sonnet-4-5").user("hi").count_tokens().is_exact());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestCounter {
    text: Tiktoken,
    family: ModelFamily,
    image: ImageRule,
}

impl RequestCounter {
    /// The counter for a model reference (`gpt-4o`, `openai/gpt-4.1-mini`,
    /// `anthropic/claude-sonnet-4-5` ...).
    pub fn for_model(model: &str) -> Self {
        let family = ModelFamily::of(model);
        let text = Tiktoken::for_model(model);
        RequestCounter {
            text,
            family,
            image: ImageRule::for_model(model, family),
        }
    }

    /// The model's family.
    pub fn family(&self) -> ModelFamily {
        self.family
    }

    /// The raw-text counter underneath.
    pub fn text_counter(&self) -> Tiktoken {
        self.text
    }

    fn exact(&self) -> bool {
        self.family == ModelFamily::OpenAi && self.text.exact()
    }

    fn tokens(&self, s: &str) -> u64 {
        self.text.count(s) as u64
    }

    /// The input tokens of `req`: messages, tool definitions, response schema, reply priming.
    pub fn count(&self, req: &ChatRequest) -> TokenCount {
        let mut n = self.count_messages(&req.messages);
        n.add(TokenCount::counted(REPLY_PRIMING));
        n.add(self.count_tools(&req.tools));
        if let Some(ResponseFormat::JsonSchema { name, schema, .. }) = &req.params.response_format {
            // the schema reaches the model in a form OpenAI does not document
            n.add(TokenCount::estimated(
                self.tokens(name) + self.tokens(&schema.to_string()),
            ));
        }
        n
    }

    /// The tokens of `messages` (without the reply priming).
    pub fn count_messages(&self, messages: &[Message]) -> TokenCount {
        let mut n = TokenCount::counted(0);
        for m in messages {
            n.add(self.count_message(m));
        }
        n
    }

    /// The tokens of one message: overhead, role, name, text, images, tool calls.
    pub fn count_message(&self, m: &Message) -> TokenCount {
        let mut exact = self.exact();
        let mut n = TOKENS_PER_MESSAGE + self.tokens(m.role.as_str());
        if let Some(name) = &m.name {
            n += TOKENS_PER_NAME + self.tokens(name);
        }
        let mut texts = 0usize;
        for part in &m.content {
            match part {
                ContentPart::Text { text, .. } => {
                    texts += 1;
                    n += self.tokens(text);
                }
                ContentPart::Image { .. } => {
                    let c = self.count_image(part);
                    exact &= c.is_exact();
                    n += c.tokens;
                }
            }
        }
        // how parts are joined is not documented
        exact &= texts <= 1;
        for call in &m.tool_calls {
            n += TOKENS_PER_TOOL_CALL + self.tokens(&call.name) + self.tokens(&call.arguments);
            exact = false;
        }
        if m.tool_call_id.is_some() {
            exact = false;
        }
        TokenCount::counted(n).exact_if(exact)
    }

    /// The tokens of tool definitions (zero for none).
    pub fn count_tools(&self, tools: &[ToolSpec]) -> TokenCount {
        tool_tokens(&self.text, tools).exact_if(self.exact())
    }

    /// The tokens of an image part by the family's documented formula; a text part is 0.
    /// The size is read from inline data; an image by URL is counted at the formula's
    /// maximum and flagged estimated, as is OpenAI's `auto` detail (counted as `high`).
    pub fn count_image(&self, part: &ContentPart) -> TokenCount {
        let ContentPart::Image { source, detail, .. } = part else {
            return TokenCount::counted(0);
        };
        let low = detail.as_deref() == Some("low");
        let high = detail.as_deref() == Some("high");
        let size = match source {
            ImageSource::Base64 { data, .. } => base64_image_size(data),
            ImageSource::Url { url } => url
                .strip_prefix("data:")
                .and_then(|rest| rest.split_once(";base64,"))
                .and_then(|(_, data)| base64_image_size(data)),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        match self.image.tokens(size, low) {
            Some(n) => TokenCount::counted(n).exact_if(self.exact() && (low || high)),
            None => TokenCount::estimated(self.image.max_tokens()),
        }
    }
}

impl ChatRequest {
    /// The input tokens of this request for its own model
    /// (`RequestCounter::for_model(&self.model).count(self)`). Costs a tokenizer pass over
    /// every message: off the hot path, or behind [`token_upper_bound`](Self::token_upper_bound).
    pub fn count_tokens(&self) -> TokenCount {
        RequestCounter::for_model(&self.model).count(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Role, ToolCall};
    use crate::{Encoding, UsageSource};

    /// The cookbook's `num_tokens_from_messages` example conversation: the API reported 129
    /// prompt tokens for gpt-3.5-turbo and gpt-4 (cl100k), 124 for gpt-4o and gpt-4o-mini.
    #[test]
    fn cookbook_example_conversation() {
        let a = Message::system(
            "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
        );
        let mut ex_user = Message::system("New synergies will help drive top-line growth.");
        ex_user.name = Some("example_user".into());
        let mut ex_asst = Message::system("Things working well together will increase revenue.");
        ex_asst.name = Some("example_assistant".into());
        let mut ex_user2 = Message::system(
            "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
        );
        ex_user2.name = Some("example_user".into());
        let mut ex_asst2 =
            Message::system("Let's talk later when we're less busy about how to do better.");
        ex_asst2.name = Some("example_assistant".into());
        let user = Message::user(
            "This late pivot means we don't have time to boil the ocean for the client deliverable.",
        );
        let req =
            ChatRequest::new("gpt-4o").messages([a, ex_user, ex_asst, ex_user2, ex_asst2, user]);
        for (model, tokens) in [
            ("gpt-4o", 124),
            ("gpt-4o-mini", 124),
            ("gpt-4-0613", 129),
            ("gpt-3.5-turbo", 129),
        ] {
            let n = RequestCounter::for_model(model).count(&req);
            assert_eq!(n, TokenCount::counted(tokens), "{model}");
        }
    }

    #[test]
    fn estimated_parts_are_flagged() {
        let c = RequestCounter::for_model("gpt-4.1");
        assert_eq!(c.text_counter().encoding(), Encoding::O200kBase);
        let calls = Message::assistant_tool_calls("", vec![ToolCall::new("c1", "f", "{}")]);
        assert!(!c.count_message(&calls).is_exact());
        assert!(
            !c.count_message(&Message::tool_result("c1", "ok"))
                .is_exact()
        );
        let two = Message::with_parts(
            Role::User,
            vec![ContentPart::text("a"), ContentPart::text("b")],
        );
        assert!(!c.count_message(&two).is_exact());
        // images: low detail is exact, a URL of unknown size is the maximum, estimated
        let mut low = ContentPart::image_url("https://example.invalid/cat.png");
        if let ContentPart::Image { detail, .. } = &mut low {
            *detail = Some("low".into());
        }
        assert_eq!(c.count_image(&low), TokenCount::counted(85));
        let url = ContentPart::image_url("https://example.invalid/cat.png");
        assert_eq!(c.count_image(&url), TokenCount::estimated(85 + 170 * 8));
        let req = ChatRequest::new("gpt-4.1").user_parts(vec![ContentPart::text("what?"), low]);
        let n = req.count_tokens();
        assert_eq!(n.source, UsageSource::Counted); // one text part, a low-detail image
        assert_eq!(n.tokens, 3 + 1 + 2 + 85 + 3);
        // another family
        let claude = RequestCounter::for_model("anthropic/claude-sonnet-4-5");
        assert_eq!(claude.family(), ModelFamily::Anthropic);
        let r = ChatRequest::new("anthropic/claude-sonnet-4-5").user("hello world");
        assert_eq!(claude.count(&r), TokenCount::estimated(3 + 1 + 2 + 3));
    }

    #[test]
    fn inline_images_are_sized() {
        use base64::Engine;
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(1024u32.to_be_bytes());
        png.extend(1024u32.to_be_bytes());
        let data = base64::engine::general_purpose::STANDARD.encode(&png);
        let mut part = ContentPart::image_base64("image/png", data.clone());
        if let ContentPart::Image { detail, .. } = &mut part {
            *detail = Some("high".into());
        }
        let c = RequestCounter::for_model("gpt-4o");
        assert_eq!(c.count_image(&part), TokenCount::counted(765));
        let auto = ContentPart::image_url(format!("data:image/png;base64,{data}"));
        assert_eq!(c.count_image(&auto), TokenCount::estimated(765));
    }
}
