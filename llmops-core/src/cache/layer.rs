//! The cache stage of the pipeline ([`CoreStage::Cache`](crate::CoreStage::Cache): after the
//! budget, before the router) and [`ClientBuilder::cache`](crate::ClientBuilder::cache).

use std::sync::Arc;

use tracing::Instrument;

use super::builder::{Cache, Inner};
use super::exact::{Origin, StoreJob};
use super::key::{CacheKey, last_user_text};
use super::policy::CacheDirective;
use super::replay::Recorder;
use super::stats::bump;
use crate::Result;
use crate::exchange::{CacheKind, CacheOutcome, Exchange};
use crate::pipeline::{Middleware, Next};
use crate::stream::Reply;
use crate::telemetry::stage_span;
use crate::types::ChatRequest;

/// What the lookup found (moved once per exchange, like `Reply` itself).
#[allow(clippy::large_enum_variant)]
enum Lookup {
    Hit(Reply),
    /// A miss, with the semantic scope and vector to store the answer under.
    Miss(Option<(CacheKey, Vec<f32>)>),
}

impl Inner {
    fn skip(&self, cx: &mut Exchange, reason: &str) {
        bump(&self.counters.skipped);
        cx.cache = Some(CacheOutcome::Bypass {
            reason: reason.to_owned(),
        });
    }

    async fn lookup(
        &self,
        req: &ChatRequest,
        cx: &mut Exchange,
        key: &CacheKey,
        read: bool,
    ) -> Result<Lookup> {
        if read
            && let Some(e) = self.read(key).await?
            && self.accepts(&e, key, cx)
        {
            return Ok(Lookup::Hit(self.serve(
                e,
                cx,
                req.stream,
                CacheKind::Exact,
                None,
            )));
        }
        let Some(sem) = &self.semantic else {
            return Ok(Lookup::Miss(None));
        };
        let Some((at, text)) = last_user_text(req) else {
            return Ok(Lookup::Miss(None));
        };
        let scope = CacheKey::build(
            req,
            cx,
            &self.namespace,
            self.per_user,
            Some((at, sem.embedder.id())),
        );
        let v = match sem.embed(&text).await {
            Ok(v) => v,
            Err(e) => {
                bump(&self.counters.embed_errors);
                tracing::warn!(target: "llmops", embedder = sem.embedder.id(), error = %e, "semantic cache: embedding failed");
                return Ok(Lookup::Miss(None));
            }
        };
        if read {
            for (k, sim) in sem.nearest(&scope, &v) {
                match self.read(&k).await? {
                    Some(e) if self.accepts(&e, &k, cx) => {
                        return Ok(Lookup::Hit(self.serve(
                            e,
                            cx,
                            req.stream,
                            CacheKind::Semantic,
                            Some(sim),
                        )));
                    }
                    Some(_) => {}
                    None => sem.remove(&scope, &k),
                }
            }
        }
        Ok(Lookup::Miss(Some((scope, v))))
    }
}

#[async_trait::async_trait]
impl Middleware for Cache {
    fn name(&self) -> &str {
        "cache"
    }

    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        let inner = &self.inner;
        let directive = CacheDirective::of(&req, cx);
        match directive {
            CacheDirective::Bypass => {
                inner.skip(cx, "bypass directive");
                return next.run(req, cx).await;
            }
            CacheDirective::Default => {
                if let Some(why) = inner
                    .determinism
                    .refuses(&req.params, cx.prompt_params.as_ref())
                {
                    inner.skip(cx, why);
                    return next.run(req, cx).await;
                }
            }
            CacheDirective::Allow | CacheDirective::Refresh => {}
        }
        let key = CacheKey::build(&req, cx, &inner.namespace, inner.per_user, None);
        let read = directive != CacheDirective::Refresh;
        let span = stage_span("cache");
        let semantic = match inner.lookup(&req, cx, &key, read).instrument(span).await? {
            Lookup::Hit(reply) => return Ok(reply),
            Lookup::Miss(s) => s,
        };
        if read {
            bump(&inner.counters.misses);
            cx.cache = Some(CacheOutcome::Miss);
        } else {
            inner.skip(cx, "refresh directive");
        }
        let prompt = cx.prompt.clone();
        let reply = next.run(req, cx).await?;
        let Some(origin) = Origin::of(cx) else {
            bump(&inner.counters.not_stored);
            return Ok(reply);
        };
        let job = StoreJob {
            key,
            origin,
            prompt,
            semantic,
        };
        match reply {
            Reply::Full(r) => {
                if Inner::storable(&r) {
                    inner.store(job, r.clone(), None).await?;
                } else {
                    bump(&inner.counters.not_stored);
                }
                Ok(Reply::Full(r))
            }
            Reply::Stream(s) => Ok(Reply::Stream(Box::pin(Recorder::new(
                s,
                self.inner.clone(),
                job,
            )))),
        }
    }
}

impl crate::ClientBuilder {
    /// Installs the response cache at its stage (after the budget, before the router). Keep
    /// a clone of `cache` for its [`stats`](Cache::stats) and invalidation.
    #[must_use]
    pub fn cache(self, cache: Cache) -> Self {
        self.core_layer(crate::pipeline::CoreStage::Cache, Arc::new(cache))
    }
}
