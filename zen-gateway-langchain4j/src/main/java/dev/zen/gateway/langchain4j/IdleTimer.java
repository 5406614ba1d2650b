package dev.zen.gateway.langchain4j;

import dev.zen.ZenExecutors;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Fires when nothing arrived for the idle timeout. {@link #touch()} is called for every piece of
 * the body, so it only records the time; the check runs on Zen's shared timer, at most once per
 * timeout, and hands the firing on to the runtime executor (the timer only measures).
 */
final class IdleTimer {
  private final Duration timeout;
  private final long timeoutNanos;
  private final Runnable onIdle;
  private final ScheduledExecutorService timer = ZenExecutors.scheduler();
  private final Executor executor = ZenExecutors.defaultRuntime();
  private volatile long last = System.nanoTime();
  private volatile boolean stopped;
  private volatile @Nullable ScheduledFuture<?> next;

  IdleTimer(Duration timeout, Runnable onIdle) {
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.onIdle = onIdle;
  }

  Duration timeout() {
    return timeout;
  }

  /** Starts timing from now. */
  IdleTimer start() {
    last = System.nanoTime();
    schedule(timeoutNanos);
    return this;
  }

  /** Something arrived. */
  void touch() {
    last = System.nanoTime();
  }

  /** The answer ended or was abandoned: the timer never fires. */
  void stop() {
    stopped = true;
    ScheduledFuture<?> pending = next;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void schedule(long delayNanos) {
    if (!stopped) {
      next = timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    if (stopped) {
      return;
    }
    long quiet = System.nanoTime() - last;
    if (quiet < timeoutNanos) {
      schedule(timeoutNanos - quiet);
      return;
    }
    stopped = true;
    try {
      executor.execute(onIdle);
    } catch (RejectedExecutionException e) {
      onIdle.run();
    }
  }
}
