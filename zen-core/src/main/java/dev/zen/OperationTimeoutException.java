package dev.zen;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A call did not finish within its timeout; what it was doing has been cancelled. */
public class OperationTimeoutException extends RetriableException {
  private static final long serialVersionUID = 1L;
  private final Duration timeout;

  public OperationTimeoutException(String message, Duration timeout, @Nullable Throwable cause) {
    super(message, cause);
    this.timeout = timeout;
  }

  /** The timeout that elapsed. */
  public Duration timeout() {
    return timeout;
  }
}
