//! The judge plumbing every model-graded evaluator shares: which model to ask, how to ask
//! (temperature 0, JSON response format), how to read the reply (strict serde, a Markdown
//! code fence tolerated, anything else a [`JudgeError`] with an excerpt of the reply) and what the
//! calls cost ([`Spend`], summed over every call an evaluator makes).

use std::collections::BTreeMap;

use llmops_core::{
    ChatRequest, Client, Cost, EvalCase, EvalOutput, Money, ResponseFormat, Role, Score, Usage,
};
use minijinja::Value;
use serde::de::DeserializeOwned;

use super::templates::JudgePrompt;
use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Result};

/// How long an excerpt of a judge reply an error quotes (characters).
pub const EXCERPT_CHARS: usize = 200;

/// Why a judge-graded evaluation could not produce a score. The case is errored, never
/// passed. Evaluators return it inside core's error as
/// `Error::Extension { component: <assertion type>, message }`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum JudgeError {
    /// The reply is not the JSON asked for (not JSON, a missing field, a wrong type).
    #[error("judge reply to `{slot}` is not the JSON asked for ({message}); reply: {excerpt:?}")]
    Malformed {
        /// The prompt slot (`context-faithfulness.verdicts`).
        slot: String,
        /// The parse error.
        message: String,
        /// The start of the reply.
        excerpt: String,
    },
    /// The reply parses but is out of range or inconsistent (a score above the maximum, a
    /// verdict that is not 0 or 1, fewer verdicts than statements).
    #[error("judge reply to `{slot}` is invalid: {message}; reply: {excerpt:?}")]
    Invalid {
        /// The prompt slot.
        slot: String,
        /// What is wrong.
        message: String,
        /// The start of the reply.
        excerpt: String,
    },
    /// The case lacks what the evaluator needs (a question, a context, a reference).
    #[error("case `{case}`: {message}")]
    Input {
        /// The case id.
        case: String,
        /// What is missing.
        message: String,
    },
    /// The metric is undefined for this case (no statements extracted: RAGAS returns NaN).
    #[error("case `{case}`: {message}")]
    Undefined {
        /// The case id.
        case: String,
        /// Why.
        message: String,
    },
}

impl JudgeError {
    /// Into core's error, naming the assertion type.
    pub fn into_core(self, kind: &str) -> llmops_core::Error {
        llmops_core::Error::extension(kind, self)
    }
}

/// The first [`EXCERPT_CHARS`] characters of `text`, with `…` when cut.
pub fn excerpt(text: &str) -> String {
    let mut it = text.char_indices();
    match it.nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", text.get(..i).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// Parses a judge reply strictly as `T`: the whole reply (trimmed, a surrounding Markdown
/// code fence removed, with or without its `json` tag) must be the JSON object; prose around
/// it is malformed.
///
/// ```
/// use llmops_eval::evaluators::graded::judge::parse_reply;
/// #[derive(Debug, serde::Deserialize)]
/// struct V { pass: bool }
/// assert!(parse_reply::<V>("x", "```json\n{\"pass\": true}\n```").unwrap().pass);
/// let err = parse_reply::<V>("x", "Sure! {\"pass\": true}").unwrap_err().to_string();
/// assert!(err.contains("Sure!"), "{err}");
/// ```
pub fn parse_reply<T: DeserializeOwned>(slot: &str, reply: &str) -> Result<T, JudgeError> {
    serde_json::from_str(strip_fence(reply)).map_err(|e| JudgeError::Malformed {
        slot: slot.to_owned(),
        message: e.to_string(),
        excerpt: excerpt(reply),
    })
}

fn strip_fence(reply: &str) -> &str {
    let t = reply.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let Some(body) = rest.strip_suffix("```") else {
        return t;
    };
    // drop the info string (`json`) on the opening line
    match body.split_once('\n') {
        Some((info, inner)) if info.trim().chars().all(|c| c.is_ascii_alphanumeric()) => {
            inner.trim()
        }
        _ => body.trim(),
    }
}

/// How the judge is asked for JSON (`config.jsonMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum JsonMode {
    /// `response_format: json_schema` with the slot's schema (OpenAI and Anthropic accept it).
    #[default]
    Schema,
    /// `response_format: json_object` (OpenAI-compatible servers without schema support).
    Object,
    /// No response format: the prompt alone asks for JSON.
    Off,
}

/// The judge an evaluator asks: a client, a model and a JSON mode.
#[derive(Clone)]
pub struct Judge {
    client: Client,
    model: String,
    json: JsonMode,
}

impl std::fmt::Debug for Judge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judge")
            .field("model", &self.model)
            .field("json", &self.json)
            .finish()
    }
}

/// What an evaluator's judge (and embedder) calls cost: summed over every call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spend {
    cost: Option<Cost>,
    usage: Usage,
    calls: u32,
}

impl Spend {
    /// Nothing spent yet.
    pub fn new() -> Self {
        Spend::default()
    }

    /// Adds one call.
    pub fn add(&mut self, cost: &Cost, usage: &Usage) {
        self.cost = Some(match &self.cost {
            None => cost.clone(),
            Some(c) => c.plus(cost),
        });
        self.usage.add(usage);
        self.calls += 1;
    }

    /// Adds another spend.
    pub fn merge(&mut self, o: &Spend) {
        if let Some(c) = &o.cost {
            self.cost = Some(match &self.cost {
                None => c.clone(),
                Some(a) => a.plus(c),
            });
        }
        self.usage.add(&o.usage);
        self.calls += o.calls;
    }

    /// Judge calls made.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// The total cost (zero when no call was made).
    pub fn cost(&self) -> Cost {
        self.cost.clone().unwrap_or(Cost::Known(Money::zero()))
    }

    /// The total usage.
    pub fn usage(&self) -> &Usage {
        &self.usage
    }

    /// `score` with this spend.
    pub fn apply(&self, score: Score) -> Score {
        score.with_cost(self.cost(), self.usage)
    }
}

impl Judge {
    /// The judge for `spec`: the context's judge (a typed configuration error without one),
    /// the model replaced by the spec's `provider` (`"openai/gpt-4.1-mini"` or
    /// `{"id": "openai/gpt-4.1-mini"}`), and `config.jsonMode` (`schema`, `object`, `off`).
    pub fn for_spec(spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        let base = cx.need_judge(&spec.kind)?;
        let model = match &spec.provider {
            None => base.model,
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(serde_json::Value::Object(m)) => match m.get("id") {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
                _ => {
                    return Err(EvalError::assertion(
                        &spec.kind,
                        "provider object needs a non-empty string `id` (the judge model)",
                    ));
                }
            },
            Some(other) => {
                return Err(EvalError::assertion(
                    &spec.kind,
                    format!("provider must be a model name (`openai/gpt-4.1-mini`), got {other}"),
                ));
            }
        };
        let json = match spec.config.get("jsonMode") {
            None => JsonMode::Schema,
            Some(serde_json::Value::String(s)) => match s.as_str() {
                "schema" => JsonMode::Schema,
                "object" => JsonMode::Object,
                "off" => JsonMode::Off,
                other => {
                    return Err(EvalError::assertion(
                        &spec.kind,
                        format!("config.jsonMode must be schema, object or off, got `{other}`"),
                    ));
                }
            },
            Some(other) => {
                return Err(EvalError::assertion(
                    &spec.kind,
                    format!("config.jsonMode must be a string, got {other}"),
                ));
            }
        };
        Ok(Judge {
            client: base.client,
            model,
            json,
        })
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Renders `prompt` with `vars`, asks the judge (temperature 0, JSON response format
    /// with `schema`), records the call's cost in `spend` and parses the reply as `T`.
    pub async fn ask<T: DeserializeOwned>(
        &self,
        prompt: &JudgePrompt,
        vars: &BTreeMap<&'static str, Value>,
        schema: serde_json::Value,
        spend: &mut Spend,
    ) -> llmops_core::Result<(T, String)> {
        let slot = prompt.slot();
        let messages = prompt.render(vars)?;
        let mut req = ChatRequest::new(self.model.clone())
            .messages(messages)
            .temperature(0.0)
            .feature("eval-judge");
        req = match self.json {
            JsonMode::Schema => req.response_format(ResponseFormat::JsonSchema {
                name: slot.key().replace(['.', '-'], "_"),
                schema,
                strict: None,
            }),
            JsonMode::Object => req.response_format(ResponseFormat::JsonObject),
            JsonMode::Off => req,
        };
        let resp = self.client.chat(req).await?;
        spend.add(&resp.meta.cost, &resp.usage);
        let text = resp.text();
        let parsed = parse_reply(&slot.key(), &text).map_err(|e| e.into_core(slot.kind))?;
        Ok((parsed, text))
    }
}

/// The variables every judge template may use (see
/// [`COMMON_VARS`](super::templates::COMMON_VARS)) for `case`, `out` and `contexts`.
pub fn common_vars(
    case: &EvalCase,
    out: &EvalOutput,
    contexts: &[String],
) -> BTreeMap<&'static str, Value> {
    let mut v = BTreeMap::new();
    v.insert("output", Value::from(out.text.clone()));
    v.insert(
        "question",
        Value::from(question_of(case).unwrap_or_default()),
    );
    v.insert(
        "expected",
        Value::from(case.expected.clone().unwrap_or_default()),
    );
    v.insert("context", Value::from(contexts.join("\n\n")));
    v.insert("contexts", Value::from(contexts.to_vec()));
    v.insert("vars", Value::from(minijinja::value::Serde(&case.vars)));
    v
}

/// The case's question: `vars.query`, `vars.question` or `vars.input` (a string), else the
/// last user message.
pub fn question_of(case: &EvalCase) -> Option<String> {
    ["query", "question", "input"]
        .iter()
        .find_map(|k| match case.vars.get(*k) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        })
        .or_else(|| {
            case.messages
                .iter()
                .rev()
                .find(|m| m.role == Role::User)
                .map(|m| m.text())
                .filter(|t| !t.trim().is_empty())
        })
}

/// The question, or a [`JudgeError::Input`].
pub fn need_question(case: &EvalCase, kind: &str) -> Result<String, JudgeError> {
    question_of(case).ok_or_else(|| JudgeError::Input {
        case: case.id.clone(),
        message: format!(
            "`{kind}` needs the question: set vars.query (or vars.question / vars.input) or a user message"
        ),
    })
}

/// The context a faithfulness judge reads: what the system retrieved, else the case's
/// context; neither is a [`JudgeError::Input`].
pub fn context_of<'a>(
    case: &'a EvalCase,
    out: &'a EvalOutput,
    kind: &str,
) -> Result<&'a [String], JudgeError> {
    if !out.retrieved.is_empty() {
        Ok(&out.retrieved)
    } else if !case.context.is_empty() {
        Ok(&case.context)
    } else {
        Err(JudgeError::Input {
            case: case.id.clone(),
            message: format!(
                "`{kind}` needs a context: the output retrieved nothing and the case has no `context`"
            ),
        })
    }
}

/// A 0/1 verdict, or [`JudgeError::Invalid`].
pub(crate) fn binary(slot: &str, v: i64, reply: &str) -> Result<bool, JudgeError> {
    match v {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(JudgeError::Invalid {
            slot: slot.to_owned(),
            message: format!("verdict must be 0 or 1, got {other}"),
            excerpt: excerpt(reply),
        }),
    }
}

/// A threshold from the spec, checked to lie in 0..=1, or `default`.
pub(crate) fn threshold_of(spec: &AssertionSpec, default: f64) -> Result<f64> {
    match spec.threshold {
        None => Ok(default),
        Some(t) if (0.0..=1.0).contains(&t) => Ok(t),
        Some(t) => Err(EvalError::assertion(
            &spec.kind,
            format!("threshold must lie in 0..=1, got {t}"),
        )),
    }
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

    #[derive(Debug, serde::Deserialize)]
    struct V {
        verdict: i64,
    }

    #[test]
    fn fences_are_tolerated_prose_is_not() {
        assert_eq!(
            parse_reply::<V>("s", "{\"verdict\": 1}").unwrap().verdict,
            1
        );
        assert_eq!(
            parse_reply::<V>("s", "```json\n{\"verdict\": 0}\n```")
                .unwrap()
                .verdict,
            0
        );
        assert_eq!(
            parse_reply::<V>("s", "```\n{\"verdict\": 0}\n```")
                .unwrap()
                .verdict,
            0
        );
        assert!(parse_reply::<V>("s", "The verdict is {\"verdict\": 1}").is_err());
        assert!(parse_reply::<V>("s", "{\"verdict\": \"yes\"}").is_err());
        assert!(parse_reply::<V>("s", "{}").is_err());
    }

    #[test]
    fn excerpts_are_cut_on_char_boundaries() {
        let long = "é".repeat(500);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn spend_sums_known_costs_and_turns_unknown_sticky() {
        let mut s = Spend::new();
        assert_eq!(s.cost(), Cost::Known(Money::zero()));
        s.add(
            &Cost::Known(Money::usd_str("0.25").unwrap()),
            &Usage::new(10, 2),
        );
        s.add(
            &Cost::Known(Money::usd_str("0.5").unwrap()),
            &Usage::new(5, 1),
        );
        assert_eq!(s.cost(), Cost::Known(Money::usd_str("0.75").unwrap()));
        assert_eq!(s.usage().input_tokens, 15);
        s.add(&Cost::unknown("no price"), &Usage::new(1, 1));
        assert!(s.cost().known().is_none());
        assert_eq!(s.calls(), 3);
    }
}
