//! Sampling parameters, response formats and where each parameter came from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::tools::ToolChoice;

/// The shape of the model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponseFormat {
    /// Free text (the default).
    Text,
    /// Any JSON object.
    JsonObject,
    /// JSON matching a schema.
    JsonSchema {
        /// Schema name (OpenAI requires one).
        name: String,
        /// The JSON Schema.
        schema: Value,
        /// Strict schema adherence.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        strict: Option<bool>,
    },
}

/// Generation parameters. `None` means "not set here": see [`Params::resolve`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Params {
    /// Sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Maximum output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Stop sequences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Vec<String>>,
    /// Sampling seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Response format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormat>,
    /// Tool choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Whether the model may call several tools at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// Provider-specific fields merged into the request body as given (`reasoning_effort` ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
}

/// Where a resolved parameter's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamSource {
    /// Set on the request.
    Request,
    /// From the prompt version's `config`.
    Prompt,
    /// The client's (or deployment's) default.
    Default,
}

/// For each parameter that has a value, where it came from (`"temperature" → Request`).
pub type ParamSources = BTreeMap<String, ParamSource>;

macro_rules! resolve_fields {
    ($out:ident, $src:ident, $req:ident, $prompt:ident, $def:ident; $($f:ident),*) => {
        $(
            if $req.$f.is_some() {
                $out.$f = $req.$f.clone();
                $src.insert(stringify!($f).to_owned(), ParamSource::Request);
            } else if let Some(v) = $prompt.and_then(|p| p.$f.clone()) {
                $out.$f = Some(v);
                $src.insert(stringify!($f).to_owned(), ParamSource::Prompt);
            } else if $def.$f.is_some() {
                $out.$f = $def.$f.clone();
                $src.insert(stringify!($f).to_owned(), ParamSource::Default);
            }
        )*
    };
}

impl Params {
    /// Resolves parameters with the precedence request > prompt version config > default,
    /// returning the result and where each value came from.
    ///
    /// ```
    /// use llmops_core::{Params, ParamSource};
    /// let mut req = Params::default(); req.temperature = Some(0.2);
    /// let mut def = Params::default(); def.temperature = Some(1.0); def.max_tokens = Some(256);
    /// let (p, src) = Params::resolve(&req, None, &def);
    /// assert_eq!(p.temperature, Some(0.2));
    /// assert_eq!(src["temperature"], ParamSource::Request);
    /// assert_eq!(src["max_tokens"], ParamSource::Default);
    /// ```
    pub fn resolve(
        request: &Params,
        prompt: Option<&Params>,
        default: &Params,
    ) -> (Params, ParamSources) {
        let mut out = Params::default();
        let mut src = ParamSources::new();
        resolve_fields!(out, src, request, prompt, default;
            temperature, top_p, max_tokens, stop, seed, response_format, tool_choice, parallel_tool_calls);
        for layer in [Some(default), prompt, Some(request)].into_iter().flatten() {
            for (k, v) in &layer.extra {
                out.extra.insert(k.clone(), v.clone());
            }
        }
        for (k, _) in out.extra.iter() {
            let s = if request.extra.contains_key(k) {
                ParamSource::Request
            } else if prompt.is_some_and(|p| p.extra.contains_key(k)) {
                ParamSource::Prompt
            } else {
                ParamSource::Default
            };
            src.insert(k.clone(), s);
        }
        (out, src)
    }
}
