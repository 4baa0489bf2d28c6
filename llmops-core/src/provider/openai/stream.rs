//! OpenAI SSE chunks → [`StreamEvent`]s, decoded by [`ChunkDecoder`] inside the shared
//! pull-based [`SseStream`](crate::provider::http::SseStream): no task per stream, and
//! dropping the stream drops the HTTP body.
//!
//! What a stream looks like: `Start { id, model }` once (first chunk that names them), then
//! text (`Delta`), reasoning (`ReasoningDelta`, from `reasoning_content` or `reasoning`) and
//! tool-call pieces (`ToolCallDelta`), `Usage` (the final chunk whose `choices` is empty,
//! the finish chunk on servers that put it there, or Groq's `x_groq.usage`), and `Finish`
//! last. OpenAI sends its usage chunk *after* the finish chunk; [`FinishLast`] holds the
//! finish reason back until the body ends, so a consumer that stops at `Finish` has seen the
//! usage. `data: [DONE]` ends the stream. An `{"error": …}` payload or an `event: error` is a classified
//! `Err`; the body ending before `[DONE]` and before any finish reason is a `Network` error;
//! a chunk that is not JSON is `Decode`.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;

use super::error::from_payload;
use super::scrub;
use super::wire::{WireResponse, arguments_text, content_text, finish_reason, text_of};
use crate::Result;
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::ApiKey;
use crate::provider::http::{SseDecoder, SseEvent};
use crate::stream::StreamEvent;

/// One tool call of the reply, as reassembled so far.
struct CallSlot {
    /// The server's `index` (absent on some servers).
    wire_index: Option<u64>,
    id: Option<String>,
    name: String,
}

/// Decodes OpenAI chat-completion chunks.
pub(crate) struct ChunkDecoder {
    provider: String,
    /// The key sent with the request: removed from error text a server might echo.
    key: Option<ApiKey>,
    started: bool,
    finished: bool,
    done: bool,
    calls: Vec<CallSlot>,
}

impl ChunkDecoder {
    pub(crate) fn new(provider: &str, key: Option<ApiKey>) -> Self {
        ChunkDecoder {
            provider: provider.to_owned(),
            key,
            started: false,
            finished: false,
            done: false,
            calls: Vec::new(),
        }
    }

    fn fail(&self, e: ProviderError) -> crate::Error {
        scrub(e, self.key.as_ref()).into()
    }

    /// Our index for a tool-call piece. OpenAI numbers parallel calls with `index` and sends
    /// `id` on a call's first piece only. Some compatible servers omit `index`, or send each
    /// complete call under index 0: a new `id` under an index already in use starts a new call.
    fn slot(&mut self, wire_index: Option<u64>, id: Option<&str>) -> usize {
        let existing = match wire_index {
            Some(w) => self.calls.iter().rposition(|c| c.wire_index == Some(w)),
            None if self.calls.is_empty() => None,
            None => Some(self.calls.len() - 1),
        };
        if let Some(pos) = existing {
            let same_call = match (id, self.calls.get(pos).and_then(|c| c.id.as_deref())) {
                (Some(new), Some(old)) => new == old,
                _ => true,
            };
            if same_call {
                return pos;
            }
        }
        self.calls.push(CallSlot {
            wire_index,
            id: None,
            name: String::new(),
        });
        self.calls.len() - 1
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
        if ev.event == "error" {
            return Err(self.fail(from_payload(&self.provider, data)));
        }
        if data == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        if data.is_empty() {
            return Ok(());
        }
        let mut chunk: WireResponse = serde_json::from_str(data).map_err(|e| {
            self.fail(
                ProviderError::new(
                    ProviderErrorKind::Decode,
                    self.provider.clone(),
                    format!("a stream chunk is not a chat completion chunk: {e}"),
                )
                .with_body(data),
            )
        })?;
        if chunk.error.as_ref().is_some_and(|e| !e.is_null()) {
            return Err(self.fail(from_payload(&self.provider, data)));
        }
        if !self.started && (chunk.id.is_some() || chunk.model.is_some()) {
            self.started = true;
            out.push_back(StreamEvent::Start {
                id: chunk.id.take(),
                model: chunk.model.take(),
            });
        }
        let usage = chunk.usage();
        let mut finish = None;
        if let Some(choice) = chunk.take_first_choice() {
            if let Some(delta) = choice.delta.or(choice.message) {
                let reasoning = text_of(delta.reasoning_content.as_ref())
                    .or_else(|| text_of(delta.reasoning.as_ref()));
                if let Some(text) = reasoning {
                    out.push_back(StreamEvent::ReasoningDelta { text });
                }
                if let Some(text) = content_text(delta.content.as_ref()).filter(|t| !t.is_empty()) {
                    out.push_back(StreamEvent::Delta { text });
                }
                if let Some(text) = text_of(delta.refusal.as_ref()) {
                    out.push_back(StreamEvent::Delta { text });
                }
                for call in delta.tool_calls {
                    let f = call.function.unwrap_or_default();
                    let id = call.id.filter(|s| !s.is_empty());
                    let index = self.slot(call.index, id.as_deref());
                    let Some(slot) = self.calls.get_mut(index) else {
                        continue;
                    };
                    // the id and name once per call, however often a server repeats them
                    let id = match id {
                        Some(id) if slot.id.is_none() => {
                            slot.id = Some(id.clone());
                            Some(id)
                        }
                        _ => None,
                    };
                    let name = match f.name.filter(|n| !n.is_empty()) {
                        Some(n) if n != slot.name => {
                            slot.name.push_str(&n);
                            Some(n)
                        }
                        _ => None,
                    };
                    let args = arguments_text(f.arguments);
                    if id.is_some() || name.is_some() || !args.is_empty() {
                        out.push_back(StreamEvent::ToolCallDelta {
                            index,
                            id,
                            name,
                            args,
                        });
                    }
                }
            }
            finish = finish_reason(choice.finish_reason.as_ref());
        }
        if let Some(usage) = usage.filter(|u| !u.is_zero()) {
            out.push_back(StreamEvent::Usage { usage });
        }
        if let Some(reason) = finish {
            self.finished = true;
            out.push_back(StreamEvent::Finish { reason });
        }
        Ok(())
    }
}

/// Passes a stream through, holding its `Finish` event back until the stream ends, so that
/// `Finish` is the last event. An error drops the held finish (the stream did not finish).
pub(crate) struct FinishLast<S> {
    inner: S,
    held: Option<StreamEvent>,
    ended: bool,
}

impl<S> FinishLast<S> {
    pub(crate) fn new(inner: S) -> Self {
        FinishLast {
            inner,
            held: None,
            ended: false,
        }
    }
}

impl<S: Stream<Item = Result<StreamEvent>> + Unpin> Stream for FinishLast<S> {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            match this.inner.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(ev @ StreamEvent::Finish { .. }))) => this.held = Some(ev),
                Poll::Ready(Some(Ok(ev))) => return Poll::Ready(Some(Ok(ev))),
                Poll::Ready(Some(Err(e))) => {
                    this.held = None;
                    this.ended = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.ended = true;
                    return Poll::Ready(this.held.take().map(Ok));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use proptest::prelude::*;

    use super::*;
    use crate::provider::http;
    use crate::stream::Aggregator;
    use crate::types::{ChatResponse, FinishReason, Usage};

    const TEXT: &str = include_str!("../../../tests/fixtures/openai/stream_text.sse");
    const TOOLS: &str = include_str!("../../../tests/fixtures/openai/stream_tools.sse");
    const DEEPSEEK: &str = include_str!("../../../tests/fixtures/openai/deepseek_stream.sse");
    const REASONING: &str = include_str!("../../../tests/fixtures/openai/reasoning_stream.sse");
    const GROQ: &str = include_str!("../../../tests/fixtures/openai/groq_stream.sse");

    fn events(body: &str, cuts: &[usize]) -> Vec<Result<StreamEvent>> {
        let sse = http::sse("openai", http::split_body(body, cuts));
        let s = FinishLast::new(http::SseStream::new(
            "openai",
            sse,
            ChunkDecoder::new("openai", None),
        ));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(s.collect())
    }

    fn decode(body: &str, cuts: &[usize]) -> Result<ChatResponse> {
        let mut agg = Aggregator::default();
        for ev in events(body, cuts) {
            agg.push(&ev?);
        }
        Ok(agg.finish())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// However the bytes are split, the same reply comes out: text, tool calls, usage,
        /// finish, and the events themselves.
        #[test]
        fn split_anywhere_same_reply(cuts in proptest::collection::vec(any::<usize>(), 0..40)) {
            for fixture in [TEXT, TOOLS, DEEPSEEK, REASONING, GROQ] {
                let whole: Vec<_> = events(fixture, &[]).into_iter().map(|e| e.unwrap()).collect();
                let split: Vec<_> = events(fixture, &cuts).into_iter().map(|e| e.unwrap()).collect();
                prop_assert_eq!(&split, &whole);
                prop_assert_eq!(decode(fixture, &cuts).unwrap(), decode(fixture, &[]).unwrap());
            }
        }
    }

    #[test]
    fn every_single_split_point() {
        for fixture in [TEXT, TOOLS] {
            let whole = decode(fixture, &[]).unwrap();
            for i in 0..=fixture.len() {
                assert_eq!(decode(fixture, &[i]).unwrap(), whole, "split at {i}");
            }
        }
    }

    #[test]
    fn the_documented_streams_decode_as_expected() {
        let text = decode(TEXT, &[]).unwrap();
        assert_eq!(text.text(), "Hello! How can I help you today?");
        assert_eq!(text.finish_reason, Some(FinishReason::Stop));
        assert_eq!(text.usage, Usage::new(19, 10));
        let tools = decode(TOOLS, &[]).unwrap();
        assert_eq!(tools.tool_calls().len(), 2);
        let ds = decode(DEEPSEEK, &[]).unwrap();
        assert_eq!(ds.text(), "Hello! How can I assist you today?");
        assert_eq!(ds.usage, Usage::new(17, 9));
        let groq = decode(GROQ, &[]).unwrap();
        assert_eq!(groq.usage, Usage::new(18, 439));
        assert_eq!(
            groq.tool_calls()[0].arguments,
            "{\"value\":\"Sparkle Day\"}"
        );
        let evs: Vec<_> = events(REASONING, &[])
            .into_iter()
            .map(|e| e.unwrap())
            .collect();
        let reasoning: String = evs
            .iter()
            .filter_map(|e| match e {
                StreamEvent::ReasoningDelta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(!reasoning.is_empty());
        assert!(
            !decode(REASONING, &[]).unwrap().text().contains(&reasoning),
            "reasoning is not answer text"
        );
    }

    #[test]
    fn eof_without_done_or_finish_is_a_network_error() {
        let cut = &TEXT[..TEXT.find("\"finish_reason\":\"stop\"").unwrap()];
        let cut = &cut[..cut.rfind("data:").unwrap()];
        let e = decode(cut, &[]).unwrap_err();
        assert_eq!(e.class().as_str(), "network");
        assert!(
            e.to_string()
                .contains("connection closed before the stream finished")
        );
        // a finish reason and then EOF without [DONE] is a normal end
        let no_done = TEXT.replace("data: [DONE]", "");
        assert!(decode(&no_done, &[]).is_ok());
    }

    #[test]
    fn malformed_chunks_and_error_events() {
        let e = decode("data: {not json}\n\n", &[]).unwrap_err();
        assert_eq!(e.class().as_str(), "decode");
        let e = decode("event: error\ndata: upstream timed out\n\n", &[]).unwrap_err();
        assert_eq!(e.class().as_str(), "server");
        let e = decode(
            "data: {\"error\":{\"message\":\"Rate limit reached. Please try again in 1.5s\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}\n\n",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.class().as_str(), "rate_limited");
        assert_eq!(
            e.retry_after(),
            Some(std::time::Duration::from_millis(1500))
        );
    }

    #[test]
    fn tool_calls_without_index_or_with_repeated_names_are_kept_apart() {
        // each call complete in one piece, no `index`, name repeated on a later piece
        let body = concat!(
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"1}\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":{\"y\":2}}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
        );
        let r = decode(body, &[]).unwrap();
        let calls = r.tool_calls();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert_eq!(
            (
                calls[0].id.as_str(),
                calls[0].name.as_str(),
                calls[0].arguments.as_str()
            ),
            ("a", "f", "{\"x\":1}")
        );
        assert_eq!(
            (
                calls[1].id.as_str(),
                calls[1].name.as_str(),
                calls[1].arguments.as_str()
            ),
            ("b", "g", "{\"y\":2}")
        );
    }

    #[test]
    fn finish_is_the_last_event_and_an_error_drops_it() {
        let evs: Vec<_> = events(TEXT, &[]).into_iter().map(|e| e.unwrap()).collect();
        assert!(
            matches!(evs.last(), Some(StreamEvent::Finish { .. })),
            "{evs:?}"
        );
        assert!(matches!(
            evs.get(evs.len() - 2),
            Some(StreamEvent::Usage { .. })
        ));
        let body = concat!(
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"error\":{\"message\":\"late failure\"}}\n\n",
        );
        let evs = events(body, &[]);
        assert_eq!(evs.len(), 1);
        assert!(evs[0].is_err());
    }

    #[test]
    fn only_the_first_choice_is_read() {
        let body = concat!(
            "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"}},{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        );
        assert_eq!(decode(body, &[]).unwrap().text(), "A");
    }
}
