package dev.zen.graph;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-node policies: a timeout for each attempt (the node's future is cancelled when it elapses,
 * and the failure is a retriable {@link dev.zen.OperationTimeoutException}) and a retry policy.
 * Defaults: no node timeout (the calls a node makes carry their own), no retry.
 */
public final class NodeOptions {
  private static final NodeOptions DEFAULTS = builder().build();

  private final @Nullable Duration timeout;
  private final RetryOptions retry;

  private NodeOptions(Builder builder) {
    this.timeout = builder.timeout;
    this.retry = builder.retry;
  }

  public static NodeOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  public RetryOptions retry() {
    return retry;
  }

  boolean isPlain() {
    return timeout == null && retry.maxAttempts() == 1;
  }

  /** Builds {@link NodeOptions}; setters validate at once. */
  public static final class Builder {
    private @Nullable Duration timeout;
    private RetryOptions retry = RetryOptions.none();

    private Builder() {}

    /** Maximum duration of each attempt (> 0). */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder retry(RetryOptions retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    public NodeOptions build() {
      return new NodeOptions(this);
    }
  }
}
