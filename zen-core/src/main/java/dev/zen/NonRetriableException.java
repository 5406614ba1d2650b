package dev.zen;

import org.jspecify.annotations.Nullable;

/** A failure that repeating the same call cannot fix: retry policies never retry these. */
public class NonRetriableException extends ZenException {
  private static final long serialVersionUID = 1L;

  public NonRetriableException(String message) {
    this(message, null);
  }

  public NonRetriableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isRetriable() {
    return false;
  }
}
