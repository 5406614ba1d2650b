package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Zen throws or completes a future with.
 *
 * <p>Ask {@link #isRetriable()} whether to try again. Most failures are retriable or not by their
 * kind: {@link RetriableException} (a later attempt may succeed) and {@link NonRetriableException}
 * (it cannot), whose subclasses never change their answer, so catching either is also a way to
 * decide. An exception that only reports another failure with more context, such as
 * {@link GraphExecutionException} naming the graph, node and thread a failure happened in, is
 * neither: it answers for the failure it reports, its cause. Catch a concrete subclass to react to
 * one failure kind. The original cause is always kept.
 */
public abstract class ZenException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** Deep enough for any real chain; a bound, because a cause chain may loop. */
  private static final int MAX_CAUSE_DEPTH = 64;

  protected ZenException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed if it is made again later. */
  public abstract boolean isRetriable();

  /**
   * Whether {@code failure} may not happen again on a later attempt: the answer of the first
   * {@link ZenException} in its cause chain (so future and executor wrappers around it do not
   * matter), {@code false} when there is none.
   */
  public static boolean isRetriable(@Nullable Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (current instanceof ZenException zen) {
        return zen.isRetriable();
      }
      current = current.getCause();
    }
    return false;
  }
}
