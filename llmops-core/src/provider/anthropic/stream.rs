//! Anthropic streaming events → [`StreamEvent`]s. Pull-based: no task per stream.
//!
//! `message_start` carries the input usage (cache tokens included): it is emitted as a
//! `Usage` event at once, so a stream cut later still accounts for the input.

use std::collections::{HashMap, VecDeque};

use serde_json::Value;

use super::error::from_event;
use super::wire::{WireUsage, stop_reason};
use crate::Result;
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http::{SseDecoder, SseEvent};
use crate::stream::StreamEvent;

/// Decodes Anthropic streaming events.
pub(crate) struct EventDecoder {
    provider: String,
    usage: WireUsage,
    /// content block index → tool-call index
    tools: HashMap<u64, usize>,
    stopped: bool,
}

impl EventDecoder {
    pub(crate) fn new(provider: &str) -> Self {
        EventDecoder {
            provider: provider.to_owned(),
            usage: WireUsage::default(),
            tools: HashMap::new(),
            stopped: false,
        }
    }

    fn decode_err(&self, msg: String) -> crate::Error {
        ProviderError::new(ProviderErrorKind::Decode, self.provider.clone(), msg).into()
    }
}

impl SseDecoder for EventDecoder {
    fn is_done(&self) -> bool {
        self.stopped
    }

    fn on_event(&mut self, ev: &SseEvent, out: &mut VecDeque<StreamEvent>) -> Result<()> {
        let data = ev.data.trim();
        if data.is_empty() {
            return Ok(());
        }
        let v: Value = serde_json::from_str(data)
            .map_err(|e| self.decode_err(format!("stream event is not JSON: {e}")))?;
        let kind = v
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(ev.event.as_str());
        match kind {
            "message_start" => {
                let m = v.get("message").cloned().unwrap_or(Value::Null);
                let id = m.get("id").and_then(Value::as_str).map(str::to_owned);
                let model = m.get("model").and_then(Value::as_str).map(str::to_owned);
                out.push_back(StreamEvent::Start { id, model });
                if let Some(u) = m.get("usage") {
                    let u: WireUsage = serde_json::from_value(u.clone()).unwrap_or_default();
                    self.usage.update(&u);
                    out.push_back(StreamEvent::Usage {
                        usage: self.usage.to_usage(),
                    });
                }
            }
            "content_block_start" => {
                let block = v.get("content_block").cloned().unwrap_or(Value::Null);
                if block.get("type").and_then(Value::as_str) == Some("tool_use") {
                    let bi = v.get("index").and_then(Value::as_u64).unwrap_or(0);
                    let ti = self.tools.len();
                    self.tools.insert(bi, ti);
                    out.push_back(StreamEvent::ToolCallDelta {
                        index: ti,
                        id: block.get("id").and_then(Value::as_str).map(str::to_owned),
                        name: block.get("name").and_then(Value::as_str).map(str::to_owned),
                        args: String::new(),
                    });
                } else if let Some(t) = block
                    .get("text")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    out.push_back(StreamEvent::delta(t));
                }
            }
            "content_block_delta" => {
                let d = v.get("delta").cloned().unwrap_or(Value::Null);
                let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                match d.get("type").and_then(Value::as_str) {
                    Some("text_delta") => out.push_back(StreamEvent::Delta { text: text("text") }),
                    Some("thinking_delta") => out.push_back(StreamEvent::ReasoningDelta {
                        text: text("thinking"),
                    }),
                    Some("input_json_delta") => {
                        let bi = v.get("index").and_then(Value::as_u64).unwrap_or(0);
                        let index = match self.tools.get(&bi) {
                            Some(i) => *i,
                            None => {
                                return Err(self.decode_err(format!(
                                    "input_json_delta for block {bi}, which is not a tool_use"
                                )));
                            }
                        };
                        out.push_back(StreamEvent::ToolCallDelta {
                            index,
                            id: None,
                            name: None,
                            args: text("partial_json"),
                        });
                    }
                    _ => {} // signature_delta, citations_delta ...
                }
            }
            "message_delta" => {
                if let Some(u) = v.get("usage") {
                    let u: WireUsage = serde_json::from_value(u.clone()).unwrap_or_default();
                    self.usage.update(&u);
                    out.push_back(StreamEvent::Usage {
                        usage: self.usage.to_usage(),
                    });
                }
                let reason = v
                    .get("delta")
                    .and_then(|d| d.get("stop_reason"))
                    .and_then(Value::as_str);
                if let Some(reason) = stop_reason(reason) {
                    out.push_back(StreamEvent::Finish { reason });
                }
            }
            "message_stop" => {
                self.stopped = true;
            }
            "error" => {
                return Err(from_event(&self.provider, &v, data).into());
            }
            _ => {} // ping, content_block_stop, unknown future events
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

    const TEXT: &str = include_str!("../../../tests/fixtures/anthropic/stream_text.sse");
    const TOOLS: &str = include_str!("../../../tests/fixtures/anthropic/stream_tool_use.sse");

    fn decode(body: &str, cuts: &[usize]) -> std::result::Result<ChatResponse, crate::Error> {
        let bytes = body.as_bytes();
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        points.extend([0, bytes.len()]);
        points.sort_unstable();
        points.dedup();
        let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = points
            .windows(2)
            .map(|w| Ok(Bytes::copy_from_slice(&bytes[w[0]..w[1]])))
            .collect();
        let events = http::sse("anthropic", futures_util::stream::iter(chunks));
        let mut s = http::SseStream::new("anthropic", events, EventDecoder::new("anthropic"));
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
            prop_assert_eq!(decode(TEXT, &cuts).unwrap(), decode(TEXT, &[]).unwrap());
            let tools = decode(TOOLS, &cuts).unwrap();
            prop_assert_eq!(&tools, &decode(TOOLS, &[]).unwrap());
            prop_assert_eq!(tools.tool_calls()[0].arguments.as_str(), "{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}");
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
    fn truncated_and_malformed_streams_are_errors() {
        let cut = TEXT.split("event: message_stop").next().unwrap();
        assert_eq!(decode(cut, &[]).unwrap_err().class().as_str(), "network");
        assert_eq!(
            decode("event: message_start\ndata: {oops\n\n", &[])
                .unwrap_err()
                .class()
                .as_str(),
            "decode"
        );
    }
}
