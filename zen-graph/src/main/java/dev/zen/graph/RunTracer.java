package dev.zen.graph;

import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** The runtime's view of a tracing backend; keeps OpenTelemetry types out of the runtime. */
interface RunTracer {

  /** A run span, parented to the caller's current context. */
  TraceSpan startRun(String graph, String threadId, String runId);

  /** A node span, child of {@code run}. */
  TraceSpan startNode(TraceSpan run, String graph, String node, String threadId);

  /** A span as returned by the tracer. */
  interface TraceSpan {
    void addEvent(String name);

    void end(@Nullable Throwable error);

    /** Makes this span current on the calling thread until the returned scope closes. */
    Scope makeCurrent();

    /** Runs tasks with this span current. */
    Executor propagating(Executor executor);
  }

  /** A {@code try}-with-resources scope that does not throw. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
