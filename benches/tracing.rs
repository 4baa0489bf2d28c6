//! The cost of tracing on the exchange pipeline: the payload of `benches/pipeline.rs` (a
//! 3-message ~1 KB request, a ~100-byte reply, streams of 20 chunks) through the client with
//! no subscriber, with a bare `tracing_subscriber::registry()`, with the OpenTelemetry layer
//! (exporting to a closed port, metrics off), and with the batch OTLP/HTTP exporter to a local
//! receiver plus the metrics observer.
//!
//! `cargo bench --bench tracing --features otlp`; one configuration per process with a filter
//! (`-- tracing/on`); figures in docs/benchmarks.md.
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "common/payload.rs"]
mod payload;

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use llmops::trace::otel::{Otel, OtelOptions};
use llmops::{Client, ClientBuilder, ScriptedProvider};
use payload::{Count, REPLY, request, stream_all};
use tokio::runtime::Runtime;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The client of `benches/pipeline.rs` (0 middleware, one observer), before `build`.
fn builder() -> ClientBuilder {
    Client::builder()
        .provider(ScriptedProvider::new().repeat(REPLY).chunks(20))
        .observer(Count::default())
}

/// `full` and `stream20` of one configuration.
fn cases(g: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime, name: &str, cl: &Client) {
    let req = request();
    g.bench_function(format!("{name}full"), |b| {
        b.to_async(rt).iter(|| {
            let cl = cl.clone();
            let req = req.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert!(!r.text().is_empty());
            }
        })
    });
    g.bench_function(format!("{name}stream20"), |b| {
        b.to_async(rt).iter(|| {
            let cl = cl.clone();
            let req = req.clone();
            stream_all(cl, req)
        })
    });
}

/// Exports what is buffered, stops the exporters (so their background work ends with the
/// group) and says what happened to the spans.
fn finish(rt: &Runtime, otel: &Otel, what: &str) {
    // a closed port refuses the flush: that is the point of the case
    let _ = rt.block_on(otel.shutdown());
    eprintln!("{what}: {:?}", otel.stats());
}

fn bench(c: &mut Criterion) {
    // multi-thread: the batch span processor and the metric reader run on the workers while
    // criterion's `block_on` drives the requests on this thread
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    assert!(serde_json::to_string(&request()).expect("json").len() > 900);

    // (a) baseline: no subscriber (spans disabled), as in benches/pipeline.rs
    let mut g = c.benchmark_group("tracing/off");
    cases(&mut g, &rt, "", &builder().build().expect("client"));
    g.finish();

    // elimination: a bare registry (tracing's own span bookkeeping, no OpenTelemetry)
    let mut g = c.benchmark_group("tracing/registry");
    {
        let _sub = tracing_subscriber::registry().set_default();
        cases(&mut g, &rt, "", &builder().build().expect("client"));
    }
    g.finish();

    // (b) tracing on, no collector: the OpenTelemetry layer; its exporter points at a closed
    // port (there is no exporter-less `Otel`), metrics off, no scheduled export in the run
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let otel = {
        let _rt = rt.enter();
        Otel::install(
            OtelOptions::new()
                .service_name("llmops-bench")
                .endpoint(format!("http://127.0.0.1:{closed}"))
                .metrics(false)
                .export_delay(Duration::from_secs(3600)),
        )
        .expect("otel")
    };
    let mut g = c.benchmark_group("tracing/on");
    {
        let _sub = tracing_subscriber::registry()
            .with(otel.layer())
            .set_default();
        cases(&mut g, &rt, "layer/", &builder().build().expect("client"));
        let cl = builder()
            .span_bridge(otel.bridge())
            .build()
            .expect("client");
        cases(&mut g, &rt, "layer+bridge/", &cl);
    }
    g.finish();
    finish(&rt, &otel, "tracing/on (closed port)");

    // (c) the batch OTLP/HTTP exporter to a local receiver, default export delay, with the
    // bridge and the metrics observer: what a user installs
    let receiver = rt.block_on(async {
        let server = wiremock::MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(wiremock::ResponseTemplate::new(200))
            .mount(&server)
            .await;
        server
    });
    let otel = {
        let _rt = rt.enter();
        Otel::install(
            OtelOptions::new()
                .service_name("llmops-bench")
                .endpoint(receiver.uri()),
        )
        .expect("otel")
    };
    let mut g = c.benchmark_group("tracing/otlp");
    {
        let _sub = tracing_subscriber::registry()
            .with(otel.layer())
            .set_default();
        // elimination: the exporter without the metrics observer
        let cl = builder()
            .span_bridge(otel.bridge())
            .build()
            .expect("client");
        cases(&mut g, &rt, "bridge/", &cl);
        let cl = builder()
            .span_bridge(otel.bridge())
            .observer(otel.metrics())
            .build()
            .expect("client");
        cases(&mut g, &rt, "bridge+metrics/", &cl);
    }
    g.finish();
    finish(&rt, &otel, "tracing/otlp (local receiver)");
    drop(receiver);
}

criterion_group!(benches, bench);
criterion_main!(benches);
