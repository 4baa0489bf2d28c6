//! The payload both benches use, as ARCHITECTURE.md names it: a 3-message request of ~1 KB,
//! a ~100-byte reply, and one counting observer on every client.

use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::StreamExt;
use llmops::{ChatRequest, Client, ExchangeRecord, Observer};

/// Counts records (the one observer of every bench client).
#[derive(Default)]
pub(crate) struct Count(pub(crate) AtomicU64);

impl Observer for Count {
    fn on_finish(&self, _rec: &ExchangeRecord) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// ~1 KB over three messages.
pub(crate) fn request() -> ChatRequest {
    ChatRequest::new("scripted/bench")
        .system("You are a support assistant for ACME. Answer briefly, cite the policy section, and never promise refunds. ".repeat(3))
        .user("My order A-1729 arrived damaged; the box was crushed and the glass cracked. What can I do? ".repeat(4))
        .assistant("I am sorry to hear that. Could you share a photo of the damage and the order number? ".repeat(2))
        .tenant("acme")
}

/// ~100 bytes.
pub(crate) const REPLY: &str = "Please upload a photo in the order page; a replacement ships within two business days (policy 4.2).";

/// Streams one reply to its end (20 chunks plus start, usage and finish events).
pub(crate) async fn stream_all(cl: Client, req: ChatRequest) {
    let mut s = cl.chat_stream(req).await.expect("stream");
    let mut n = 0;
    while let Some(ev) = s.next().await {
        ev.expect("event");
        n += 1;
    }
    assert!(n >= 20);
}
