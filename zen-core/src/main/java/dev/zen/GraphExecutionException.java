package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * A graph run failed. The message names the graph, the node and the thread; the cause is the
 * node's own failure. Checkpoints written before the failure are kept, so the thread can be
 * inspected or resumed.
 */
public class GraphExecutionException extends NonRetriableException {
  private static final long serialVersionUID = 1L;
  private final String graph;
  private final @Nullable String node;
  private final String threadId;

  public GraphExecutionException(String message, String graph, @Nullable String node, String threadId,
      @Nullable Throwable cause) {
    super(message, cause);
    this.graph = graph;
    this.node = node;
    this.threadId = threadId;
  }

  /** The graph's name. */
  public String graph() {
    return graph;
  }

  /** The node that failed, or {@code null} when the failure was outside any node. */
  public @Nullable String node() {
    return node;
  }

  /** The thread the run belonged to. */
  public String threadId() {
    return threadId;
  }
}
