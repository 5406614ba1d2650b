package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Zen throws or completes a future with.
 *
 * <p>Catch {@link RetriableException} or {@link NonRetriableException} to decide whether to try
 * again; catch a concrete subclass to react to one failure kind. The original cause is always
 * kept.
 */
public abstract class ZenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected ZenException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed if it is made again later. */
  public abstract boolean isRetriable();
}
