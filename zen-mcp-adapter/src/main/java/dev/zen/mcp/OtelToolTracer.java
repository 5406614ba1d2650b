package dev.zen.mcp;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Tool-call spans and metrics through OpenTelemetry, named after the MCP semantic conventions
 * (development status): a SERVER span {@code tools/call <tool>} with {@code mcp.method.name},
 * {@code gen_ai.tool.name}, {@code gen_ai.operation.name} = {@code execute_tool},
 * {@code mcp.session.id}, {@code jsonrpc.request.id} and {@code error.type}; the histogram {@code mcp.server.operation.duration},
 * the up-down counter {@code zen.mcp.tool.calls.active}, and {@code zen.conversations.active}: the
 * conversations with a tool call on this server in the last five minutes. Only loaded when
 * opentelemetry-api is on the class path.
 */
final class OtelToolTracer implements ToolTracer {
  private static final String SCOPE = "dev.zen.mcp";
  static final String METHOD = "tools/call";
  static final AttributeKey<String> METHOD_NAME = AttributeKey.stringKey("mcp.method.name");
  static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("mcp.session.id");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
  static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Reads {@code traceparent} and {@code tracestate} from a request's {@code _meta}. */
  private static final TextMapGetter<Map<String, Object>> META = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, Object> carrier) {
      return carrier.keySet();
    }

    @Override
    public @Nullable String get(@Nullable Map<String, Object> carrier, String key) {
      Object value = carrier == null ? null : carrier.get(key);
      return value instanceof String text ? text : null;
    }
  };

  /**
   * Conversations are counted per process, not per tracer (a stdio server makes one per session),
   * and observed by one callback per OpenTelemetry instance, so sessions coming and going leave no
   * callbacks behind.
   */
  private static final RecentConversations CONVERSATIONS = RecentConversations.system();
  private static @Nullable ObservableLongUpDownCounter observed;
  private static @Nullable OpenTelemetry observedBy;

  private final @Nullable OpenTelemetry explicit;
  private volatile @Nullable Instruments instruments;

  OtelToolTracer(@Nullable OpenTelemetry openTelemetry) {
    this.explicit = openTelemetry;
  }

  private record Instruments(OpenTelemetry owner, DoubleHistogram duration, LongUpDownCounter active) {}

  private Instruments instruments(OpenTelemetry otel) {
    Instruments current = instruments;
    if (current == null || current.owner() != otel) {
      Meter meter = otel.getMeter(SCOPE);
      current = new Instruments(otel,
          meter.histogramBuilder("mcp.server.operation.duration").setUnit("s")
              .setDescription("Duration of MCP tool calls, per tool and error type").build(),
          meter.upDownCounterBuilder("zen.mcp.tool.calls.active").setUnit("{call}")
              .setDescription("Tool calls running now, per tool").build());
      observeConversations(otel, meter);
      instruments = current;
    }
    return current;
  }

  private static synchronized void observeConversations(OpenTelemetry otel, Meter meter) {
    if (observedBy == otel) {
      return;
    }
    if (observed != null) {
      // A replaced global instance stops asking for the count.
      observed.close();
    }
    observed = meter.upDownCounterBuilder("zen.conversations.active").setUnit("{conversation}")
        .setDescription("Conversations with a tool call on this server in the last "
            + RecentConversations.WINDOW.toMinutes() + " minutes")
        .buildWithCallback(measurement -> measurement.record(CONVERSATIONS.count()));
    observedBy = otel;
  }

  @Override
  public CallSpan start(String tool, @Nullable String sessionId, @Nullable String requestId,
      @Nullable Map<String, Object> meta, @Nullable String conversationId) {
    OpenTelemetry otel = explicit != null ? explicit : GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : null;
    if (otel == null) {
      // No SDK registered: the call pays one volatile read, nothing else.
      return Noop.INSTANCE;
    }
    Context parent = Context.current();
    if (meta != null && meta.get("traceparent") instanceof String) {
      parent = otel.getPropagators().getTextMapPropagator().extract(parent, meta, META);
    }
    var builder = otel.getTracer(SCOPE).spanBuilder(METHOD + " " + tool)
        .setSpanKind(SpanKind.SERVER)
        .setParent(parent)
        .setAttribute(METHOD_NAME, METHOD)
        .setAttribute(TOOL_NAME, tool)
        .setAttribute(OPERATION, "execute_tool");
    if (sessionId != null) {
      builder.setAttribute(SESSION_ID, sessionId);
    }
    if (requestId != null) {
      builder.setAttribute(REQUEST_ID, requestId);
    }
    if (conversationId != null) {
      builder.setAttribute(CONVERSATION_ID, conversationId);
    }
    Instruments instruments = instruments(otel);
    if (conversationId != null) {
      CONVERSATIONS.called(conversationId);
    }
    Attributes toolOnly = Attributes.of(TOOL_NAME, tool);
    instruments.active().add(1, toolOnly);
    Span span = builder.startSpan();
    return new OtelCallSpan(span, parent.with(span), tool, instruments, toolOnly, System.nanoTime());
  }

  private static final class OtelCallSpan implements CallSpan {
    private final Span span;
    private final Context context;
    private final String tool;
    private final Instruments instruments;
    private final Attributes toolOnly;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();

    OtelCallSpan(Span span, Context context, String tool, Instruments instruments, Attributes toolOnly,
        long startNanos) {
      this.span = span;
      this.context = context;
      this.tool = tool;
      this.instruments = instruments;
      this.toolOnly = toolOnly;
      this.startNanos = startNanos;
    }

    @Override
    public Executor propagating(Executor executor) {
      return context.wrap(executor);
    }

    @Override
    public void answered(String conversationId) {
      CONVERSATIONS.called(conversationId);
    }

    @Override
    public void end(@Nullable String errorType) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      AttributesBuilder attributes = Attributes.builder().put(METHOD_NAME, METHOD).put(TOOL_NAME, tool);
      if (errorType != null) {
        span.setAttribute(ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR);
        attributes.put(ERROR_TYPE, errorType);
      }
      // Metrics first: whoever sees the span ended may read them.
      instruments.duration().record((System.nanoTime() - startNanos) / 1e9, attributes.build());
      instruments.active().add(-1, toolOnly);
      span.end();
    }
  }
}
