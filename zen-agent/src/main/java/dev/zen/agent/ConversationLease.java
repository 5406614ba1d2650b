package dev.zen.agent;

import dev.zen.OperationTimeoutException;
import dev.zen.ZenExecutors;
import dev.zen.internal.Futures;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's hold on its conversation thread, across every agent that shares the checkpoint store
 * ({@link CheckpointStore#lease}): taken before the call reads the conversation, renewed every
 * third of its TTL while the call runs (an expert model call can take minutes), released once the
 * call's turns are written. Nothing here waits on a thread: waiting for a busy conversation and the
 * renewals are delayed tasks on Zen's scheduler, run on the agent's executor.
 *
 * <p>If the process holding a lease dies, nobody releases it and nobody renews it: it expires
 * after its TTL and the next call proceeds. If a holder stalls past its TTL while alive, its write
 * is fenced ({@link CheckpointStore#putIfLeased}) and {@link ConversationWrite} takes the lease again
 * before it writes.
 */
final class ConversationLease {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationLease.class);
  private static final long FIRST_POLL_MILLIS = 20;
  private static final long MAX_POLL_MILLIS = 500;
  private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

  private final CheckpointStore store;
  private final String threadId;
  private final String holder;
  private final Duration ttl;
  private final Executor executor;
  private volatile boolean released;
  /** Set when a renewal found the lease taken by someone else after it expired. */
  private volatile boolean lost;

  private ConversationLease(CheckpointStore store, String threadId, String holder, Duration ttl, Executor executor) {
    this.store = store;
    this.threadId = threadId;
    this.holder = holder;
    this.ttl = ttl;
    this.executor = executor;
  }

  /**
   * Takes the thread's lease for the call, waiting while another call holds it (reporting that as
   * progress) for at most {@code maxWait}; then keeps it renewed until {@link #release()}. Fails with
   * the store's error when the store cannot be reached, with {@link OperationTimeoutException} when
   * the conversation stayed busy, with {@link CancellationException} once {@code cancelled} says so.
   */
  static CompletableFuture<ConversationLease> take(CheckpointStore store, Call call, Duration ttl, Duration maxWait,
      Executor executor, BooleanSupplier cancelled) {
    ConversationLease lease = new ConversationLease(store, call.threadId, call.id, ttl, executor);
    CompletableFuture<ConversationLease> taken = new CompletableFuture<>();
    long now = System.nanoTime();
    lease.poll(taken, now + maxWait.toNanos(), maxWait, FIRST_POLL_MILLIS, now, call.progress, cancelled);
    return taken.thenApply(held -> {
      held.scheduleRenewal();
      return held;
    });
  }

  /**
   * Takes the lease again after it was lost, waiting like {@link #take}; renewals resume. Completes
   * with nothing; fails like {@link #take}.
   */
  CompletableFuture<Void> retake(Duration maxWait, Progress progress) {
    CompletableFuture<ConversationLease> taken = new CompletableFuture<>();
    long now = System.nanoTime();
    boolean wasLost = lost;
    poll(taken, now + maxWait.toNanos(), maxWait, FIRST_POLL_MILLIS, now, progress, () -> released);
    return taken.thenAccept(held -> {
      lost = false;
      if (wasLost) {
        scheduleRenewal();
      }
    });
  }

  /** Renews the lease now: whether the holder still has it. */
  CompletableFuture<Boolean> renewNow() {
    return Futures.call(() -> store.lease(threadId, holder, ttl).toCompletableFuture());
  }

  /** Stops the renewals and gives the lease up; never fails (an unreleased lease expires anyway). */
  CompletableFuture<Void> release() {
    released = true;
    return Futures.call(() -> store.releaseLease(threadId, holder).toCompletableFuture()).handle((done, failure) -> {
      if (failure != null) {
        LOG.debug("could not release the lease of conversation {}; it expires within {}", threadId, ttl, failure);
      }
      return null;
    });
  }

  private void poll(CompletableFuture<ConversationLease> taken, long deadline, Duration maxWait, long delayMillis,
      long lastProgress, Progress progress, BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      taken.completeExceptionally(new CancellationException("the call was cancelled while waiting for its conversation"));
      return;
    }
    Futures.call(() -> store.lease(threadId, holder, ttl).toCompletableFuture()).whenComplete((granted, failure) -> {
      if (failure != null) {
        taken.completeExceptionally(Futures.unwrap(failure));
        return;
      }
      if (granted) {
        taken.complete(this);
        return;
      }
      long now = System.nanoTime();
      if (now - deadline > 0) {
        taken.completeExceptionally(new OperationTimeoutException("continuation_id '" + threadId + "' is busy: another "
            + "call on this conversation (on this server or another one sharing its store) has kept it for more than "
            + Prompts.human(maxWait) + ". Call the tool again when that call has finished.", maxWait, null));
        return;
      }
      long reported = lastProgress;
      if (delayMillis == FIRST_POLL_MILLIS || now - lastProgress > PROGRESS_EVERY_NANOS) {
        progress.report("waiting for another call on this conversation to finish");
        reported = now;
      }
      long next = Math.min(MAX_POLL_MILLIS, delayMillis * 2);
      long since = reported;
      later(delayMillis, () -> poll(taken, deadline, maxWait, next, since, progress, cancelled));
    });
  }

  private void scheduleRenewal() {
    later(Math.max(1, ttl.toMillis() / 3), this::renew);
  }

  private void renew() {
    if (released || lost) {
      return;
    }
    renewNow().whenComplete((held, failure) -> {
      if (released) {
        return;
      }
      if (failure != null) {
        // The store may be back before the lease runs out; the write is fenced either way.
        LOG.debug("could not renew the lease of conversation {}: {}", threadId, failure.toString());
      } else if (!held) {
        lost = true;
        LOG.debug("the lease of conversation {} expired and another call took it", threadId);
        return;
      }
      scheduleRenewal();
    });
  }

  private void later(long delayMillis, Runnable task) {
    ZenExecutors.scheduler().schedule(() -> {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        // The agent's executor is shut down: nothing more will run for this call.
        LOG.debug("conversation lease task for {} dropped: executor shut down", threadId);
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }
}
