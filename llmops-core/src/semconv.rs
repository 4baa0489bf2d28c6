//! Every telemetry name llmops uses: OpenTelemetry GenAI semantic conventions (current names
//! only; the deprecated `gen_ai.system`, `gen_ai.usage.prompt_tokens` and
//! `gen_ai.usage.completion_tokens` appear only under [`legacy`]) and our `llmops.*` names.
//!
//! No `gen_ai.*` or `llmops.*` string literal appears anywhere else in the code base (a test
//! checks it); span macros use the same names as dotted field identifiers, checked against
//! these constants.

/// The GenAI semantic-conventions version these names follow.
pub const SEMCONV_VERSION: &str = "1.37.0";
/// Schema URL of that version.
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/1.37.0";

/// The operation: `chat`, `embeddings`, `execute_tool`, `invoke_agent` ...
pub const GEN_AI_OPERATION_NAME: &str = "gen_ai.operation.name";
/// The provider (`openai`, `anthropic`, `aws.bedrock` ...). Replaces `gen_ai.system`.
pub const GEN_AI_PROVIDER_NAME: &str = "gen_ai.provider.name";
/// The model requested.
pub const GEN_AI_REQUEST_MODEL: &str = "gen_ai.request.model";
/// Requested temperature.
pub const GEN_AI_REQUEST_TEMPERATURE: &str = "gen_ai.request.temperature";
/// Requested top_p.
pub const GEN_AI_REQUEST_TOP_P: &str = "gen_ai.request.top_p";
/// Requested max tokens.
pub const GEN_AI_REQUEST_MAX_TOKENS: &str = "gen_ai.request.max_tokens";
/// Requested seed.
pub const GEN_AI_REQUEST_SEED: &str = "gen_ai.request.seed";
/// Requested stop sequences.
pub const GEN_AI_REQUEST_STOP_SEQUENCES: &str = "gen_ai.request.stop_sequences";
/// The provider's response id.
pub const GEN_AI_RESPONSE_ID: &str = "gen_ai.response.id";
/// The model that answered.
pub const GEN_AI_RESPONSE_MODEL: &str = "gen_ai.response.model";
/// Finish reasons (array).
pub const GEN_AI_RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
/// Input tokens. Replaces `gen_ai.usage.prompt_tokens`.
pub const GEN_AI_USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// Output tokens. Replaces `gen_ai.usage.completion_tokens`.
pub const GEN_AI_USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
/// Input tokens read from the provider's prompt cache.
pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
/// Input tokens written to the provider's prompt cache.
pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str =
    "gen_ai.usage.cache_creation.input_tokens";
/// The conversation id.
pub const GEN_AI_CONVERSATION_ID: &str = "gen_ai.conversation.id";
/// Input messages (JSON), only when content capture is on.
pub const GEN_AI_INPUT_MESSAGES: &str = "gen_ai.input.messages";
/// Output messages (JSON), only when content capture is on.
pub const GEN_AI_OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
/// System instructions (JSON), only when content capture is on.
pub const GEN_AI_SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
/// Tool name on `execute_tool` spans.
pub const GEN_AI_TOOL_NAME: &str = "gen_ai.tool.name";
/// Tool call id on `execute_tool` spans.
pub const GEN_AI_TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
/// Tool type (`function`, `extension`, `datastore`) on `execute_tool` spans.
pub const GEN_AI_TOOL_TYPE: &str = "gen_ai.tool.type";
/// Tool description on `execute_tool` spans.
pub const GEN_AI_TOOL_DESCRIPTION: &str = "gen_ai.tool.description";

/// `gen_ai.tool.type` values.
pub mod tool_type {
    /// A function the application runs on the agent's side (every tool of the tool loop).
    pub const FUNCTION: &str = "function";
}
/// Agent name on `invoke_agent` spans.
pub const GEN_AI_AGENT_NAME: &str = "gen_ai.agent.name";
/// Token type (`input`, `output`) on the token-usage metric.
pub const GEN_AI_TOKEN_TYPE: &str = "gen_ai.token.type";
/// Metric: token usage histogram (`{token}`).
pub const GEN_AI_CLIENT_TOKEN_USAGE: &str = "gen_ai.client.token.usage";
/// Metric: operation duration histogram (s).
pub const GEN_AI_CLIENT_OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
/// Server host.
pub const SERVER_ADDRESS: &str = "server.address";
/// Server port.
pub const SERVER_PORT: &str = "server.port";
/// Error class.
pub const ERROR_TYPE: &str = "error.type";

/// Operation name values.
pub mod operation {
    /// Chat completion.
    pub const CHAT: &str = "chat";
    /// Embeddings.
    pub const EMBEDDINGS: &str = "embeddings";
    /// Tool execution.
    pub const EXECUTE_TOOL: &str = "execute_tool";
    /// Agent invocation (groups a task's calls and tool steps).
    pub const INVOKE_AGENT: &str = "invoke_agent";
}

/// Our request id.
pub const LLMOPS_REQUEST_ID: &str = "llmops.request_id";
/// Whether the request streamed.
pub const LLMOPS_STREAM: &str = "llmops.stream";
/// How the exchange ended.
pub const LLMOPS_OUTCOME: &str = "llmops.outcome";
/// Number of provider attempts.
pub const LLMOPS_ATTEMPTS: &str = "llmops.attempts";
/// Attempt number on an attempt span.
pub const LLMOPS_ATTEMPT: &str = "llmops.attempt";
/// Tenant.
pub const LLMOPS_TENANT: &str = "llmops.tenant";
/// Feature.
pub const LLMOPS_FEATURE: &str = "llmops.feature";
/// Prompt name.
pub const LLMOPS_PROMPT_NAME: &str = "llmops.prompt.name";
/// Prompt version.
pub const LLMOPS_PROMPT_VERSION: &str = "llmops.prompt.version";
/// Prompt content hash.
pub const LLMOPS_PROMPT_HASH: &str = "llmops.prompt.hash";
/// Cost in USD.
pub const LLMOPS_COST_USD: &str = "llmops.cost.usd";
/// Cache outcome.
pub const LLMOPS_CACHE_OUTCOME: &str = "llmops.cache.outcome";
/// Semantic cache similarity.
pub const LLMOPS_CACHE_SIMILARITY: &str = "llmops.cache.similarity";
/// Guard decisions.
pub const LLMOPS_GUARD_DECISIONS: &str = "llmops.guard.decisions";
/// Pipeline overhead (request time minus provider time), ms.
pub const LLMOPS_OVERHEAD_MS: &str = "llmops.overhead_ms";
/// Time to first token, ms.
pub const LLMOPS_TTFT_MS: &str = "llmops.ttft_ms";

/// Metric: time to first token of streamed replies (histogram, s).
pub const LLMOPS_CLIENT_TIME_TO_FIRST_TOKEN: &str = "llmops.client.time_to_first_token";
/// Metric: pipeline overhead, latency minus provider time (histogram, s).
pub const LLMOPS_CLIENT_OVERHEAD: &str = "llmops.client.overhead";
/// Metric: exchanges by outcome (counter).
pub const LLMOPS_CLIENT_REQUESTS: &str = "llmops.client.requests";
/// Metric: failed exchanges by error class (counter).
pub const LLMOPS_CLIENT_ERRORS: &str = "llmops.client.errors";
/// Metric: known cost (counter, micro-USD).
pub const LLMOPS_CLIENT_COST: &str = "llmops.client.cost";
/// Metric: cache hits, guard blocks, unpriced exchanges (counter by `llmops.event`).
pub const LLMOPS_CLIENT_EVENTS: &str = "llmops.client.events";
/// Label of `llmops.client.events`.
pub const LLMOPS_EVENT: &str = "llmops.event";
/// Metric: calls a shared store (Redis) sent to its backend (counter by `llmops.store`).
pub const LLMOPS_STORE_CALLS: &str = "llmops.store.calls";
/// Metric: a shared store's failed calls (counter by `llmops.store` and `error.type`:
/// `error`, `timeout`, `unavailable`).
pub const LLMOPS_STORE_FAILURES: &str = "llmops.store.failures";
/// Metric: a shared store's own events (counter by `llmops.store` and `llmops.event`:
/// `too_large`, `decode_errors`, `failed_closed`, `dropped_adjustments`).
pub const LLMOPS_STORE_EVENTS: &str = "llmops.store.events";
/// Label of the `llmops.store.*` metrics: the name the store was registered under
/// (`redis-cache`, `redis-limits`, `redis-budget` ...).
pub const LLMOPS_STORE: &str = "llmops.store";

/// The pipeline stage of an opt-in DEBUG stage span.
pub const LLMOPS_STAGE: &str = "llmops.stage";
/// Retrieved chunk ids an exchange's model saw (string array), on the request span.
pub const LLMOPS_RETRIEVAL_CHUNK_IDS: &str = "llmops.retrieval.chunk_ids";
/// The retriever's name, on the retrieval stage span and in the record's annotations.
pub const LLMOPS_RETRIEVAL_RETRIEVER: &str = "llmops.retrieval.retriever";
/// How many chunks the retriever returned, on the retrieval stage span.
pub const LLMOPS_RETRIEVAL_RETURNED: &str = "llmops.retrieval.returned";
/// The record annotation holding the retrieval stage's summary (query, k, kept and dropped
/// chunks, context tokens).
pub const LLMOPS_RETRIEVAL: &str = "llmops.retrieval";
/// Feedback score (`Client::feedback`).
pub const LLMOPS_FEEDBACK_SCORE: &str = "llmops.feedback.score";
/// Feedback label.
pub const LLMOPS_FEEDBACK_LABEL: &str = "llmops.feedback.label";
/// Feedback comment.
pub const LLMOPS_FEEDBACK_COMMENT: &str = "llmops.feedback.comment";

/// Event: the result of evaluating a GenAI output, parented to the evaluated operation's span.
pub const GEN_AI_EVALUATION_RESULT: &str = "gen_ai.evaluation.result";
/// The evaluator's name (`faithfulness`, `contains` ...).
pub const GEN_AI_EVALUATION_NAME: &str = "gen_ai.evaluation.name";
/// The score the evaluator returned.
pub const GEN_AI_EVALUATION_SCORE_VALUE: &str = "gen_ai.evaluation.score.value";
/// A low-cardinality label for the score (`pass`, `fail`, `relevant` ...).
pub const GEN_AI_EVALUATION_SCORE_LABEL: &str = "gen_ai.evaluation.score.label";
/// Why the evaluator scored so.
pub const GEN_AI_EVALUATION_EXPLANATION: &str = "gen_ai.evaluation.explanation";

/// OpenInference names (Arize Phoenix's conventions), added by the OpenInference mode.
pub mod openinference {
    /// Span kind: `LLM`, `TOOL`, `AGENT`, `CHAIN`, `RETRIEVER` ...
    pub const SPAN_KIND: &str = "openinference.span.kind";
    /// Resource attribute naming the Phoenix project.
    pub const PROJECT_NAME: &str = "openinference.project.name";
    /// Model name.
    pub const LLM_MODEL_NAME: &str = "llm.model_name";
    /// Provider (`openai`, `anthropic` ...).
    pub const LLM_PROVIDER: &str = "llm.provider";
    /// Model family/system.
    pub const LLM_SYSTEM: &str = "llm.system";
    /// Invocation parameters as JSON.
    pub const LLM_INVOCATION_PARAMETERS: &str = "llm.invocation_parameters";
    /// Prompt tokens.
    pub const LLM_TOKEN_COUNT_PROMPT: &str = "llm.token_count.prompt";
    /// Completion tokens.
    pub const LLM_TOKEN_COUNT_COMPLETION: &str = "llm.token_count.completion";
    /// Total tokens.
    pub const LLM_TOKEN_COUNT_TOTAL: &str = "llm.token_count.total";
    /// Cached prompt tokens read.
    pub const LLM_TOKEN_COUNT_PROMPT_CACHE_READ: &str = "llm.token_count.prompt_details.cache_read";
    /// Prefix of flattened input messages (`llm.input_messages.{i}.message.role` ...).
    pub const LLM_INPUT_MESSAGES: &str = "llm.input_messages";
    /// Prefix of flattened output messages.
    pub const LLM_OUTPUT_MESSAGES: &str = "llm.output_messages";
    /// The input as text or JSON.
    pub const INPUT_VALUE: &str = "input.value";
    /// Its MIME type.
    pub const INPUT_MIME_TYPE: &str = "input.mime_type";
    /// The output as text or JSON.
    pub const OUTPUT_VALUE: &str = "output.value";
    /// Its MIME type.
    pub const OUTPUT_MIME_TYPE: &str = "output.mime_type";
    /// Session (conversation) id.
    pub const SESSION_ID: &str = "session.id";
    /// End user id.
    pub const USER_ID: &str = "user.id";
    /// Tool name on TOOL spans.
    pub const TOOL_NAME: &str = "tool.name";
    /// Free metadata as JSON.
    pub const METADATA: &str = "metadata";
}

/// Deprecated names, emitted only when a legacy switch asks for them.
pub mod legacy {
    /// Replaced by `gen_ai.provider.name`.
    pub const GEN_AI_SYSTEM: &str = "gen_ai.system";
    /// Replaced by `gen_ai.usage.input_tokens`.
    pub const GEN_AI_USAGE_PROMPT_TOKENS: &str = "gen_ai.usage.prompt_tokens";
    /// Replaced by `gen_ai.usage.output_tokens`.
    pub const GEN_AI_USAGE_COMPLETION_TOKENS: &str = "gen_ai.usage.completion_tokens";
}
