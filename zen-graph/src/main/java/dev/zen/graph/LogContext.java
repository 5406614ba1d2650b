package dev.zen.graph;

import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The SLF4J MDC of the thread that started a run, made current wherever the run's work goes on
 * (its steps on the runtime executor, its nodes, the executor a node is given), as the trace
 * context is: the log lines of a run carry what its caller put in the MDC (a request id, the
 * tool, the conversation) whichever thread writes them. Threads get their own MDC back after.
 */
final class LogContext {
  private static final LogContext NONE = new LogContext(null);

  private final @Nullable Map<String, String> values;

  private LogContext(@Nullable Map<String, String> values) {
    this.values = values;
  }

  /** The calling thread's MDC now; a run started with an empty MDC propagates nothing and costs nothing. */
  static LogContext capture() {
    Map<String, String> values = MDC.getCopyOfContextMap();
    return values == null || values.isEmpty() ? NONE : new LogContext(values);
  }

  Executor propagating(Executor executor) {
    if (values == null) {
      return executor;
    }
    return task -> executor.execute(() -> {
      try (Scope ignored = makeCurrent()) {
        task.run();
      }
    });
  }

  /** Makes this context the thread's MDC until the scope is closed. */
  Scope makeCurrent() {
    Map<String, String> current = values;
    if (current == null) {
      return Scope.NOTHING;
    }
    Map<String, String> previous = MDC.getCopyOfContextMap();
    MDC.setContextMap(current);
    return () -> {
      if (previous == null || previous.isEmpty()) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    };
  }

  interface Scope extends AutoCloseable {
    Scope NOTHING = () -> {};

    @Override
    void close();
  }
}
