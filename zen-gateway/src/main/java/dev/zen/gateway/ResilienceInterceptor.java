package dev.zen.gateway;

import dev.failsafe.Bulkhead;
import dev.failsafe.BulkheadFullException;
import dev.failsafe.ExecutionContext;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.spi.Scheduler;
import dev.zen.OperationTimeoutException;
import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.ZenExecutors;
import dev.zen.gateway.internal.TraceContext;
import dev.zen.internal.Checks;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.GatewayInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link GatewayResilience}: the call's deadline (outermost, on Zen's timer), retry
 * (Failsafe), then the bulkhead (Failsafe), then the per-attempt timeout, so an attempt's timeout
 * never counts the wait for a permit, a retry re-queues, and the deadline counts everything.
 *
 * <p>Where things run: the first attempt on the caller's thread (gateways never block it); an
 * attempt that waited for a back-off or a permit on the runtime executor; the shared timer only
 * schedules (back-off delays, timeouts, the wait for a permit) and hands the work on. Every
 * attempt runs with the caller's trace context current. Failsafe executes each call through a
 * per-call {@link Scheduler} ({@link Attempts}) that enforces this. The timeout is the
 * interceptor's own, on Zen's timer, because Failsafe's {@code Timeout} always schedules on
 * Failsafe's internal scheduler and cancels the attempt from the common fork-join pool.
 */
final class ResilienceInterceptor implements GatewayInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ResilienceInterceptor.class);
  /** The call whose attempt the current thread may start here and now, without a hop. */
  private static final ThreadLocal<@Nullable Attempts> RUNNING = new ThreadLocal<>();

  private final GatewayResilience options;
  private final Bulkhead<ChatReply> bulkhead;
  /** For calls whose retry decision needs no per-call state: completions, untracked streams. */
  private final RetryPolicy<ChatReply> forCompletions;
  private final RetryPolicy<ChatReply> forUntrackedStreams;
  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final WaitGauge waiting;

  ResilienceInterceptor(GatewayResilience options) {
    this.options = options;
    this.bulkhead = Bulkhead.<ChatReply>builder(options.maxConcurrentCalls())
        .withMaxWaitTime(options.maxWaitForPermit())
        .build();
    this.forCompletions = retryPolicy(false, null);
    this.forUntrackedStreams = retryPolicy(true, null);
    this.executor = ZenExecutors.defaultRuntime();
    this.timer = ZenExecutors.scheduler();
    this.waiting = options.tracing().waitGauge();
  }

  @Override
  public CompletableFuture<ChatReply> intercept(Call call) {
    Consumer<ChatChunk> listener = call.chunkListener();
    RetryPolicy<ChatReply> retry;
    if (listener == null) {
      retry = forCompletions;
    } else if (listener instanceof GatewayResilience.ChunkTracker tracker) {
      // The tracker is this call's own, so its retry policy is too.
      retry = retryPolicy(true, tracker);
    } else {
      retry = forUntrackedStreams;
    }
    String model = call.request().model();
    Attempts attempts = new Attempts(call, TraceContext.capture());
    CompletableFuture<ChatReply> result;
    Attempts outer = RUNNING.get();
    RUNNING.set(attempts);
    attempts.waitForSlot();
    try {
      result = Failsafe.with(retry, bulkhead).with(attempts).getStageAsync(attempts::next);
    } finally {
      RUNNING.set(outer);
    }
    // However the call ends (a permit refused, cancelled, past its deadline), it waits no more.
    result.whenComplete((reply, error) -> attempts.ended());
    return bounded(Futures.mapFailure(result, error -> translate(error, model)), attempts, model);
  }

  /**
   * {@code call}, failed with an {@link OperationTimeoutException} (and cancelled, which cancels
   * the attempt in flight or the pending retry) when it runs past the deadline.
   */
  private CompletableFuture<ChatReply> bounded(CompletableFuture<ChatReply> call, Attempts attempts, String model) {
    if (call.isDone()) {
      return call;
    }
    CompletableFuture<ChatReply> bounded = new CompletableFuture<>();
    AtomicReference<@Nullable OperationTimeoutException> expired = new AtomicReference<>();
    ScheduledFuture<?> deadline = timer.schedule(() -> attempts.handOff(() -> {
      expired.set(pastDeadline(model, attempts.count(), attempts.lastFailure()));
      call.cancel(true);
    }), options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    call.whenComplete((reply, error) -> {
      deadline.cancel(false);
      OperationTimeoutException timeout = expired.get();
      if (error == null) {
        bounded.complete(reply);
      } else {
        bounded.completeExceptionally(timeout != null ? timeout : Futures.unwrap(error));
      }
    });
    return Futures.cancelling(bounded, call);
  }

  private RetryPolicy<ChatReply> retryPolicy(boolean streaming, GatewayResilience.@Nullable ChunkTracker tracker) {
    return RetryPolicy.<ChatReply>builder()
        .handleIf((reply, error) -> error != null && retriable(error, streaming, tracker))
        .withMaxRetries(options.maxRetries())
        .withDelayFn(this::delay)
        // Failsafe calls this on the retry's own turn (RUNNING is its call), after the back-off and
        // before the bulkhead: from here the retry waits for a slot.
        .onRetry(event -> {
          Attempts retrying = RUNNING.get();
          if (retrying != null) {
            retrying.waitForSlot();
          }
        })
        .onRetryScheduled(event -> LOG.debug("retrying in {} after attempt {} failed: {}", event.getDelay(),
            event.getAttemptCount(), String.valueOf(event.getLastException())))
        .build();
  }

  private boolean retriable(Throwable raw, boolean streaming, GatewayResilience.@Nullable ChunkTracker tracker) {
    if (streaming && (tracker == null || tracker.deliveredAny())) {
      return false;
    }
    if (AnsweredFailure.isAnswered(raw)) {
      // The endpoint answered (and may have charged); the same request would get the same body.
      return false;
    }
    Throwable error = Futures.unwrap(raw);
    if (error instanceof RateLimitedException limited) {
      Duration asked = limited.retryAfter().orElse(Duration.ZERO);
      return asked.compareTo(options.maxRetryAfter()) <= 0;
    }
    return ZenException.isRetriable(error);
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
    if (error instanceof BulkheadFullException) {
      String raise = raise(SettingNames.Setting.MAX_CONCURRENT_CALLS, SettingNames.Setting.MAX_WAIT_FOR_PERMIT);
      return new ServiceUnavailableException("the call to model '" + model + "' waited "
          + Checks.describe(options.maxWaitForPermit()) + " for one of the gateway's "
          + options.maxConcurrentCalls() + " concurrent slots and got none; " + raise
          + (raise.isEmpty() ? "send fewer calls at once" : ", or send fewer calls at once"), error);
    }
    return error;
  }

  private OperationTimeoutException timedOut(String model) {
    String raise = raise(SettingNames.Setting.ATTEMPT_TIMEOUT);
    return new OperationTimeoutException("model '" + model + "' did not answer within "
        + Checks.describe(options.timeout()) + " and the call was cancelled; "
        + (raise.isEmpty() ? "" : raise + " for slow reasoning models, or ")
        + "ask for a shorter answer", options.timeout(), null);
  }

  private OperationTimeoutException pastDeadline(String model, int attempts, @Nullable Throwable lastFailure) {
    String raise = raise(SettingNames.Setting.CALL_DEADLINE);
    return new OperationTimeoutException("model '" + model + "' did not answer within the call's deadline of "
        + Checks.describe(options.deadline()) + " (" + attempts + (attempts == 1 ? " attempt" : " attempts")
        + (lastFailure == null ? "" : "; the last one failed: " + Futures.describe(lastFailure))
        + ") and the call was cancelled; " + (raise.isEmpty() ? "" : raise + " for slow reasoning models, or ")
        + "ask for a shorter answer", options.deadline(), lastFailure);
  }

  /** "raise X or Y" for the settings the reader can change, or the empty string. */
  private String raise(SettingNames.Setting... settings) {
    List<String> names = new ArrayList<>();
    for (SettingNames.Setting setting : settings) {
      options.settingNames().of(setting).ifPresent(names::add);
    }
    return names.isEmpty() ? "" : "raise " + String.join(" or ", names);
  }

  /**
   * One call's attempts, and the {@link Scheduler} Failsafe runs them through: what Failsafe
   * schedules without delay while the call is being made runs on the caller's thread; what it
   * schedules with a delay waits on the timer and then runs on the runtime executor, where the
   * attempt it leads to starts at once.
   */
  private final class Attempts implements Scheduler {
    private final Call call;
    private final TraceContext trace;
    /** Whether Failsafe scheduled the call's start yet (on the caller's thread, always first). */
    private volatile boolean started;
    private final AtomicInteger count = new AtomicInteger();
    private volatile @Nullable Throwable lastFailure;
    /** While the call waits for a slot (its first attempt, or a retry after the back-off). */
    private final AtomicReference<WaitGauge.@Nullable Waiting> waitingForSlot = new AtomicReference<>();
    private volatile boolean ended;

    Attempts(Call call, TraceContext trace) {
      this.call = call;
      this.trace = trace;
    }

    /**
     * Starts an attempt: here when this thread may ({@link #RUNNING}), else on the runtime
     * executor. The latter happens when a permit freed by another call starts this one: Failsafe
     * does that on the thread that ended the other call (an HTTP client thread, say), inside the
     * bulkhead's lock.
     */
    CompletableFuture<ChatReply> next() {
      gotSlot();
      if (RUNNING.get() == this) {
        return timed(start());
      }
      CompletableFuture<ChatReply> moved = new CompletableFuture<>();
      try {
        executor.execute(() -> {
          if (moved.isDone()) {
            return;
          }
          CompletableFuture<ChatReply> attempt = timed(start());
          attempt.whenComplete((reply, error) -> {
            if (error == null) {
              moved.complete(reply);
            } else {
              moved.completeExceptionally(Futures.unwrap(error));
            }
          });
          Futures.cancelling(moved, attempt);
        });
      } catch (RejectedExecutionException e) {
        moved.completeExceptionally(rejected(e));
      }
      return moved;
    }

    private CompletableFuture<ChatReply> start() {
      count.incrementAndGet();
      CompletableFuture<ChatReply> attempt = trace.run(() -> Futures.call(() -> call.proceed(call.request())));
      attempt.whenComplete((reply, error) -> {
        if (error != null && !attempt.isCancelled()) {
          lastFailure = Futures.unwrap(error);
        }
      });
      return attempt;
    }

    void waitForSlot() {
      if (ended || waitingForSlot.get() != null) {
        return;
      }
      WaitGauge.Waiting entered = waiting.enter(call.request().model());
      if (!waitingForSlot.compareAndSet(null, entered)) {
        entered.leave();
      } else if (ended) {
        // A retry starting as the call was cancelled: the call's end may not have seen this entry.
        gotSlot();
      }
    }

    void ended() {
      ended = true;
      gotSlot();
    }

    void gotSlot() {
      WaitGauge.Waiting left = waitingForSlot.getAndSet(null);
      if (left != null) {
        left.leave();
      }
    }

    /** The attempts started so far. */
    int count() {
      return count.get();
    }

    /** How the last attempt that ended failed, if one did. */
    @Nullable Throwable lastFailure() {
      return lastFailure;
    }

    /**
     * {@code attempt}, failed with a retriable {@link OperationTimeoutException} (and cancelled,
     * which aborts its HTTP exchange) when it runs past the timeout.
     */
    private CompletableFuture<ChatReply> timed(CompletableFuture<ChatReply> attempt) {
      if (attempt.isDone()) {
        return attempt;
      }
      CompletableFuture<ChatReply> timed = new CompletableFuture<>();
      AtomicReference<@Nullable OperationTimeoutException> expired = new AtomicReference<>();
      ScheduledFuture<?> deadline = timer.schedule(() -> handOff(() -> {
        // Cancelled first, so the attempt (and its HTTP exchange) is stopped by the time the
        // call reports the timeout; the failure Failsafe sees is the timeout, not the cancellation.
        expired.set(timedOut(call.request().model()));
        attempt.cancel(true);
      }), options.timeout().toNanos(), TimeUnit.NANOSECONDS);
      attempt.whenComplete((reply, error) -> {
        deadline.cancel(false);
        OperationTimeoutException timeout = expired.get();
        if (error == null) {
          timed.complete(reply);
        } else {
          if (timeout != null) {
            lastFailure = timeout;
          }
          timed.completeExceptionally(timeout != null ? timeout : Futures.unwrap(error));
        }
      });
      return Futures.cancelling(timed, attempt);
    }

    @Override
    public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
      Scheduled scheduled = new Scheduled(unit.toNanos(delay));
      Runnable task = () -> {
        if (scheduled.isDone()) {
          return;
        }
        Attempts outer = RUNNING.get();
        RUNNING.set(this);
        try {
          scheduled.complete(callable.call());
        } catch (Throwable e) {
          scheduled.completeExceptionally(e);
        } finally {
          RUNNING.set(outer);
        }
      };
      if (delay <= 0 && RUNNING.get() == this && !started) {
        // The call's start, while the caller makes the call: no hop. (Later work Failsafe
        // schedules without delay comes while it holds its locks: that goes to the executor.)
        started = true;
        task.run();
      } else if (delay <= 0) {
        handOff(task, callable, scheduled);
      } else {
        scheduled.timerTask = timer.schedule(() -> handOff(task, callable, scheduled), delay, unit);
      }
      return scheduled;
    }

    /**
     * Runs {@code task} on the runtime executor. Failsafe cannot hear of a rejection this late,
     * so a rejected task runs its {@code callable} here instead, where the attempt it leads to
     * fails at once because it cannot move to the executor.
     */
    private void handOff(Runnable task, Callable<?> callable, Scheduled scheduled) {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        try {
          scheduled.complete(callable.call());
        } catch (Throwable failure) {
          scheduled.completeExceptionally(failure);
        }
      }
    }

    void handOff(Runnable task) {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    }

    private ServiceUnavailableException rejected(RejectedExecutionException e) {
      return new ServiceUnavailableException("the runtime executor rejected an attempt of the call to model '"
          + call.request().model() + "' (is it shut down?)", e);
    }
  }

  /** A task scheduled for Failsafe: cancelling it cancels its timer entry, or stops it before it runs. */
  private static final class Scheduled extends CompletableFuture<Object> implements ScheduledFuture<Object> {
    private final long dueNanos;
    volatile @Nullable Future<?> timerTask;

    Scheduled(long delayNanos) {
      this.dueNanos = System.nanoTime() + delayNanos;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Future<?> task = timerTask;
      if (task != null) {
        task.cancel(false);
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
