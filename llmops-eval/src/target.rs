//! [`Target`]: the system under test. The runner asks it for one output per case (and
//! repeat); implementations live beside it.

use llmops_core::{EvalCase, EvalOutput};

/// The system under test: turns a case into an output.
///
/// ```
/// use llmops_core::{async_trait, EvalCase, EvalOutput};
/// use llmops_eval::Target;
/// struct Echo;
/// #[async_trait]
/// impl Target for Echo {
///     fn id(&self) -> &str { "echo" }
///     async fn run(&self, case: &EvalCase) -> llmops_core::Result<EvalOutput> {
///         Ok(EvalOutput::text(case.vars.get("q").and_then(|v| v.as_str()).unwrap_or_default()))
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Target: Send + Sync + 'static {
    /// What is evaluated (`support-reply/4`, `openai/gpt-4.1-mini`): reports and the output
    /// cache key on it.
    fn id(&self) -> &str;
    /// Produces the output for `case`.
    async fn run(&self, case: &EvalCase) -> llmops_core::Result<EvalOutput>;
}

#[async_trait::async_trait]
impl<T: Target + ?Sized> Target for std::sync::Arc<T> {
    fn id(&self) -> &str {
        (**self).id()
    }
    async fn run(&self, case: &EvalCase) -> llmops_core::Result<EvalOutput> {
        (**self).run(case).await
    }
}
