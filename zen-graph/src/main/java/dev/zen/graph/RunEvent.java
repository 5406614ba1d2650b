package dev.zen.graph;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened during a run, in the order it happened on its node. Delivered to
 * {@link RunConfig.Builder#listener listeners} and by {@link CompiledAgentGraph#stream}.
 */
public interface RunEvent {

  /** The run the event belongs to. */
  String runId();

  /** A node attempt began. */
  record NodeStarted(String runId, String node, int attempt) implements RunEvent {
    public NodeStarted {
      Objects.requireNonNull(node, "node");
    }
  }

  /** A node completed with this update to the state. */
  record NodeFinished(String runId, String node, Map<String, @Nullable Object> update, Duration duration)
      implements RunEvent {
    public NodeFinished {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(update, "update");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /** A node attempt failed; {@code willRetry} says whether its retry policy calls it again. */
  record NodeFailed(String runId, String node, int attempt, Throwable error, boolean willRetry) implements RunEvent {
    public NodeFailed {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(error, "error");
    }
  }

  /** A payload a node emitted with {@link NodeContext#emit} (tokens, progress, ...). */
  record Custom(String runId, String node, Object payload) implements RunEvent {
    public Custom {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /** The run ended (or paused at an interrupt); always the last event of a successful run. */
  record RunCompleted(String runId, RunResult result) implements RunEvent {
    public RunCompleted {
      Objects.requireNonNull(result, "result");
    }
  }
}
