package dev.zen.gateway.internal;

import java.util.function.Supplier;

/**
 * The trace context of the thread that made a call, captured so the work the call hands to other
 * threads (an attempt after a back-off, a synchronous model call on the runtime executor) runs
 * with it current, and the spans made there have the caller's span as parent.
 *
 * <p>That context is OpenTelemetry's when opentelemetry-context is on the class path (it is an
 * optional dependency); without it, capturing and running cost nothing and carry nothing.
 */
public abstract class TraceContext {
  private static final TraceContext NONE = new TraceContext() {
    @Override
    public <T> T run(Supplier<T> work) {
      return work.get();
    }
  };

  TraceContext() {}

  /** The calling thread's trace context. */
  public static TraceContext capture() {
    return OtelPresence.AVAILABLE ? OtelTraceContext.current(NONE) : NONE;
  }

  /** Runs {@code work} on the calling thread with this context current, restoring the previous one after. */
  public abstract <T> T run(Supplier<T> work);

  /** {@code task}, run with this context current on whichever thread runs it. */
  public Runnable wrap(Runnable task) {
    return this == NONE ? task : () -> run(() -> {
      task.run();
      return null;
    });
  }

  private static final class OtelPresence {
    static final boolean AVAILABLE = isPresent();

    private static boolean isPresent() {
      try {
        Class.forName("io.opentelemetry.context.Context", false, TraceContext.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
