//! Exact lookups and writes: key checks, the deployment rule, serving a hit, storing an
//! answer without letting a fallback's reply displace a first-choice one.

use std::sync::Arc;

use serde_json::json;

use super::builder::Inner;
use super::key::CacheKey;
use super::policy::{DeploymentPolicy, StoreFailure};
use super::replay::Replay;
use super::stats::bump;
use super::store::CachedAnswer;
use crate::Result;
use crate::exchange::{CacheKind, CacheOutcome, Exchange};
use crate::money::{Cost, Money};
use crate::stream::{Reply, StreamEvent};
use crate::types::{ChatResponse, PromptVersionRef};

/// Where an answer came from: the deployment of the exchange's last attempt, and whether it
/// was also the first deployment the exchange tried.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) deployment: String,
    pub(crate) provider: String,
    pub(crate) first_choice: bool,
}

impl Origin {
    /// `None` when no provider attempt produced the reply (a middleware answered).
    pub(crate) fn of(cx: &Exchange) -> Option<Origin> {
        let first = cx.attempts().first()?;
        let last = cx.attempts().last()?;
        Some(Origin {
            deployment: last.deployment.clone(),
            provider: last.provider.clone(),
            first_choice: last.deployment == first.deployment,
        })
    }
}

/// What a stored answer needs besides the reply: where to put it and where it came from.
pub(crate) struct StoreJob {
    pub(crate) key: CacheKey,
    pub(crate) origin: Origin,
    pub(crate) prompt: Option<PromptVersionRef>,
    /// The semantic scope and the question's vector, when semantic matching is on.
    pub(crate) semantic: Option<(CacheKey, Vec<f32>)>,
}

impl Inner {
    /// Reads `key` from the store under the failure policy.
    pub(crate) async fn read(&self, key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        match self.store.get(key).await {
            Ok(e) => Ok(e),
            Err(e) => {
                bump(&self.counters.store_errors);
                tracing::warn!(target: "llmops", store = self.store.name(), error = %e, "cache read failed");
                match self.failure {
                    StoreFailure::Open => Ok(None),
                    StoreFailure::Closed => Err(e),
                }
            }
        }
    }

    /// Whether `e`, read under `key`, may answer exchange `cx`.
    pub(crate) fn accepts(&self, e: &CachedAnswer, key: &CacheKey, cx: &Exchange) -> bool {
        let ok = e.key == *key
            && e.key.tenant.as_deref() == cx.caller().tenant.as_deref()
            && match self.deployments {
                DeploymentPolicy::Any => true,
                DeploymentPolicy::FirstChoice => {
                    e.first_choice && cx.deployment.as_ref().is_none_or(|d| d.id == e.deployment)
                }
            };
        if !ok {
            bump(&self.counters.refused);
        }
        ok
    }

    /// Serves a hit: no provider call, zero cost, the original usage in the reply.
    pub(crate) fn serve(
        &self,
        e: Arc<CachedAnswer>,
        cx: &mut Exchange,
        stream: bool,
        kind: CacheKind,
        similarity: Option<f32>,
    ) -> Reply {
        bump(match kind {
            CacheKind::Exact => &self.counters.exact_hits,
            CacheKind::Semantic => &self.counters.semantic_hits,
        });
        cx.cache = Some(CacheOutcome::Hit { kind, similarity });
        cx.cost = Some(Cost::Known(Money::zero()));
        cx.annotations.insert(
            "cache".to_owned(),
            json!({
                "deployment": e.deployment,
                "provider": e.provider,
                "first_choice": e.first_choice,
                "stored_at": e.stored_at,
                "usage": e.response.usage,
            }),
        );
        if stream {
            Reply::Stream(Box::pin(Replay::new(e)))
        } else {
            Reply::Full(e.response.clone())
        }
    }

    /// Stores an answer. A fallback's answer never replaces a valid first-choice one.
    pub(crate) async fn store(
        &self,
        job: StoreJob,
        response: ChatResponse,
        events: Option<Vec<StreamEvent>>,
    ) -> Result<()> {
        let entry = CachedAnswer::new(
            job.key.clone(),
            response,
            events,
            job.origin.deployment,
            job.origin.provider,
            job.origin.first_choice,
            job.prompt,
        );
        if entry.size > self.max_entry_bytes {
            bump(&self.counters.not_stored);
            return Ok(());
        }
        if !entry.first_choice
            && let Ok(Some(old)) = self.store.get(&job.key).await
            && old.first_choice
            && old.key == job.key
        {
            bump(&self.counters.not_stored);
            return Ok(());
        }
        match self.store.put(&job.key, Arc::new(entry), self.ttl).await {
            Ok(()) => {
                bump(&self.counters.stored);
                if let (Some(s), Some((scope, v))) = (&self.semantic, job.semantic) {
                    s.insert(&scope, v, job.key);
                }
                Ok(())
            }
            Err(e) => {
                bump(&self.counters.store_errors);
                tracing::warn!(target: "llmops", store = self.store.name(), error = %e, "cache write failed");
                match self.failure {
                    StoreFailure::Open => Ok(()),
                    StoreFailure::Closed => Err(e),
                }
            }
        }
    }

    /// Whether a reply may be stored: it finished, and not because of an error.
    pub(crate) fn storable(r: &ChatResponse) -> bool {
        r.finish_reason.is_some()
    }
}
