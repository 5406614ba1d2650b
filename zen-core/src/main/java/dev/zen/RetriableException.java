package dev.zen;

import org.jspecify.annotations.Nullable;

/** A failure that a later attempt of the same call may not have: retry policies retry these. */
public class RetriableException extends ZenException {
  private static final long serialVersionUID = 1L;

  public RetriableException(String message) {
    this(message, null);
  }

  public RetriableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }
}
