package dev.zen.graph;

import dev.zen.internal.Futures;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cold, single-subscriber publisher of one run's events. Events are queued without bound (a
 * run emits a bounded number) and delivered on the runtime executor, never on the thread that
 * produced them (which may be an I/O thread), honouring the subscriber's demand.
 */
final class RunEventStream implements Flow.Publisher<RunEvent> {
  private final Function<Consumer<RunEvent>, CompletableFuture<RunResult>> starter;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  RunEventStream(Function<Consumer<RunEvent>, CompletableFuture<RunResult>> starter, Executor executor) {
    this.starter = starter;
    this.executor = executor;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super RunEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("a run's event stream has one subscriber; call stream() again to start another run"));
      return;
    }
    RunSubscription subscription = new RunSubscription(subscriber);
    subscriber.onSubscribe(subscription);
    subscription.start();
  }

  private final class RunSubscription implements Flow.Subscription {
    private final Flow.Subscriber<? super RunEvent> subscriber;
    private final Queue<RunEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger work = new AtomicInteger();
    private volatile boolean done;
    private volatile boolean cancelled;
    private volatile @Nullable Throwable error;
    private volatile @Nullable CompletableFuture<RunResult> run;

    RunSubscription(Flow.Subscriber<? super RunEvent> subscriber) {
      this.subscriber = subscriber;
    }

    void start() {
      if (cancelled) {
        return;
      }
      CompletableFuture<RunResult> started = starter.apply(event -> {
        queue.offer(event);
        signal();
      });
      run = started;
      started.whenComplete((ignored, failure) -> {
        error = failure == null ? null : Futures.unwrap(failure);
        done = true;
        signal();
      });
      if (cancelled) {
        started.cancel(true);
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        error = new IllegalArgumentException("Flow.Subscription.request needs n > 0, was " + n);
        done = true;
        cancelRun();
        queue.clear();
        signal();
        return;
      }
      requested.getAndUpdate(current -> current + n < 0 ? Long.MAX_VALUE : current + n);
      signal();
    }

    @Override
    public void cancel() {
      cancelled = true;
      cancelRun();
      queue.clear();
    }

    private void cancelRun() {
      CompletableFuture<RunResult> started = run;
      if (started != null) {
        started.cancel(true);
      }
    }

    private void signal() {
      if (work.getAndIncrement() == 0) {
        executor.execute(this::drain);
      }
    }

    private void drain() {
      int missed = 1;
      while (true) {
        long wanted = requested.get();
        long emitted = 0;
        while (emitted != wanted) {
          if (cancelled) {
            return;
          }
          boolean finished = done;
          RunEvent next = queue.poll();
          if (next == null) {
            if (finished) {
              terminate();
              return;
            }
            break;
          }
          subscriber.onNext(next);
          emitted++;
        }
        if (!cancelled && emitted == wanted && done && queue.isEmpty()) {
          terminate();
          return;
        }
        if (emitted != 0 && wanted != Long.MAX_VALUE) {
          requested.addAndGet(-emitted);
        }
        missed = work.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void terminate() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      Throwable failure = error;
      if (failure == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(failure);
      }
    }
  }
}
