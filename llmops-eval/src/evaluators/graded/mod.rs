//! Model-graded evaluators: a judge model scores the output.
//!
//! | type | what | judge calls |
//! |---|---|---|
//! | `llm-rubric` | rubric (`value`) → `{reason, pass, score}` | 1 |
//! | `g-eval` | criteria → evaluation steps → score 0–10, ÷ 10 | 2 per criterion (1 with `config.steps`) |
//! | `context-faithfulness` | RAGAS faithfulness: statements, then a verdict each | 2 |
//! | `answer-relevance` | RAGAS answer relevancy: generated questions vs the question (embedder) | 1 |
//!
//! Every judge call goes through the [`BuildContext`](crate::BuildContext)'s judge ([`Judge`]): temperature 0, a
//! JSON response format, a strict parse ([`judge::parse_reply`]). A malformed reply is an
//! error (the case is errored, never passed) quoting the start of the reply. What the calls
//! cost and the tokens they spent are summed into the score ([`Spend`]). Prompts are
//! templates the user can override ([`templates`]). See `docs/eval-judges.md`.
//!
//! ```
//! use llmops_core::{Client, EvalCase, EvalOutput, ScriptedProvider};
//! use llmops_eval::{AssertionSpec, BuildContext, Registry};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let judge = ScriptedProvider::new().reply(r#"{"reason": "greets", "pass": true, "score": 0.9}"#);
//! let client = Client::builder().provider(judge).build().unwrap();
//! let reg = Registry::builtin(BuildContext::new().judge(client, "scripted/judge"));
//! let a = reg.compile(&AssertionSpec::new("llm-rubric", "greets the user")).unwrap();
//! let s = a.evaluate(&EvalCase::default(), &EvalOutput::text("Hello!")).await.unwrap();
//! assert!(s.pass);
//! assert_eq!(s.value, 0.9);
//! # });
//! ```

use crate::Registry;

pub mod faithfulness;
pub mod geval;
pub mod judge;
pub mod relevancy;
pub mod rubric;
pub mod templates;

pub use faithfulness::ContextFaithfulness;
pub use geval::GEval;
pub use judge::{JsonMode, Judge, JudgeError, Spend};
pub use relevancy::AnswerRelevance;
pub use rubric::LlmRubric;
pub use templates::{JudgePrompt, Slot};

/// Adds this family's assertion types.
pub(crate) fn register(r: &mut Registry) {
    r.register("llm-rubric", rubric::factory);
    r.register("g-eval", geval::factory);
    r.register("context-faithfulness", faithfulness::factory);
    r.register("answer-relevance", relevancy::factory);
}
