package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * A graph run failed. The message names the graph, the node and the thread; the cause is the
 * node's own failure (or the checkpoint store's, or the router's). Checkpoints written before the
 * failure are kept, so the thread can be inspected or resumed.
 *
 * <p>It only adds context to that failure, so it is retriable exactly when its cause is: a node
 * that failed with a {@link ServiceUnavailableException}, or a checkpoint store that was down,
 * make a run that may succeed when made again; an {@link InvalidRequestException} does not. That
 * is also why it is neither a {@link RetriableException} nor a {@link NonRetriableException}.
 */
public class GraphExecutionException extends ZenException {
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

  /** Whether the run may succeed when made again: whether its cause is retriable. */
  @Override
  public boolean isRetriable() {
    return ZenException.isRetriable(getCause());
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
