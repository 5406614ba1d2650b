package dev.zen;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A provider refused the call because of a rate or quota limit (HTTP 429). */
public class RateLimitedException extends RetriableException {
  private static final long serialVersionUID = 1L;
  private final @Nullable Duration retryAfter;

  public RateLimitedException(String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** How long the provider asked us to wait (its {@code Retry-After}), when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
