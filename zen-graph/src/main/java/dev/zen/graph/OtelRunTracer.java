package dev.zen.graph;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** Spans through OpenTelemetry; only loaded when opentelemetry-api is on the classpath. */
final class OtelRunTracer implements RunTracer {
  private static final String INSTRUMENTATION = "dev.zen.graph";
  private static final AttributeKey<String> GRAPH = AttributeKey.stringKey("zen.graph");
  private static final AttributeKey<String> THREAD = AttributeKey.stringKey("zen.thread_id");
  private static final AttributeKey<String> RUN = AttributeKey.stringKey("zen.run_id");
  private static final AttributeKey<String> NODE = AttributeKey.stringKey("zen.node");

  private final Tracer tracer;

  OtelRunTracer(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
  }

  /** The global SDK if one was registered; a no-op tracer otherwise, without pinning the global. */
  static RunTracer fromGlobal() {
    return GlobalOpenTelemetry.isSet() ? new OtelRunTracer(GlobalOpenTelemetry.get()) : NoopRunTracer.INSTANCE;
  }

  @Override
  public TraceSpan startRun(String graph, String threadId, String runId) {
    Span span = tracer.spanBuilder("zen.run " + graph)
        .setParent(Context.current())
        .setAttribute(GRAPH, graph)
        .setAttribute(THREAD, threadId)
        .setAttribute(RUN, runId)
        .startSpan();
    return new OtelSpan(span, Context.current().with(span));
  }

  @Override
  public TraceSpan startNode(TraceSpan run, String graph, String node, String threadId) {
    Context parent = run instanceof OtelSpan otel ? otel.context : Context.current();
    Span span = tracer.spanBuilder("zen.node " + node)
        .setParent(parent)
        .setAttribute(GRAPH, graph)
        .setAttribute(NODE, node)
        .setAttribute(THREAD, threadId)
        .startSpan();
    return new OtelSpan(span, parent.with(span));
  }

  private static final class OtelSpan implements TraceSpan {
    private final Span span;
    private final Context context;

    OtelSpan(Span span, Context context) {
      this.span = span;
      this.context = context;
    }

    @Override
    public void addEvent(String name) {
      span.addEvent(name);
    }

    @Override
    public void end(@Nullable Throwable error) {
      if (error != null) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      }
      span.end();
    }

    @Override
    public Scope makeCurrent() {
      io.opentelemetry.context.Scope scope = context.makeCurrent();
      return scope::close;
    }

    @Override
    public Executor propagating(Executor executor) {
      return context.wrap(executor);
    }
  }
}
