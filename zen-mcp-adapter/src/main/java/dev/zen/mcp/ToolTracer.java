package dev.zen.mcp;

import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The tool bridge's view of tracing: one span per {@code tools/call}, and the tool-call metrics.
 * Keeps OpenTelemetry types out of {@link ToolBridge}, so the adapter runs without
 * opentelemetry-api on the class path.
 */
interface ToolTracer {

  /**
   * Starts a call's span: a child of the trace context in the request's {@code _meta}
   * ({@code traceparent}, {@code tracestate}) when it has one, of the caller's current context
   * otherwise.
   */
  CallSpan start(String tool, @Nullable String sessionId, @Nullable String requestId,
      @Nullable Map<String, Object> meta, @Nullable String conversationId);

  /** The tracer for this class path: OpenTelemetry's global instance, looked up per call, when present. */
  static ToolTracer automatic() {
    return OtelPresence.AVAILABLE ? new OtelToolTracer(null) : Noop.INSTANCE;
  }

  /** A call's span; {@link #end} is idempotent (a call can be cancelled and finished). */
  interface CallSpan {
    /** Runs tasks with this span current, so the agent's run span becomes its child. */
    Executor propagating(Executor executor);

    /** The call answered in conversation {@code conversationId} (a new one, or the one it continued). */
    void answered(String conversationId);

    /** Ends the span; {@code errorType} is {@code error.type} (none when the call succeeded). */
    void end(@Nullable String errorType);
  }

  /** No spans, no metrics. */
  enum Noop implements ToolTracer, CallSpan {
    INSTANCE;

    @Override
    public CallSpan start(String tool, @Nullable String sessionId, @Nullable String requestId,
        @Nullable Map<String, Object> meta, @Nullable String conversationId) {
      return this;
    }

    @Override
    public Executor propagating(Executor executor) {
      return executor;
    }

    @Override
    public void answered(String conversationId) {}

    @Override
    public void end(@Nullable String errorType) {}
  }

  /** Whether opentelemetry-api is on the class path; checked once, without loading it. */
  final class OtelPresence {
    static final boolean AVAILABLE = isPresent();

    private OtelPresence() {}

    private static boolean isPresent() {
      try {
        Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, ToolTracer.class.getClassLoader());
        Class.forName("io.opentelemetry.context.Context", false, ToolTracer.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
