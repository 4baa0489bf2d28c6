//! Anthropic streaming events → [`StreamEvent`]s, decoded as they are pulled (no task per
//! stream, and dropping the stream drops the HTTP body).
//!
//! | event | yields |
//! |---|---|
//! | `message_start` | `Start { id, model }`, then `Usage` with the input (cache tokens included) at once, so a stream cut later still accounts for the input |
//! | `content_block_start` `tool_use` | `ToolCallDelta { index, id, name }`; `index` counts `tool_use` blocks only |
//! | `content_block_start` `text` / `thinking` with text | `Delta` / `ReasoningDelta` |
//! | `content_block_delta` | `text_delta` → `Delta`, `input_json_delta` of a `tool_use` block → `ToolCallDelta` args, `thinking_delta` → `ReasoningDelta`; others (`signature_delta`, `citations_delta`, input of server tools) are ignored |
//! | `message_delta` | `Usage` with the merged cumulative totals, then `Finish` |
//! | `message_stop` | the end |
//! | `error` | a classified `Err` item, never a normal end |
//! | `ping`, `content_block_stop`, unknown events | nothing |
//!
//! The body ending before `message_stop` is a `Network` error; an event that is not JSON is a
//! `Decode` error.

use std::collections::VecDeque;

use serde::Deserialize;

use super::error::{WireError, from_event};
use super::wire::{WireUsage, stop_reason};
use crate::Result;
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http::{SseDecoder, SseEvent};
use crate::stream::StreamEvent;

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    MessageStart {
        #[serde(default)]
        message: StartMessage,
    },
    ContentBlockStart {
        index: u64,
        content_block: StartBlock,
    },
    ContentBlockDelta {
        index: u64,
        delta: Delta,
    },
    MessageDelta {
        #[serde(default)]
        delta: Option<MessageDeltaBody>,
        #[serde(default)]
        usage: Option<WireUsage>,
    },
    MessageStop,
    Error {
        #[serde(default)]
        error: WireError,
    },
    /// ping, content_block_stop, events of future versions
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default)]
struct StartMessage {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StartBlock {
    Text {
        #[serde(default)]
        text: String,
    },
    ToolUse {
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        name: Option<String>,
    },
    Thinking {
        #[serde(default)]
        thinking: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Delta {
    #[serde(rename = "text_delta")]
    Text {
        #[serde(default)]
        text: String,
    },
    #[serde(rename = "input_json_delta")]
    InputJson {
        #[serde(default)]
        partial_json: String,
    },
    #[serde(rename = "thinking_delta")]
    Thinking {
        #[serde(default)]
        thinking: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default)]
struct MessageDeltaBody {
    #[serde(default)]
    stop_reason: Option<String>,
}

/// Decodes one Anthropic message stream.
pub(crate) struct EventDecoder {
    provider: String,
    usage: WireUsage,
    /// (content block index, tool-call index) of each `tool_use` block so far
    tools: Vec<(u64, usize)>,
    stopped: bool,
}

impl EventDecoder {
    pub(crate) fn new(provider: &str) -> Self {
        EventDecoder {
            provider: provider.to_owned(),
            usage: WireUsage::default(),
            tools: Vec::new(),
            stopped: false,
        }
    }

    fn usage_event(&mut self, u: &WireUsage) -> StreamEvent {
        self.usage.update(u);
        StreamEvent::Usage {
            usage: self.usage.to_usage(),
        }
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
        let event: Event = serde_json::from_str(data).map_err(|e| {
            ProviderError::new(
                ProviderErrorKind::Decode,
                self.provider.clone(),
                format!("stream event `{}` is not valid JSON: {e}", ev.event),
            )
            .with_body(data)
        })?;
        match event {
            Event::MessageStart { message } => {
                out.push_back(StreamEvent::Start {
                    id: message.id,
                    model: message.model,
                });
                if let Some(u) = &message.usage {
                    let e = self.usage_event(u);
                    out.push_back(e);
                }
            }
            Event::ContentBlockStart {
                index,
                content_block,
            } => match content_block {
                StartBlock::ToolUse { id, name } => {
                    let tool = self.tools.len();
                    self.tools.push((index, tool));
                    out.push_back(StreamEvent::ToolCallDelta {
                        index: tool,
                        id,
                        name,
                        args: String::new(),
                    });
                }
                StartBlock::Text { text } if !text.is_empty() => {
                    out.push_back(StreamEvent::Delta { text });
                }
                StartBlock::Thinking { thinking } if !thinking.is_empty() => {
                    out.push_back(StreamEvent::ReasoningDelta { text: thinking });
                }
                StartBlock::Text { .. } | StartBlock::Thinking { .. } | StartBlock::Other => {}
            },
            Event::ContentBlockDelta { index, delta } => match delta {
                Delta::Text { text } => out.push_back(StreamEvent::Delta { text }),
                Delta::Thinking { thinking } => {
                    out.push_back(StreamEvent::ReasoningDelta { text: thinking });
                }
                Delta::InputJson { partial_json } => {
                    // input of a server tool (web search ...) is not a call for the caller
                    if let Some(&(_, tool)) = self.tools.iter().find(|(b, _)| *b == index) {
                        out.push_back(StreamEvent::ToolCallDelta {
                            index: tool,
                            id: None,
                            name: None,
                            args: partial_json,
                        });
                    }
                }
                Delta::Other => {}
            },
            Event::MessageDelta { delta, usage } => {
                if let Some(u) = &usage {
                    let e = self.usage_event(u);
                    out.push_back(e);
                }
                let reason = delta.and_then(|d| d.stop_reason);
                if let Some(reason) = stop_reason(reason.as_deref()) {
                    out.push_back(StreamEvent::Finish { reason });
                }
            }
            Event::MessageStop => self.stopped = true,
            Event::Error { error } => {
                return Err(from_event(&self.provider, &error, data).into());
            }
            Event::Other => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use proptest::prelude::*;

    use super::*;
    use crate::provider::http;
    use crate::types::{FinishReason, Usage};

    const TEXT: &str = include_str!("../../../tests/fixtures/anthropic/stream_text.sse");
    const TOOLS: &str = include_str!("../../../tests/fixtures/anthropic/stream_tool_use.sse");
    const THINKING: &str = include_str!("../../../tests/fixtures/anthropic/stream_thinking.sse");
    const SEARCH: &str = include_str!("../../../tests/fixtures/anthropic/stream_web_search.sse");
    const ERROR: &str = include_str!("../../../tests/fixtures/anthropic/stream_error.sse");

    /// The events of `body` delivered in chunks cut at `cuts` (taken modulo the length), through
    /// the same path a live response takes: `http::sse`, then this decoder.
    fn events(body: &str, cuts: &[usize]) -> Vec<std::result::Result<StreamEvent, String>> {
        let sse = http::sse("anthropic", http::split_body(body, cuts));
        let s = http::SseStream::new("anthropic", sse, EventDecoder::new("anthropic"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(s.map(|r| r.map_err(|e| e.class().to_string())).collect())
    }

    fn ok(body: &str) -> Vec<StreamEvent> {
        events(body, &[]).into_iter().map(Result::unwrap).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// However the bytes are split, the same events (text, tool calls, usage, finish) come out.
        #[test]
        fn split_anywhere_same_events(cuts in proptest::collection::vec(any::<usize>(), 0..48)) {
            for body in [TEXT, TOOLS, THINKING, SEARCH, ERROR] {
                prop_assert_eq!(events(body, &cuts), events(body, &[]));
            }
        }
    }

    #[test]
    fn every_single_split_point_of_the_tool_stream() {
        let whole = events(TOOLS, &[]);
        for i in 0..=TOOLS.len() {
            assert_eq!(events(TOOLS, &[i]), whole, "split at {i}");
        }
    }

    #[test]
    fn text_stream_events_in_order() {
        assert_eq!(
            ok(TEXT),
            vec![
                StreamEvent::Start {
                    id: Some("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY".into()),
                    model: Some("claude-sonnet-4-5-20250929".into())
                },
                StreamEvent::Usage {
                    usage: Usage::new(25, 1)
                },
                StreamEvent::delta("Hello"),
                StreamEvent::delta("!"),
                StreamEvent::Usage {
                    usage: Usage::new(25, 15)
                },
                StreamEvent::Finish {
                    reason: FinishReason::Stop
                },
            ]
        );
    }

    #[test]
    fn thinking_goes_to_reasoning_and_signatures_are_ignored() {
        let evs = ok(THINKING);
        let reasoning: String = evs
            .iter()
            .filter_map(|e| match e {
                StreamEvent::ReasoningDelta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(reasoning.starts_with("Let me solve this step by step"));
        assert!(reasoning.ends_with("= 12,231"));
        assert!(evs.contains(&StreamEvent::delta("27 * 453 = 12,231")));
        assert!(!evs.iter().any(|e| matches!(e, StreamEvent::Usage { .. })));
    }

    #[test]
    fn server_tool_input_is_not_a_tool_call_and_usage_follows_message_delta() {
        let evs = ok(SEARCH);
        assert!(
            !evs.iter()
                .any(|e| matches!(e, StreamEvent::ToolCallDelta { .. }))
        );
        assert_eq!(
            evs.iter().rev().find_map(|e| match e {
                StreamEvent::Usage { usage } => Some(*usage),
                _ => None,
            }),
            Some(Usage::new(10682, 510).with_cache(0, 0))
        );
    }

    #[test]
    fn errors_truncation_and_malformed_events() {
        let evs = events(ERROR, &[]);
        assert_eq!(evs.last(), Some(&Err("overloaded".to_owned())));
        assert!(evs.iter().rev().skip(1).all(Result::is_ok));

        let cut = TEXT.split("event: message_stop").next().unwrap();
        assert_eq!(events(cut, &[]).last(), Some(&Err("network".to_owned())));

        let bad = "event: message_start\ndata: {oops\n\n";
        assert_eq!(events(bad, &[]), vec![Err("decode".to_owned())]);

        let unknown = "event: future_thing\ndata: {\"type\": \"future_thing\", \"x\": 1}\n\n\
                       event: message_stop\ndata: {\"type\": \"message_stop\"}\n\n";
        assert_eq!(events(unknown, &[]), vec![]);
    }
}
