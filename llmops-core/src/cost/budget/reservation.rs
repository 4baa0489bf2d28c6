//! [`Reservation`]: the RAII value a granted request holds. Settled to the real cost by the
//! exchange's finisher; released when dropped unsettled (the exchange never reached its
//! finisher: a stage failed in between, or the exchange was built outside a client).

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};

use super::layer::Inner;
use super::limits::Window;
use super::store::Charge;

/// What one counter of a reservation is for (beside its [`Charge`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Held {
    /// Index of the limit in the budget.
    pub(crate) limit: usize,
    /// Whether the limit counts tokens (else nano-dollars).
    pub(crate) tokens: bool,
    pub(crate) window: Window,
    pub(crate) window_start: DateTime<Utc>,
}

/// A budget reservation held by one exchange: an upper bound of its cost on every counter
/// that applies to it. The budget stage creates it and hands it to the exchange's finisher,
/// which settles it to the real cost whatever the ending; dropped unsettled, it releases its
/// hold (a shared store's TTL covers a process that dies first).
pub struct Reservation {
    id: String,
    /// As reserved (their amounts are the holds).
    charges: Vec<Charge>,
    held: Vec<Held>,
    inner: Option<Arc<Inner>>,
}

impl std::fmt::Debug for Reservation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reservation")
            .field("id", &self.id)
            .field("counters", &self.held.len())
            .field("open", &self.inner.is_some())
            .finish()
    }
}

impl Reservation {
    pub(crate) fn new(
        id: String,
        charges: Vec<Charge>,
        held: Vec<Held>,
        inner: Arc<Inner>,
    ) -> Self {
        Reservation {
            id,
            charges,
            held,
            inner: Some(inner),
        }
    }

    /// The reservation id (the request id with a `#budget` suffix).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The keys of the counters it holds.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.charges.iter().map(|c| c.key.as_str())
    }

    /// Settles to the real spend of the finished exchange `rec` (see
    /// [`Budgets`](super::Budgets): its cost when known, else its attempts' usage priced).
    pub(crate) fn settle_from(self, rec: &crate::ExchangeRecord) {
        let Some(inner) = &self.inner else {
            return;
        };
        let (nanos, tokens) = inner.actual(rec);
        self.settle(nanos, tokens);
    }

    /// Settles to the real spend: `nanos` (nano-dollars) on money counters, `tokens` on
    /// token counters; `None` keeps the reserved amount as the spend (unknown cost).
    pub(crate) fn settle(mut self, nanos: Option<i64>, tokens: Option<i64>) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let charges = std::mem::take(&mut self.charges);
        let held = std::mem::take(&mut self.held);
        let id = std::mem::take(&mut self.id);
        inner.settle(id, charges, held, nanos, tokens);
    }

    /// Releases the hold without spending.
    pub fn release(mut self) {
        self.release_now();
    }

    fn release_now(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let charges = std::mem::take(&mut self.charges);
        let id = std::mem::take(&mut self.id);
        inner.release(id, charges);
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.release_now();
    }
}

/// Runs `fut` to completion without blocking: polled once here (the in-memory store is done
/// then, with no task spawned), else spawned on the current Tokio runtime. Returns `false`
/// when it could not finish and no runtime was there to finish it.
pub(crate) fn drive(fut: impl Future<Output = ()> + Send + 'static) -> bool {
    let mut fut = Box::pin(fut);
    let mut cx = Context::from_waker(Waker::noop());
    if let Poll::Ready(()) = fut.as_mut().poll(&mut cx) {
        return true;
    }
    match tokio::runtime::Handle::try_current() {
        Ok(h) => {
            h.spawn(fut);
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_finishes_ready_futures_inline_and_reports_stranded_ones() {
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let d = done.clone();
        assert!(drive(async move {
            d.store(true, std::sync::atomic::Ordering::SeqCst);
        }));
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
        // pending with no runtime: reported
        assert!(!drive(std::future::pending::<()>()));
    }

    #[tokio::test]
    async fn a_reservation_dropped_unsettled_releases_its_hold() {
        use crate::Money;
        use crate::cost::budget::{Budgets, Limit, Scope};
        let b = Budgets::builder()
            .prices(crate::cost::PriceTable::default())
            .limit(Limit::money(
                Scope::Global,
                Window::Day,
                Money::usd_str("1").unwrap(),
            ))
            .build()
            .unwrap();
        let now = Utc::now();
        let charges = vec![Charge::new(
            "global/day|x|",
            1_000,
            400,
            Window::Day.end(now),
        )];
        let held = vec![Held {
            limit: 0,
            tokens: false,
            window: Window::Day,
            window_start: Window::Day.start(now),
        }];
        let store = b.store().clone();
        let ttl = std::time::Duration::from_secs(60);
        store.reserve("r1", &charges, ttl).await.unwrap();
        let r = Reservation::new("r1".into(), charges.clone(), held.clone(), b.inner.clone());
        assert_eq!(r.keys().collect::<Vec<_>>(), ["global/day|x|"]);
        assert_eq!(store.state("global/day|x|").await.unwrap().reserved, 400);
        drop(r);
        assert_eq!(store.state("global/day|x|").await.unwrap().reserved, 0);
        assert_eq!(b.stats().released, 1);
        // settled: the real spend replaces the hold
        store.reserve("r2", &charges, ttl).await.unwrap();
        Reservation::new("r2".into(), charges, held, b.inner.clone()).settle(Some(150), None);
        let st = store.state("global/day|x|").await.unwrap();
        assert_eq!((st.spent, st.reserved), (150, 0));
        assert_eq!(b.stats().released, 1);
    }

    #[tokio::test]
    async fn drive_spawns_pending_futures_on_the_runtime() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        assert!(drive(async move {
            tokio::task::yield_now().await;
            let _ = tx.send(7);
        }));
        assert_eq!(rx.await.unwrap(), 7);
    }
}
