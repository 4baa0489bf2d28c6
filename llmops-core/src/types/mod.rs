//! The request and response types every layer shares. All of them round-trip through serde.

mod caller;
mod message;
mod params;
mod request;
mod response;
mod tools;
mod usage;

pub use caller::{AccessScope, Caller};
pub use message::{CacheControl, ContentPart, ImageSource, Message, Role};
pub use params::{ParamSource, ParamSources, Params, ResponseFormat};
pub use request::{ChatRequest, PromptCall};
pub use response::{ChatResponse, PromptVersionRef, ResponseMeta};
pub use tools::{ToolCall, ToolChoice, ToolSpec};
pub use usage::{FinishReason, Usage, UsageSource};
