//! Judge prompt templates: the built-in defaults, how overrides replace them, and strict
//! rendering (minijinja with strict undefined: a variable the template names but the slot
//! does not provide is an error when the assertion is compiled, never an empty string).
//!
//! Every judge call renders one [`Slot`]: an assertion type and a step
//! (`context-faithfulness.statements`, `g-eval.evaluate` ...). A slot's template comes from,
//! first match wins:
//!
//! 1. the assertion's `config.prompts.<step>`;
//! 2. the assertion's `rubricPrompt` (the type's scoring step only: [`Slot::main`]);
//! 3. [`BuildContext::judge_templates`](crate::BuildContext) under `<type>.<step>`, or
//!    `<type>` for the scoring step;
//! 4. the built-in default ([`Slot::default_template`]).
//!
//! A template is plain text (sent as one user message) or, as promptfoo's `rubricPrompt`
//! allows, a JSON list of `{"role", "content"}` messages whose contents are templates.
//! Once the prompt registry lands (issue 6) judge prompts move there; these overrides stay
//! as the way to pin one in code.

use std::collections::BTreeMap;
use std::sync::Arc;

use llmops_core::{Message, Role};
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Deserialize;

use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Result};

/// Variables every judge template may use.
///
/// - `output`: the answer under evaluation;
/// - `question`: the case's question (`vars.query`, `vars.question`, `vars.input`, else the
///   last user message; empty when the case has none);
/// - `expected`: the reference answer (empty when none);
/// - `context`: the context passages joined by blank lines; `contexts`: them as a list;
/// - `vars`: the case's variables.
pub const COMMON_VARS: &[&str] = &[
    "output", "question", "expected", "context", "contexts", "vars",
];

/// One judge prompt: an assertion type and a step, with its default template and the
/// variables it may use beyond [`COMMON_VARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Slot {
    /// The assertion type (`g-eval`).
    pub kind: &'static str,
    /// The step (`steps`, `evaluate`).
    pub step: &'static str,
    /// Whether this is the type's scoring step (what `rubricPrompt` and the bare type key
    /// override).
    pub main: bool,
    /// Variables beyond [`COMMON_VARS`].
    pub vars: &'static [&'static str],
    default: &'static str,
}

impl Slot {
    /// `<type>.<step>`: the key in `BuildContext::judge_templates`.
    pub fn key(&self) -> String {
        format!("{}.{}", self.kind, self.step)
    }

    /// The built-in template.
    pub fn default_template(&self) -> &'static str {
        self.default
    }

    /// Every variable this slot's template may use.
    pub fn allowed_vars(&self) -> Vec<&'static str> {
        COMMON_VARS.iter().chain(self.vars).copied().collect()
    }
}

const fn slot(
    kind: &'static str,
    step: &'static str,
    main: bool,
    vars: &'static [&'static str],
    default: &'static str,
) -> Slot {
    Slot {
        kind,
        step,
        main,
        vars,
        default,
    }
}

/// `llm-rubric`: one call, `{"reason", "pass", "score"}`.
pub const RUBRIC: Slot = slot(
    "llm-rubric",
    "grade",
    true,
    &["rubric"],
    r#"You grade an output against a rubric. The output passes when the rubric's statement is true of it.
Reply with a JSON object only: {"reason": string, "pass": boolean, "score": number between 0.0 and 1.0}.

<Output>
{{ output }}
</Output>
<Rubric>
{{ rubric }}
</Rubric>"#,
);

/// `g-eval`, step 1: evaluation steps from the criteria, `{"steps": [string]}`.
pub const GEVAL_STEPS: Slot = slot(
    "g-eval",
    "steps",
    false,
    &["criteria"],
    r#"Write 3 or 4 short, concrete evaluation steps that a grader can follow to judge a text against the criteria below.

Criteria:
{{ criteria }}

Reply with a JSON object only: {"steps": [string, ...]}."#,
);

/// `g-eval`, step 2: a score from 0 to `max_score` following the steps,
/// `{"score": number, "reason": string}`.
pub const GEVAL_EVALUATE: Slot = slot(
    "g-eval",
    "evaluate",
    true,
    &["criteria", "steps", "max_score"],
    r#"You evaluate a reply to an input against criteria, following the evaluation steps in order.

Criteria:
{{ criteria }}

Evaluation steps:
{% for s in steps %}{{ loop.index }}. {{ s }}
{% endfor %}
Input:
{{ question }}

Reply:
{{ output }}

Give an integer score from 0 (does not meet the criteria at all) to {{ max_score }} (fully meets them).
Reply with a JSON object only: {"score": integer, "reason": string}."#,
);

/// `context-faithfulness`, step 1: statements from the answer, `{"statements": [string]}`.
pub const FAITHFULNESS_STATEMENTS: Slot = slot(
    "context-faithfulness",
    "statements",
    false,
    &[],
    r#"Break the answer to the question into short statements, each one self-contained fact (no pronouns: name who or what each statement is about). Every claim of the answer must appear in some statement; add nothing the answer does not say.

Question:
{{ question }}

Answer:
{{ output }}

Reply with a JSON object only: {"statements": [string, ...]} (an empty list when the answer makes no claim)."#,
);

/// `context-faithfulness`, step 2: a verdict per statement against the context,
/// `{"statements": [{"statement", "reason", "verdict": 0|1}]}`, in the given order.
pub const FAITHFULNESS_VERDICTS: Slot = slot(
    "context-faithfulness",
    "verdicts",
    true,
    &["statements"],
    r#"Judge each statement against the context. Its verdict is 1 when the statement can be directly inferred from the context, 0 when it cannot (contradicted, or not mentioned).

Context:
{{ context }}

Statements:
{% for s in statements %}{{ loop.index }}. {{ s }}
{% endfor %}
Reply with a JSON object only, one entry per statement, in the same order:
{"statements": [{"statement": string, "reason": string, "verdict": 0 or 1}, ...]}."#,
);

/// `answer-relevance`: `n` questions the answer would answer, and whether it is
/// noncommittal, `{"questions": [string], "noncommittal": 0|1}`.
pub const RELEVANCY: Slot = slot(
    "answer-relevance",
    "questions",
    true,
    &["n"],
    r#"Read the answer and write {{ n }} different questions that it answers, as a user would ask them. Also say whether the answer is noncommittal: 1 when it is evasive, vague or ambiguous ("I don't know", "it depends"), 0 when it commits to an answer.

Answer:
{{ output }}

Reply with a JSON object only: {"questions": [string, ...], "noncommittal": 0 or 1}."#,
);

/// `context-recall` (with a judge): each sentence of the reference answer attributed to the
/// retrieved context or not, `{"classifications": [{"statement", "reason", "attributed": 0|1}]}`.
pub const RECALL: Slot = slot(
    "context-recall",
    "classify",
    true,
    &[],
    r#"Split the reference answer into its sentences. For each sentence decide whether it can be attributed to the context: 1 when the context supports it, 0 when it does not.

Question:
{{ question }}

Context:
{{ context }}

Reference answer:
{{ expected }}

Reply with a JSON object only:
{"classifications": [{"statement": string, "reason": string, "attributed": 0 or 1}, ...]}."#,
);

/// `context-precision` (with a judge): whether one retrieved chunk was useful to arrive at
/// the answer, `{"reason", "verdict": 0|1}`; one call per chunk.
pub const PRECISION: Slot = slot(
    "context-precision",
    "verdict",
    true,
    &["chunk", "rank", "answer"],
    r#"Decide whether the context was useful in arriving at the answer to the question: verdict 1 when it was, 0 when it was not.

Question:
{{ question }}

Answer:
{{ answer }}

Context:
{{ chunk }}

Reply with a JSON object only: {"reason": string, "verdict": 0 or 1}."#,
);

/// Every judge prompt slot, in the order the docs list them.
pub const SLOTS: &[Slot] = &[
    RUBRIC,
    GEVAL_STEPS,
    GEVAL_EVALUATE,
    FAITHFULNESS_STATEMENTS,
    FAITHFULNESS_VERDICTS,
    RELEVANCY,
    RECALL,
    PRECISION,
];

/// A compiled judge prompt: one user message, or a list of messages, each a template.
#[derive(Clone)]
pub struct JudgePrompt {
    slot: Slot,
    env: Arc<Environment<'static>>,
    roles: Vec<Role>,
}

impl std::fmt::Debug for JudgePrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JudgePrompt")
            .field("slot", &self.slot.key())
            .field("messages", &self.roles.len())
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessage {
    role: String,
    content: String,
}

impl JudgePrompt {
    /// Compiles `source` for `slot`: a syntax error, or a variable the slot does not provide,
    /// is an error naming the allowed variables.
    ///
    /// ```
    /// use llmops_eval::evaluators::graded::templates::{JudgePrompt, RUBRIC};
    /// assert!(JudgePrompt::compile(RUBRIC, "Grade {{ output }} by {{ rubric }}").is_ok());
    /// let err = JudgePrompt::compile(RUBRIC, "Grade {{ outptu }}").unwrap_err().to_string();
    /// assert!(err.contains("unknown variable `outptu`"), "{err}");
    /// ```
    pub fn compile(slot: Slot, source: &str) -> Result<Self> {
        let parts = split_messages(source).unwrap_or_else(|| vec![(Role::User, source.to_owned())]);
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let err = |m: String| {
            EvalError::assertion(slot.kind, format!("judge prompt `{}`: {m}", slot.key()))
        };
        let mut roles = Vec::with_capacity(parts.len());
        for (i, (role, text)) in parts.into_iter().enumerate() {
            env.add_template_owned(i.to_string(), text)
                .map_err(|e| err(e.to_string()))?;
            roles.push(role);
        }
        let globals: Vec<String> = env.globals().map(|(k, _)| k.to_owned()).collect();
        let allowed = slot.allowed_vars();
        for i in 0..roles.len() {
            let t = env
                .get_template(&i.to_string())
                .map_err(|e| err(e.to_string()))?;
            let mut unknown: Vec<String> = t
                .undeclared_variables(false)
                .into_iter()
                .filter(|v| !allowed.contains(&v.as_str()) && !globals.contains(v))
                .collect();
            unknown.sort();
            if let Some(v) = unknown.first() {
                return Err(err(format!(
                    "unknown variable `{v}` (this prompt may use: {})",
                    allowed.join(", ")
                )));
            }
        }
        Ok(JudgePrompt {
            slot,
            env: Arc::new(env),
            roles,
        })
    }

    /// The template for `slot` that `spec` and `cx` select (see the module docs), compiled.
    pub fn select(slot: Slot, spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        let from_config = match spec.config.get("prompts") {
            None => None,
            Some(serde_json::Value::Object(m)) => match m.get(slot.step) {
                None => None,
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    return Err(EvalError::assertion(
                        slot.kind,
                        format!("config.prompts.{} must be a string, got {other}", slot.step),
                    ));
                }
            },
            Some(other) => {
                return Err(EvalError::assertion(
                    slot.kind,
                    format!("config.prompts must be an object of step → template, got {other}"),
                ));
            }
        };
        let source = from_config
            .or_else(|| spec.rubric_prompt.clone().filter(|_| slot.main))
            .or_else(|| cx.judge_templates.get(&slot.key()).cloned())
            .or_else(|| {
                slot.main
                    .then(|| cx.judge_templates.get(slot.kind).cloned())
                    .flatten()
            })
            .unwrap_or_else(|| slot.default.to_owned());
        JudgePrompt::compile(slot, &source)
    }

    /// The slot.
    pub fn slot(&self) -> Slot {
        self.slot
    }

    /// Renders the messages with `vars` (missing variables are an error).
    pub fn render(&self, vars: &BTreeMap<&'static str, Value>) -> Result<Vec<Message>> {
        let ctx = Value::from_pairs(vars.iter().map(|(k, v)| (*k, v.clone())));
        self.roles
            .iter()
            .enumerate()
            .map(|(i, role)| {
                let text = self
                    .env
                    .get_template(&i.to_string())
                    .and_then(|t| t.render(&ctx))
                    .map_err(|e| {
                        EvalError::assertion(
                            self.slot.kind,
                            format!("judge prompt `{}`: {e}", self.slot.key()),
                        )
                    })?;
                Ok(Message::new(*role, text))
            })
            .collect()
    }
}

/// A promptfoo-style message list (`[{"role": "system", "content": "..."}, ...]`), when the
/// source is one; anything else is a plain template.
fn split_messages(source: &str) -> Option<Vec<(Role, String)>> {
    if !source.trim_start().starts_with('[') {
        return None;
    }
    let raw: Vec<RawMessage> = serde_json::from_str(source).ok()?;
    if raw.is_empty() {
        return None;
    }
    raw.into_iter()
        .map(|m| {
            let role = match m.role.as_str() {
                "system" => Role::System,
                "user" => Role::User,
                "assistant" => Role::Assistant,
                _ => return None,
            };
            Some((role, m.content))
        })
        .collect()
}

/// Checks that every override key in `cx.judge_templates` and `config.prompts` that belongs
/// to `kind` names one of its steps, so a typo is an error rather than an ignored prompt.
pub(crate) fn check_keys(kind: &str, spec: &AssertionSpec, cx: &BuildContext) -> Result<()> {
    let steps: Vec<&str> = SLOTS
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.step)
        .collect();
    let prefix = format!("{kind}.");
    for key in cx.judge_templates.keys() {
        if let Some(step) = key.strip_prefix(&prefix)
            && !steps.contains(&step)
        {
            return Err(EvalError::Config(format!(
                "judge template `{key}`: `{kind}` has no step `{step}` (steps: {})",
                steps.join(", ")
            )));
        }
    }
    if let Some(serde_json::Value::Object(m)) = spec.config.get("prompts") {
        for step in m.keys() {
            if !steps.contains(&step.as_str()) {
                return Err(EvalError::assertion(
                    kind,
                    format!(
                        "config.prompts.{step}: no such step (steps: {})",
                        steps.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;

    #[test]
    fn every_default_compiles_with_its_variables() {
        for s in SLOTS {
            JudgePrompt::compile(*s, s.default_template())
                .unwrap_or_else(|e| panic!("{}: {e}", s.key()));
        }
    }

    #[test]
    fn a_message_list_becomes_messages() {
        let src = r#"[{"role": "system", "content": "Be strict."}, {"role": "user", "content": "{{ output }} / {{ rubric }}"}]"#;
        let p = JudgePrompt::compile(RUBRIC, src).unwrap();
        let mut vars = BTreeMap::new();
        vars.insert("output", Value::from("hi \"there\""));
        vars.insert("rubric", Value::from("greets"));
        let msgs = p.render(&vars).unwrap();
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].role, Role::System);
        assert_eq!(msgs[1].text(), "hi \"there\" / greets");
    }

    #[test]
    fn a_missing_value_at_render_is_an_error() {
        let p = JudgePrompt::compile(RUBRIC, "{{ output }} {{ rubric }}").unwrap();
        let mut vars = BTreeMap::new();
        vars.insert("output", Value::from("x"));
        assert!(p.render(&vars).is_err());
    }

    #[test]
    fn a_syntax_error_is_an_error() {
        let err = JudgePrompt::compile(RUBRIC, "{{ output ")
            .unwrap_err()
            .to_string();
        assert!(err.contains("llm-rubric.grade"), "{err}");
    }
}
