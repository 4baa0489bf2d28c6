//! OpenAI SSE chunks → [`StreamEvent`]s. Pull-based: no task per stream, and dropping the
//! stream drops the HTTP body.

use std::collections::VecDeque;

use serde_json::Value;

use super::error::from_stream_payload;
use super::wire::{WireResponse, content_text, finish_reason};
use crate::Result;
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http::{SseDecoder, SseEvent};
use crate::stream::StreamEvent;

/// Decodes OpenAI chat-completion chunks.
pub(crate) struct ChunkDecoder {
    provider: String,
    started: bool,
    finished: bool,
    done: bool,
}

impl ChunkDecoder {
    pub(crate) fn new(provider: &str) -> Self {
        ChunkDecoder {
            provider: provider.to_owned(),
            started: false,
            finished: false,
            done: false,
        }
    }

    fn err(&self, kind: ProviderErrorKind, msg: impl Into<String>) -> crate::Error {
        ProviderError::new(kind, self.provider.clone(), msg).into()
    }
}

impl SseDecoder for ChunkDecoder {
    fn is_done(&self) -> bool {
        self.done
    }

    fn may_end(&self) -> bool {
        // some servers close after the finish chunk without `[DONE]`
        self.done || self.finished
    }

    fn on_event(&mut self, ev: &SseEvent, out: &mut VecDeque<StreamEvent>) -> Result<()> {
        let data = ev.data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        if data.is_empty() {
            return Ok(());
        }
        let v: Value = serde_json::from_str(data).map_err(|e| {
            self.err(
                ProviderErrorKind::Decode,
                format!("stream chunk is not JSON: {e}"),
            )
        })?;
        if ev.event == "error" || v.get("error").is_some_and(|e| !e.is_null()) {
            return Err(from_stream_payload(&self.provider, &v, data).into());
        }
        let chunk: WireResponse = serde_json::from_value(v).map_err(|e| {
            self.err(
                ProviderErrorKind::Decode,
                format!("unexpected stream chunk: {e}"),
            )
        })?;
        if !self.started && (chunk.id.is_some() || chunk.model.is_some()) {
            self.started = true;
            out.push_back(StreamEvent::Start {
                id: chunk.id.clone(),
                model: chunk.model.clone(),
            });
        }
        for choice in chunk.choices.into_iter().take(1) {
            if let Some(delta) = choice.delta.or(choice.message) {
                if let Some(r) = delta.reasoning_content.filter(|r| !r.is_empty()) {
                    out.push_back(StreamEvent::ReasoningDelta { text: r });
                }
                if let Some(t) = content_text(delta.content.as_ref()).filter(|t| !t.is_empty()) {
                    out.push_back(StreamEvent::Delta { text: t });
                }
                if let Some(t) = delta.refusal.filter(|t| !t.is_empty()) {
                    out.push_back(StreamEvent::Delta { text: t });
                }
                for (i, call) in delta.tool_calls.into_iter().enumerate() {
                    let f = call.function.unwrap_or_default();
                    out.push_back(StreamEvent::ToolCallDelta {
                        index: call.index.unwrap_or(i),
                        id: call.id.filter(|s| !s.is_empty()),
                        name: f.name.filter(|s| !s.is_empty()),
                        args: f.arguments.unwrap_or_default(),
                    });
                }
            }
            if let Some(reason) = finish_reason(choice.finish_reason.as_deref()) {
                self.finished = true;
                out.push_back(StreamEvent::Finish { reason });
            }
        }
        if let Some(u) = chunk.usage {
            out.push_back(StreamEvent::Usage {
                usage: u.to_usage(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use futures_util::StreamExt;
    use proptest::prelude::*;

    use super::*;
    use crate::provider::http;
    use crate::stream::Aggregator;
    use crate::types::ChatResponse;

    const TEXT: &str = include_str!("../../../tests/fixtures/openai/stream_text.sse");
    const TOOLS: &str = include_str!("../../../tests/fixtures/openai/stream_tools.sse");

    fn decode(body: &str, cuts: &[usize]) -> std::result::Result<ChatResponse, crate::Error> {
        let bytes = body.as_bytes();
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        points.push(0);
        points.push(bytes.len());
        points.sort_unstable();
        points.dedup();
        let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = points
            .windows(2)
            .map(|w| Ok(Bytes::copy_from_slice(&bytes[w[0]..w[1]])))
            .collect();
        let events = http::sse("openai", futures_util::stream::iter(chunks));
        let mut s = http::SseStream::new("openai", events, ChunkDecoder::new("openai"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut agg = Aggregator::default();
            while let Some(ev) = s.next().await {
                agg.push(&ev?);
            }
            Ok(agg.finish())
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// However the bytes are split, the same reply comes out.
        #[test]
        fn split_anywhere_same_reply(cuts in proptest::collection::vec(any::<usize>(), 0..40)) {
            let whole_text = decode(TEXT, &[]).unwrap();
            let split_text = decode(TEXT, &cuts).unwrap();
            prop_assert_eq!(&split_text, &whole_text);
            prop_assert_eq!(split_text.text(), "Hello! How can I help you today?");
            let whole_tools = decode(TOOLS, &[]).unwrap();
            let split_tools = decode(TOOLS, &cuts).unwrap();
            prop_assert_eq!(&split_tools, &whole_tools);
            prop_assert_eq!(split_tools.tool_calls().len(), 2);
        }
    }

    #[test]
    fn every_single_split_point() {
        let whole = decode(TOOLS, &[]).unwrap();
        for i in 0..=TOOLS.len() {
            assert_eq!(decode(TOOLS, &[i]).unwrap(), whole, "split at {i}");
        }
    }

    #[test]
    fn eof_without_done_or_finish_is_an_error() {
        let cut = TEXT.split("data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{},").next().unwrap();
        let e = decode(cut, &[]).unwrap_err();
        assert_eq!(e.class().as_str(), "network");
        let bad = "data: {not json}\n\n";
        assert_eq!(decode(bad, &[]).unwrap_err().class().as_str(), "decode");
    }
}
