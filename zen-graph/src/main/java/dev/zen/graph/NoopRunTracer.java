package dev.zen.graph;

import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** Tracing switched off: every call is a no-op. */
enum NoopRunTracer implements RunTracer, RunTracer.TraceSpan, RunTracer.Scope {
  INSTANCE;

  @Override
  public TraceSpan startRun(String graph, String threadId, String runId) {
    return this;
  }

  @Override
  public TraceSpan startNode(TraceSpan run, String graph, String node, String threadId) {
    return this;
  }

  @Override
  public void addEvent(String name) {}

  @Override
  public void end(@Nullable Throwable error) {}

  @Override
  public Scope makeCurrent() {
    return this;
  }

  @Override
  public Executor propagating(Executor executor) {
    return executor;
  }

  @Override
  public void close() {}
}
