//! Tools (feature `tools`): typed tools from Rust types, the [`Toolbox`], and the bounded
//! [`ToolLoop`] that runs model turns and tool calls on a [`Client`](crate::Client) with least
//! privilege.
//!
//! - [`tool_fn`] builds a [`Tool`](crate::Tool) from an argument type (`JsonSchema +
//!   Deserialize`, its JSON Schema becomes the tool's `parameters`) and an async function.
//! - [`Toolbox`]: tools by name (unique).
//! - [`ToolLoop`]: model → tool calls → gate ([`ToolGate`](crate::ToolGate)) → approvals
//!   ([`Approver`](crate::Approver), e.g. the [`ChannelApprover`](crate::ChannelApprover)) →
//!   the calls of one turn run concurrently (bounded), each in an `execute_tool` span →
//!   results (checked by optional [`Guardrail`](crate::Guardrail)s) go back as `tool`
//!   messages → model, until an answer or a step or cost limit ([`LoopStop`]).
//!
//! Least privilege: the tools offered and every gate decision come from the caller and the
//! configuration only. A call to a tool that was not offered is refused and never runs, and
//! nothing a tool returns changes what is offered. Guide: `docs/tools.md`.
//!
//! ```
//! use llmops_core::{ChatRequest, Client, ScriptedProvider, ToolCx, ToolLoop, Toolbox, tool_fn};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct Add { a: i64, b: i64 }
//! let add = tool_fn("add", "Adds two integers", |x: Add, _cx: ToolCx| async move { Ok(x.a + x.b) })?;
//! let model = ScriptedProvider::new()
//!     .tool_call("add", serde_json::json!({"a": 2, "b": 3}))
//!     .reply("2 + 3 = 5");
//! let client = Client::builder().provider(model).build()?;
//! let out = ToolLoop::new(Toolbox::new().with(add)?)
//!     .max_steps(4)
//!     .run(&client, ChatRequest::new("scripted/m").user("What is 2 + 3?"))
//!     .await?;
//! assert!(out.is_answered());
//! assert_eq!(out.response.text(), "2 + 3 = 5");
//! assert_eq!(out.steps, 2);
//! assert!(out.tool_calls[0].ok);
//! # Ok::<(), llmops_core::Error>(())
//! # }).unwrap();
//! ```

mod execute;
mod outcome;
mod span;
mod tool_loop;
mod toolbox;
mod typed;

pub use outcome::{LoopStop, ToolLoopOutcome};
pub use tool_loop::{LOOP_ACTOR, ToolLoop};
pub use toolbox::Toolbox;
pub use typed::{MAX_TOOL_NAME, TypedTool, check_tool_name, parameters_for, tool_fn};

/// The schemars crate whose `JsonSchema` derive tool argument types use (for
/// `#[schemars(crate = "llmops_core::tools::schemars")]` without a direct dependency).
pub use schemars;
