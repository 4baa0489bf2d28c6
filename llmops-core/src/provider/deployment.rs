//! Model addressing: `provider/model`, bare model names, aliases and [`Deployment`]s.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

use super::Provider;
use crate::types::Params;
use crate::{Error, Result};

/// An API key. Never shown by `Debug` or `Display`, never serialised.
///
/// ```
/// use llmops_core::ApiKey;
/// let k = ApiKey::new("sk-live-123");
/// assert_eq!(format!("{k:?}"), "ApiKey([REDACTED])");
/// assert_eq!(k.expose(), "sk-live-123");
/// ```
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(SecretString::from(key.into()))
    }

    /// Reads a key from an environment variable; `None` when unset or empty.
    pub fn from_env(var: &str) -> Option<Self> {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| ApiKey::new(v.trim()))
    }

    /// The key itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl<'de> Deserialize<'de> for ApiKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(ApiKey::new)
    }
}

/// A named target: a provider, a provider-side model name, and optional endpoint, key and
/// default parameters. `provider/model` references resolve to an implicit deployment; the
/// routing layer adds rules, fallbacks and balancing over these, not a second scheme.
///
/// ```
/// use llmops_core::Deployment;
/// // An Azure OpenAI deployment named `prod-gpt4o` serving gpt-4o:
/// let d = Deployment::new("azure-eu", "openai", "gpt-4o")
///     .endpoint("https://example-eu.openai.azure.com/openai/deployments/prod-gpt4o");
/// assert_eq!(d.id, "azure-eu");
/// ```
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Deployment {
    /// The id requests can name as their model.
    pub id: String,
    /// The registered provider's name.
    pub provider: String,
    /// The model name the provider expects.
    pub model: String,
    /// An endpoint overriding the provider's base URL.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// A key overriding the provider's key.
    #[serde(default)]
    pub key: Option<ApiKey>,
    /// Default parameters for this deployment (between the prompt's and the client's).
    #[serde(default)]
    pub params: Params,
}

impl Deployment {
    /// A deployment.
    pub fn new(
        id: impl Into<String>,
        provider: impl Into<String>,
        model: impl Into<String>,
    ) -> Self {
        Deployment {
            id: id.into(),
            provider: provider.into(),
            model: model.into(),
            endpoint: None,
            key: None,
            params: Params::default(),
        }
    }

    /// With an endpoint override.
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// With a key override.
    #[must_use]
    pub fn key(mut self, key: ApiKey) -> Self {
        self.key = Some(key);
        self
    }

    /// With default parameters.
    #[must_use]
    pub fn params(mut self, p: Params) -> Self {
        self.params = p;
        self
    }
}

/// Providers, deployments and aliases, and the resolution of a model reference.
#[derive(Clone, Default)]
pub struct ModelRegistry {
    providers: Vec<Arc<dyn Provider>>,
    by_name: HashMap<String, usize>,
    deployments: HashMap<String, Arc<Deployment>>,
    aliases: HashMap<String, String>,
}

impl fmt::Debug for ModelRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelRegistry")
            .field("providers", &self.by_name.keys().collect::<Vec<_>>())
            .field("deployments", &self.deployments.keys().collect::<Vec<_>>())
            .field("aliases", &self.aliases)
            .finish()
    }
}

impl ModelRegistry {
    /// Registers a provider. A second provider with the same name is a configuration error.
    pub fn add_provider(&mut self, p: Arc<dyn Provider>) -> Result<()> {
        let name = p.name().to_owned();
        if name.is_empty() || name.contains('/') {
            return Err(Error::config(format!(
                "provider name `{name}` must be non-empty and contain no `/`"
            )));
        }
        if self.by_name.contains_key(&name) {
            return Err(Error::config(format!("two providers are named `{name}`")));
        }
        self.by_name.insert(name, self.providers.len());
        self.providers.push(p);
        Ok(())
    }

    /// Registers a deployment; its provider must be registered by [`build`](crate::ClientBuilder::build).
    pub fn add_deployment(&mut self, d: Deployment) -> Result<()> {
        if self.deployments.contains_key(&d.id) {
            return Err(Error::config(format!(
                "two deployments have the id `{}`",
                d.id
            )));
        }
        self.deployments.insert(d.id.clone(), Arc::new(d));
        Ok(())
    }

    /// Registers an alias for a model reference.
    pub fn add_alias(&mut self, alias: impl Into<String>, target: impl Into<String>) {
        self.aliases.insert(alias.into(), target.into());
    }

    /// Checks that every deployment names a registered provider and aliases do not loop.
    pub fn validate(&self) -> Result<()> {
        if self.providers.is_empty() {
            return Err(Error::config(
                "no provider is registered: add one with `.provider(..)`",
            ));
        }
        for d in self.deployments.values() {
            if !self.by_name.contains_key(&d.provider) {
                return Err(Error::config(format!(
                    "deployment `{}` names provider `{}`, which is not registered",
                    d.id, d.provider
                )));
            }
        }
        for a in self.aliases.keys() {
            self.resolve(a).map(|_| ()).or_else(|e| match e {
                Error::Config(_) => Err(e),
                _ => Ok(()),
            })?;
        }
        Ok(())
    }

    /// The provider registered under `name`.
    pub fn provider(&self, name: &str) -> Option<&Arc<dyn Provider>> {
        self.by_name.get(name).and_then(|&i| self.providers.get(i))
    }

    /// The registered providers' names.
    pub fn provider_names(&self) -> Vec<&str> {
        self.providers.iter().map(|p| p.name()).collect()
    }

    /// Resolves a model reference: a deployment id, an alias (followed up to 8 hops),
    /// `provider/model`, or a bare model name that exactly one provider serves.
    pub fn resolve(&self, reference: &str) -> Result<Arc<Deployment>> {
        let mut r = reference;
        for _ in 0..8 {
            if let Some(d) = self.deployments.get(r) {
                return Ok(d.clone());
            }
            match self.aliases.get(r) {
                Some(next) => r = next,
                None => return self.resolve_direct(reference, r),
            }
        }
        Err(Error::config(format!(
            "alias `{reference}` does not resolve within 8 hops (a loop?)"
        )))
    }

    fn resolve_direct(&self, original: &str, r: &str) -> Result<Arc<Deployment>> {
        if let Some((prefix, model)) = r.split_once('/')
            && self.by_name.contains_key(prefix)
            && !model.is_empty()
        {
            return Ok(Arc::new(Deployment::new(r, prefix, model)));
        }
        if let [only] = self.providers.as_slice() {
            return Ok(Arc::new(Deployment::new(r, only.name(), r)));
        }
        let serving: Vec<&Arc<dyn Provider>> =
            self.providers.iter().filter(|p| p.serves(r)).collect();
        match serving.as_slice() {
            [one] => Ok(Arc::new(Deployment::new(r, one.name(), r))),
            [] => Err(Error::UnknownModel {
                model: original.to_owned(),
                hint: format!(
                    "no registered provider serves it; use `provider/model` with one of [{}], or register a deployment or alias",
                    self.provider_names().join(", ")
                ),
            }),
            many => Err(Error::UnknownModel {
                model: original.to_owned(),
                hint: format!(
                    "several providers serve it ({}); say which with `provider/model`",
                    many.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ScriptedProvider;

    fn reg() -> ModelRegistry {
        let mut r = ModelRegistry::default();
        r.add_provider(Arc::new(ScriptedProvider::named("a").serving(["m1"])))
            .unwrap();
        r.add_provider(Arc::new(ScriptedProvider::named("b").serving(["m1", "m2"])))
            .unwrap();
        r.add_deployment(Deployment::new("prod", "b", "m2"))
            .unwrap();
        r.add_alias("fast", "a/m9");
        r.add_alias("loop1", "loop2");
        r.add_alias("loop2", "loop1");
        r
    }

    #[test]
    fn resolves_every_form() {
        let r = reg();
        let d = r.resolve("a/m1").unwrap();
        assert_eq!((d.provider.as_str(), d.model.as_str()), ("a", "m1"));
        assert_eq!(r.resolve("m2").unwrap().provider, "b");
        assert_eq!(r.resolve("prod").unwrap().model, "m2");
        assert_eq!(r.resolve("fast").unwrap().model, "m9");
        assert!(
            matches!(r.resolve("m1"), Err(Error::UnknownModel { hint, .. }) if hint.contains("several"))
        );
        assert!(matches!(r.resolve("nope"), Err(Error::UnknownModel { .. })));
        assert!(matches!(r.resolve("loop1"), Err(Error::Config(_))));
        // a model name with a slash whose prefix is not a provider stays whole
        assert!(matches!(
            r.resolve("meta-llama/x"),
            Err(Error::UnknownModel { .. })
        ));
    }

    #[test]
    fn duplicate_names_are_refused() {
        let mut r = reg();
        assert!(
            r.add_provider(Arc::new(ScriptedProvider::named("a")))
                .is_err()
        );
        assert!(r.add_deployment(Deployment::new("prod", "a", "x")).is_err());
        r.add_deployment(Deployment::new("ghost", "zzz", "x"))
            .unwrap();
        assert!(r.validate().is_err());
    }
}
