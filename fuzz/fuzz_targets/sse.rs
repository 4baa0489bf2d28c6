//! Arbitrary bytes, split at arbitrary points, through the SSE decoder: never a panic.
#![no_main]

use bytes::Bytes;
use futures_util::StreamExt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, body)) = data.split_first() else { return };
    let step = usize::from(split).max(1);
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        body.chunks(step).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let mut s = std::pin::pin!(llmops_core::provider::http::sse("fuzz", futures_util::stream::iter(chunks)));
        while let Some(ev) = s.next().await {
            let _ = ev;
        }
    });
});
