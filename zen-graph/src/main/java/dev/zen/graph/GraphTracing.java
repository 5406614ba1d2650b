package dev.zen.graph;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether and where runs are traced. With OpenTelemetry a run gets a span ({@code zen.run})
 * parented to the caller's current context, each node call a child span ({@code zen.node}), and
 * code a node runs (including on {@link NodeContext#executor()}) sees the node span as current,
 * across every thread hop the runtime makes.
 *
 * <p>opentelemetry-api is an optional dependency: {@link #none()} and {@link #automatic()} work
 * without it on the classpath.
 */
public final class GraphTracing {
  private static final GraphTracing NONE = new GraphTracing(() -> NoopRunTracer.INSTANCE);

  private final Supplier<RunTracer> tracer;

  private GraphTracing(Supplier<RunTracer> tracer) {
    this.tracer = tracer;
  }

  /** No tracing. */
  public static GraphTracing none() {
    return NONE;
  }

  /**
   * OpenTelemetry's global instance when opentelemetry-api is on the classpath and an SDK has been
   * registered by the time a run starts; otherwise nothing. Never forces the global to no-op.
   */
  public static GraphTracing automatic() {
    return OtelPresence.AVAILABLE ? new GraphTracing(OtelRunTracer::fromGlobal) : NONE;
  }

  /** Traces with the given OpenTelemetry instance. */
  public static GraphTracing openTelemetry(OpenTelemetry openTelemetry) {
    RunTracer tracer = new OtelRunTracer(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    return new GraphTracing(() -> tracer);
  }

  RunTracer tracer() {
    return tracer.get();
  }

  static final class OtelPresence {
    static final boolean AVAILABLE = isPresent();

    private static boolean isPresent() {
      try {
        Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, GraphTracing.class.getClassLoader());
        Class.forName("io.opentelemetry.context.Context", false, GraphTracing.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
