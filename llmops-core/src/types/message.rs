//! Messages and their content parts.

use serde::{Deserialize, Serialize};

use super::tools::ToolCall;

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Instructions from the application (OpenAI `system`/`developer`, Anthropic `system`).
    System,
    /// The end user.
    User,
    /// The model.
    Assistant,
    /// The result of a tool call, answering an assistant's tool call by id.
    Tool,
}

impl Role {
    /// The lower-case name (`system`, `user`, `assistant`, `tool`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// A prompt-caching marker on a content part or tool (Anthropic `cache_control`).
///
/// Providers that cache automatically (OpenAI) ignore it; Anthropic caches the prefix up to
/// and including the marked block.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CacheControl {
    /// Cache for the provider's default time (5 minutes at Anthropic), or `ttl` (`"1h"`).
    Ephemeral {
        /// Optional time to live as the provider spells it (`"5m"`, `"1h"`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ttl: Option<String>,
    },
}

impl CacheControl {
    /// The default ephemeral marker.
    pub fn ephemeral() -> Self {
        CacheControl::Ephemeral { ttl: None }
    }
}

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImageSource {
    /// A URL the provider fetches (`https:` or `data:`).
    Url {
        /// The URL.
        url: String,
    },
    /// Inline base64 data.
    Base64 {
        /// `image/png`, `image/jpeg` ...
        media_type: String,
        /// The base64 text.
        data: String,
    },
}

/// One part of a message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Prompt-cache marker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_control: Option<CacheControl>,
    },
    /// An image.
    Image {
        /// Where the image is.
        source: ImageSource,
        /// OpenAI's `detail` (`low`, `high`, `auto`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// Prompt-cache marker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_control: Option<CacheControl>,
    },
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text {
            text: text.into(),
            cache_control: None,
        }
    }

    /// An image part from a URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        ContentPart::Image {
            source: ImageSource::Url { url: url.into() },
            detail: None,
            cache_control: None,
        }
    }

    /// An image part from base64 data.
    pub fn image_base64(media_type: impl Into<String>, data: impl Into<String>) -> Self {
        ContentPart::Image {
            source: ImageSource::Base64 {
                media_type: media_type.into(),
                data: data.into(),
            },
            detail: None,
            cache_control: None,
        }
    }

    /// This part with a cache marker.
    #[must_use]
    pub fn cached(mut self, cc: CacheControl) -> Self {
        match &mut self {
            ContentPart::Text { cache_control, .. } | ContentPart::Image { cache_control, .. } => {
                *cache_control = Some(cc)
            }
        }
        self
    }

    /// The text, if this is a text part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ContentPart::Text { text, .. } => Some(text),
            ContentPart::Image { .. } => None,
        }
    }

    /// The cache marker, if any.
    pub fn cache_control(&self) -> Option<&CacheControl> {
        match self {
            ContentPart::Text { cache_control, .. } | ContentPart::Image { cache_control, .. } => {
                cache_control.as_ref()
            }
        }
    }
}

/// One message of a conversation.
///
/// ```
/// use llmops_core::{Message, Role};
/// let m = Message::user("hello");
/// assert_eq!(m.role, Role::User);
/// assert_eq!(m.text(), "hello");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// The content parts (text, images).
    #[serde(default)]
    pub content: Vec<ContentPart>,
    /// Tool calls the assistant made in this message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// For `Role::Tool`: the id of the call this answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// For `Role::Tool`: whether the tool failed (Anthropic `is_error`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_error: bool,
    /// An optional participant name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Message {
    /// A message of `role` with one text part.
    pub fn new(role: Role, text: impl Into<String>) -> Self {
        Message {
            role,
            content: vec![ContentPart::text(text)],
            tool_calls: Vec::new(),
            tool_call_id: None,
            is_error: false,
            name: None,
        }
    }

    /// A message of `role` with the given parts.
    pub fn with_parts(role: Role, content: Vec<ContentPart>) -> Self {
        Message {
            role,
            content,
            tool_calls: Vec::new(),
            tool_call_id: None,
            is_error: false,
            name: None,
        }
    }

    /// A system message.
    pub fn system(text: impl Into<String>) -> Self {
        Message::new(Role::System, text)
    }

    /// A user message.
    pub fn user(text: impl Into<String>) -> Self {
        Message::new(Role::User, text)
    }

    /// An assistant message.
    pub fn assistant(text: impl Into<String>) -> Self {
        Message::new(Role::Assistant, text)
    }

    /// An assistant message that calls tools (its text may be empty).
    pub fn assistant_tool_calls(text: impl Into<String>, calls: Vec<ToolCall>) -> Self {
        let text = text.into();
        let content = if text.is_empty() {
            Vec::new()
        } else {
            vec![ContentPart::text(text)]
        };
        Message {
            tool_calls: calls,
            ..Message::with_parts(Role::Assistant, content)
        }
    }

    /// The result of the tool call `call_id`.
    pub fn tool_result(call_id: impl Into<String>, result: impl Into<String>) -> Self {
        Message {
            tool_call_id: Some(call_id.into()),
            ..Message::new(Role::Tool, result)
        }
    }

    /// This message with a cache marker on its last content part.
    #[must_use]
    pub fn cached(mut self) -> Self {
        if let Some(last) = self.content.pop() {
            self.content.push(last.cached(CacheControl::ephemeral()));
        }
        self
    }

    /// The concatenated text parts.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for p in &self.content {
            if let Some(t) = p.as_text() {
                out.push_str(t);
            }
        }
        out
    }
}
