package dev.zen.graph;

import dev.zen.ZenException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * When and how often a failed node is called again: exponential back-off with jitter, only for
 * failures {@link Builder#retryOn the predicate} accepts (default: failures that
 * {@linkplain ZenException#isRetriable(Throwable) are retriable}: {@link dev.zen.RetriableException}s
 * including node timeouts, and a failed sub-graph run whose own cause is retriable).
 */
public final class RetryOptions {
  private static final RetryOptions NONE = builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double jitterFactor;
  private final Predicate<Throwable> retryOn;

  private RetryOptions(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialDelay = builder.initialDelay;
    this.maxDelay = builder.maxDelay;
    this.jitterFactor = builder.jitterFactor;
    this.retryOn = builder.retryOn;
  }

  /** No retries: one attempt. */
  public static RetryOptions none() {
    return NONE;
  }

  /**
   * Defaults: 3 attempts, 200 ms initial delay doubling up to 10 s, ±25 % jitter, retry what
   * {@link ZenException#isRetriable(Throwable)} says is retriable.
   */
  public static Builder builder() {
    return new Builder();
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialDelay() {
    return initialDelay;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public double jitterFactor() {
    return jitterFactor;
  }

  public Predicate<Throwable> retryOn() {
    return retryOn;
  }

  /** Builds {@link RetryOptions}; setters validate at once. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialDelay = Duration.ofMillis(200);
    private Duration maxDelay = Duration.ofSeconds(10);
    private double jitterFactor = 0.25;
    private Predicate<Throwable> retryOn = ZenException::isRetriable;

    private Builder() {}

    /** Total attempts including the first (>= 1). */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Delay before the first retry (> 0); doubles for each further retry up to maxDelay. */
    public Builder backoff(Duration initialDelay, Duration maxDelay) {
      Objects.requireNonNull(initialDelay, "initialDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (initialDelay.isNegative() || initialDelay.isZero()) {
        throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
      }
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than initialDelay " + initialDelay);
      }
      this.initialDelay = initialDelay;
      this.maxDelay = maxDelay;
      return this;
    }

    /** Random spread of each delay, as a fraction in [0, 1). */
    public Builder jitterFactor(double jitterFactor) {
      if (!(jitterFactor >= 0 && jitterFactor < 1)) {
        throw new IllegalArgumentException("jitterFactor must be within [0, 1), was " + jitterFactor);
      }
      this.jitterFactor = jitterFactor;
      return this;
    }

    /** Which failures are retried (it receives the node's failure, unwrapped). */
    public Builder retryOn(Predicate<Throwable> retryOn) {
      this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
      return this;
    }

    public RetryOptions build() {
      return new RetryOptions(this);
    }
  }
}
