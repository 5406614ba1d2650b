package dev.zen.gateway;

import dev.zen.internal.Checks;
import dev.zen.internal.Futures;
import dev.failsafe.Bulkhead;
import dev.failsafe.BulkheadFullException;
import dev.failsafe.ExecutionContext;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.zen.OperationTimeoutException;
import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.ZenExecutors;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.GatewayInterceptor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link GatewayResilience} with Failsafe: retry (outermost), then the bulkhead, then the
 * per-attempt timeout, so a timeout never counts the wait for a permit and a retry re-queues.
 */
final class ResilienceInterceptor implements GatewayInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ResilienceInterceptor.class);

  private final GatewayResilience options;
  private final Bulkhead<ChatReply> bulkhead;
  private final Timeout<ChatReply> timeout;
  /** For calls whose retry decision needs no per-call state: completions, untracked streams. */
  private final FailsafeExecutor<ChatReply> forCompletions;
  private final FailsafeExecutor<ChatReply> forUntrackedStreams;

  ResilienceInterceptor(GatewayResilience options) {
    this.options = options;
    this.bulkhead = Bulkhead.<ChatReply>builder(options.maxConcurrentCalls())
        .withMaxWaitTime(options.maxWaitForPermit())
        .build();
    this.timeout = Timeout.<ChatReply>of(options.timeout());
    this.forCompletions = executor(retryPolicy(false, null));
    this.forUntrackedStreams = executor(retryPolicy(true, null));
  }

  @Override
  public CompletableFuture<ChatReply> intercept(Call call) {
    Consumer<ChatChunk> listener = call.chunkListener();
    FailsafeExecutor<ChatReply> failsafe;
    if (listener == null) {
      failsafe = forCompletions;
    } else if (listener instanceof GatewayResilience.ChunkTracker tracker) {
      // The tracker is this call's own, so its retry policy is too.
      failsafe = executor(retryPolicy(true, tracker));
    } else {
      failsafe = forUntrackedStreams;
    }
    String model = call.request().model();
    CompletableFuture<ChatReply> attempts = failsafe.getStageAsync(() -> call.proceed(call.request()));
    return Futures.mapFailure(attempts, error -> translate(error, model));
  }

  private FailsafeExecutor<ChatReply> executor(RetryPolicy<ChatReply> retry) {
    return Failsafe.with(retry, bulkhead, timeout).with(ZenExecutors.scheduler());
  }

  private RetryPolicy<ChatReply> retryPolicy(boolean streaming, GatewayResilience.@Nullable ChunkTracker tracker) {
    return RetryPolicy.<ChatReply>builder()
        .handleIf((reply, error) -> error != null && retriable(error, streaming, tracker))
        .withMaxRetries(options.maxRetries())
        .withDelayFn(this::delay)
        .onRetryScheduled(event -> LOG.debug("retrying in {} after attempt {} failed: {}", event.getDelay(),
            event.getAttemptCount(), String.valueOf(event.getLastException())))
        .build();
  }

  private boolean retriable(Throwable raw, boolean streaming, GatewayResilience.@Nullable ChunkTracker tracker) {
    if (streaming && (tracker == null || tracker.deliveredAny())) {
      return false;
    }
    Throwable error = Futures.unwrap(raw);
    if (error instanceof TimeoutExceededException) {
      return true;
    }
    if (error instanceof RateLimitedException limited) {
      Duration asked = limited.retryAfter().orElse(Duration.ZERO);
      return asked.compareTo(options.maxRetryAfter()) <= 0;
    }
    return error instanceof ZenException zen && zen.isRetriable();
  }

  /** Exponential backoff with jitter, but never sooner than a rate limit's {@code Retry-After}. */
  private Duration delay(ExecutionContext<ChatReply> context) {
    int attempt = Math.max(1, context.getAttemptCount());
    long initial = options.initialBackoff().toNanos();
    long max = options.maxBackoff().toNanos();
    long base = attempt > 62 ? max : Math.min(max, initial << Math.min(attempt - 1, 30));
    if (base < 0) {
      base = max;
    }
    double random = ThreadLocalRandom.current().nextDouble();
    long jittered = (long) (base * (1 + options.jitter() * (2 * random - 1)));
    Throwable last = context.getLastException() == null ? null : Futures.unwrap(context.getLastException());
    if (last instanceof RateLimitedException limited && limited.retryAfter().isPresent()) {
      long asked = limited.retryAfter().get().toNanos();
      // At least what was asked; the random extra keeps callers told the same instant apart.
      return Duration.ofNanos(asked + (long) (random * options.jitter() * base));
    }
    return Duration.ofNanos(Math.max(0, jittered));
  }

  private Throwable translate(Throwable error, String model) {
    if (error instanceof TimeoutExceededException) {
      return new OperationTimeoutException("model '" + model + "' did not answer within "
          + Checks.describe(options.timeout()) + " and the call was cancelled; raise "
          + "GatewayResilience.timeout for slow reasoning models, or ask for a shorter answer", options.timeout(),
          error);
    }
    if (error instanceof BulkheadFullException) {
      return new ServiceUnavailableException("the call to model '" + model + "' waited "
          + Checks.describe(options.maxWaitForPermit()) + " for one of the gateway's "
          + options.maxConcurrentCalls() + " concurrent slots and got none; raise maxConcurrentCalls or "
          + "maxWaitForPermit, or send fewer calls at once", error);
    }
    return error;
  }
}
