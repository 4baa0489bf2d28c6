//! `llmops.toml`: providers, deployments, aliases and defaults shared by every verb.
//!
//! ```toml
//! default_model = "openai/gpt-4.1-mini"
//! log = "requests.jsonl"
//! audit = "audit.jsonl"
//! prompts = "prompts"           # the prompt directory (`llmops prompt …`; default ./prompts)
//! prices = "prices.json"        # LiteLLM-format prices merged over the bundled table (`llmops cost …`)
//!
//! [providers.openai]            # the table name is the provider name (`openai/...`)
//! kind = "openai"               # openai | anthropic
//! base_url = "https://api.openai.com/v1"
//! api_key_env = "OPENAI_API_KEY"
//!
//! [providers.local]
//! kind = "openai"
//! base_url = "http://127.0.0.1:8000/v1"
//!
//! [providers.anthropic]
//! kind = "anthropic"
//!
//! [[deployments]]
//! id = "prod-chat"
//! provider = "openai"
//! model = "gpt-4.1"
//!
//! [aliases]
//! fast = "openai/gpt-4.1-mini"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use llmops::{Anthropic, ApiKey, Client, ClientBuilder, Deployment, Error, OpenAi, Result};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) default_model: Option<String>,
    /// The request log (`llmops log …`).
    #[serde(default)]
    #[cfg_attr(not(feature = "trace"), allow(dead_code))]
    pub(crate) log: Option<std::path::PathBuf>,
    /// The audit file (`llmops audit …`).
    #[serde(default)]
    #[cfg_attr(not(feature = "trace"), allow(dead_code))]
    pub(crate) audit: Option<std::path::PathBuf>,
    /// The prompt directory (`llmops prompt …`).
    #[serde(default)]
    #[cfg_attr(not(feature = "prompts"), allow(dead_code))]
    pub(crate) prompts: Option<std::path::PathBuf>,
    /// A price file in LiteLLM's format merged over the bundled table (`llmops cost …`).
    #[serde(default)]
    #[cfg_attr(not(feature = "cost"), allow(dead_code))]
    pub(crate) prices: Option<std::path::PathBuf>,
    #[serde(default)]
    providers: BTreeMap<String, ProviderConfig>,
    #[serde(default)]
    deployments: Vec<Deployment>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderConfig {
    kind: Kind,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    api_key_env: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    models: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Openai,
    Anthropic,
}

impl Config {
    /// Reads `path`, or `./llmops.toml` when it exists; a missing explicit file is an error.
    pub(crate) fn load(path: Option<&Path>) -> Result<Config> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (Path::new("llmops.toml").to_path_buf(), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(e) => {
                return Err(Error::config(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        toml::from_str(&text).map_err(|e| Error::config(format!("{}: {e}", path.display())))
    }

    /// A client over the providers of this file or, when it configures none, the
    /// environment's (`OPENAI_API_KEY` / `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY`); none at all is
    /// a configuration error saying what `purpose` needed a provider for.
    #[cfg_attr(not(any(feature = "trace", feature = "eval")), allow(dead_code))]
    pub(crate) fn client(&self, purpose: &str) -> Result<Client> {
        self.builder(purpose)?.build()
    }

    /// The builder [`Config::client`] builds, for callers that add layers (the prompt stage).
    #[cfg_attr(not(any(feature = "trace", feature = "eval")), allow(dead_code))]
    pub(crate) fn builder(&self, purpose: &str) -> Result<ClientBuilder> {
        let mut b = Client::builder();
        if self.has_providers() {
            b = self.apply(b)?;
        } else {
            let mut any = false;
            if std::env::var("OPENAI_API_KEY").is_ok() || std::env::var("OPENAI_BASE_URL").is_ok() {
                b = b.provider(OpenAi::from_env()?);
                any = true;
            }
            if std::env::var("ANTHROPIC_API_KEY").is_ok() {
                b = b.provider(Anthropic::from_env()?);
                any = true;
            }
            if !any {
                return Err(Error::config(format!(
                    "no provider configured {purpose}: write an llmops.toml with [providers], or set OPENAI_API_KEY (or OPENAI_BASE_URL) or ANTHROPIC_API_KEY"
                )));
            }
        }
        Ok(b)
    }

    /// Whether the file configures any provider.
    pub(crate) fn has_providers(&self) -> bool {
        !self.providers.is_empty()
    }

    /// The OpenAI-compatible provider `name` of the file (for its embeddings endpoint), or
    /// `None` when the file has no provider of that name or it is not OpenAI-compatible.
    #[cfg_attr(not(feature = "eval"), allow(dead_code))]
    pub(crate) fn openai_provider(&self, name: &str) -> Result<Option<OpenAi>> {
        match self.providers.get(name) {
            Some(p) if matches!(p.kind, Kind::Openai) => {
                Ok(Some(openai(name, p, api_key(name, p)?)?))
            }
            _ => Ok(None),
        }
    }

    /// Registers the configured providers, deployments and aliases.
    pub(crate) fn apply(&self, mut b: ClientBuilder) -> Result<ClientBuilder> {
        for (name, p) in &self.providers {
            let key = api_key(name, p)?;
            b = match p.kind {
                Kind::Openai => b.provider(openai(name, p, key)?),
                Kind::Anthropic => {
                    let mut a = match key {
                        Some(k) => Anthropic::new(k),
                        None => Anthropic::from_env()?,
                    }
                    .named(name.clone());
                    if let Some(url) = &p.base_url {
                        a = a.base_url(url.clone());
                    }
                    for (k, v) in &p.headers {
                        a = a.header(k, v);
                    }
                    if let Some(m) = &p.models {
                        a = a.models(m.clone());
                    }
                    b.provider(a)
                }
            };
        }
        for d in &self.deployments {
            b = b.deployment(d.clone());
        }
        for (alias, target) in &self.aliases {
            b = b.alias(alias.clone(), target.clone());
        }
        Ok(b)
    }
}

/// The key of provider `name` from the environment variable it names, if any.
fn api_key(name: &str, p: &ProviderConfig) -> Result<Option<ApiKey>> {
    match &p.api_key_env {
        Some(var) => Ok(Some(ApiKey::from_env(var).ok_or_else(|| {
            Error::config(format!(
                "provider `{name}`: environment variable {var} is not set"
            ))
        })?)),
        None => Ok(None),
    }
}

/// The OpenAI-compatible provider `name` as configured.
fn openai(name: &str, p: &ProviderConfig, key: Option<ApiKey>) -> Result<OpenAi> {
    let mut o = match (&p.base_url, key) {
        (Some(url), key) => {
            let o = OpenAi::compatible(url.clone());
            match key {
                Some(k) => o.api_key(k),
                None => o,
            }
        }
        (None, Some(k)) => OpenAi::new(k),
        (None, None) => OpenAi::from_env()?,
    }
    .named(name.to_owned());
    for (k, v) in &p.headers {
        o = o.header(k, v);
    }
    if let Some(m) = &p.models {
        o = o.models(m.clone());
    }
    Ok(o)
}
