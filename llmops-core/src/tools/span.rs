//! The spans of the tool loop: `invoke_agent` around a run, `execute_tool {name}` around each
//! tool execution (OpenTelemetry GenAI conventions; names from [`semconv`](crate::semconv)).

use tracing::field::Empty;

use crate::semconv;

/// The span of one loop run (kind internal); model turns and tool executions are its
/// children.
pub(super) fn agent_span() -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "invoke_agent",
        otel.name = semconv::operation::INVOKE_AGENT,
        otel.kind = "internal",
        gen_ai.operation.name = semconv::operation::INVOKE_AGENT,
    )
}

/// The span of one tool execution: `execute_tool {name}`, kind internal, with the tool's name,
/// call id, type and description; `error.type` is recorded on failure.
pub(super) fn execute_tool_span(name: &str, call_id: &str, description: &str) -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "execute_tool",
        otel.name = %format_args!("{} {name}", semconv::operation::EXECUTE_TOOL),
        otel.kind = "internal",
        gen_ai.operation.name = semconv::operation::EXECUTE_TOOL,
        gen_ai.tool.name = name,
        gen_ai.tool.call.id = call_id,
        gen_ai.tool.type = semconv::tool_type::FUNCTION,
        gen_ai.tool.description = description,
        error.type = Empty,
    )
}

/// Records why an execution failed.
pub(super) fn record_error(span: &tracing::Span, class: &str) {
    if !span.is_disabled() {
        span.record(semconv::ERROR_TYPE, class);
    }
}
