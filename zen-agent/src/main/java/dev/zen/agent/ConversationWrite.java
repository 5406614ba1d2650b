package dev.zen.agent;

import dev.zen.RetriableException;
import dev.zen.ZenException;
import dev.zen.ZenExecutors;
import dev.zen.internal.Futures;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's write of its conversation thread: the checkpoint its run ended with, written once the
 * answer is known and before the call answers (and releases its lease).
 *
 * <p>The rules, so that no turn is lost or stored twice and no model call is paid twice:
 * <ul>
 *   <li>A continued call writes with {@link CheckpointStore#putIfLeased}: only while it still holds
 *       its conversation's lease. A call whose lease was taken over (it stalled past the lease's
 *       TTL) takes the lease again, reads the thread afresh and re-applies its own turns and tool
 *       state onto what it finds ({@link #rebase}); the model is not called again.
 *   <li>A write whose outcome is unknown (it timed out, the connection dropped) is reconciled by
 *       reading the thread: the turns carry the call's id ({@link ConversationState#CALL}), so the
 *       read shows whether the write landed. A read on the store's connection is answered after the
 *       write before it, so once a read answers, a write that has not landed never will; the call
 *       then writes again onto that read. Only when no read answers within the budget does the
 *       outcome stay unknown, and the answer says so.
 *   <li>A write that definitely failed (out of memory, a damaged key, too large) is not retried
 *       forever: the answer goes back with a warning that it was not saved.
 * </ul>
 */
final class ConversationWrite {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationWrite.class);
  /** Writes of one checkpoint before giving up on saving it. */
  static final int MAX_WRITES = 3;
  /** Reads that may fail while reconciling an unknown outcome before it stays unknown. */
  static final int MAX_VERIFY_READS = 5;
  private static final long FIRST_BACKOFF_MILLIS = 100;

  /** What became of the call's turns. */
  enum Status {
    /** Nothing to write (the call stored no turn), or written. */
    SAVED,
    /** Definitely not written. */
    NOT_SAVED,
    /** Neither confirmed nor ruled out: the store did not answer. */
    UNCONFIRMED
  }

  /** The outcome, with the failure behind anything but {@link Status#SAVED}. */
  record Outcome(Status status, @Nullable Throwable failure, boolean rebased) {
    static final Outcome NOTHING = new Outcome(Status.SAVED, null, false);
  }

  private final Call call;
  private final CheckpointStore store;
  private final @Nullable ConversationLease lease;
  private final Duration maxLeaseWait;
  private final Executor executor;
  private volatile boolean baseRead;
  private volatile @Nullable Checkpoint base;
  private volatile @Nullable Checkpoint captured;
  private volatile boolean rebased;

  /**
   * @param lease the call's lease on its thread, or null for a new thread no other call can know of
   *     yet (then writes are plain puts)
   */
  ConversationWrite(Call call, CheckpointStore store, @Nullable ConversationLease lease, Duration maxLeaseWait,
      Executor executor) {
    this.call = call;
    this.store = store;
    this.lease = lease;
    this.maxLeaseWait = maxLeaseWait;
    this.executor = executor;
  }

  String threadId() {
    return call.threadId;
  }

  @Nullable ConversationLease lease() {
    return lease;
  }

  /** The thread as the run read it when it started: what the call's turns were computed on. */
  void read(@Nullable Checkpoint found) {
    if (!baseRead) {
      base = found;
      baseRead = true;
    }
  }

  /** The checkpoint the run ended with, to write in {@link #save()}. */
  void capture(Checkpoint checkpoint) {
    captured = checkpoint;
  }

  /** Writes what the run captured, by the rules above; never fails. */
  CompletableFuture<Outcome> save() {
    Checkpoint checkpoint = captured;
    if (checkpoint == null) {
      return CompletableFuture.completedFuture(Outcome.NOTHING);
    }
    return write(checkpoint, 1).exceptionally(failure -> {
      // A bug in the rules above must not swallow the answer: report it as not confirmed.
      LOG.warn("saving conversation {} failed unexpectedly", call.threadId, failure);
      return new Outcome(Status.UNCONFIRMED, Futures.unwrap(failure), rebased);
    });
  }

  private CompletableFuture<Outcome> write(Checkpoint checkpoint, int attempt) {
    CompletableFuture<Boolean> writing = Futures.call(() -> lease == null
        ? store.put(checkpoint).thenApply(done -> true).toCompletableFuture()
        : store.putIfLeased(checkpoint, call.id).toCompletableFuture());
    return writing.handle((written, failure) -> {
      if (failure == null && written) {
        return CompletableFuture.completedFuture(new Outcome(Status.SAVED, null, rebased));
      }
      if (failure == null) {
        LOG.debug("conversation {}: lease lost before the write; taking it again and re-applying the call's turns",
            call.threadId);
        RetriableException lost = new RetriableException("another call on this conversation took it over "
            + attempt + (attempt == 1 ? " time" : " times") + " while this one was saving");
        return leaseThen(() -> readThen(fresh -> retry(checkpoint, fresh, attempt, lost), null, 1));
      }
      Throwable cause = Futures.unwrap(failure);
      if (!ZenException.isRetriable(cause) || cause instanceof CancellationException) {
        // The store refused the write as such (damaged keys, too large, no permission): nothing landed.
        return CompletableFuture.completedFuture(new Outcome(Status.NOT_SAVED, cause, rebased));
      }
      LOG.debug("conversation {}: write attempt {} failed ({}); reading the thread to see whether it landed",
          call.threadId, attempt, cause.toString());
      return readThen(fresh -> retry(checkpoint, fresh, attempt, cause), cause, 1);
    }).thenCompose(next -> next);
  }

  /** After a read that answered: done if the call's turns are there, else write again onto it. */
  private CompletableFuture<Outcome> retry(Checkpoint checkpoint, @Nullable Checkpoint fresh, int attempt,
      @Nullable Throwable failure) {
    if (holdsCallTurns(fresh)) {
      return CompletableFuture.completedFuture(new Outcome(Status.SAVED, null, rebased));
    }
    if (attempt >= MAX_WRITES) {
      return CompletableFuture.completedFuture(new Outcome(Status.NOT_SAVED, failure, rebased));
    }
    Checkpoint next = rebase(checkpoint, fresh);
    return later(backoff(attempt)).thenCompose(ready -> leaseThen(() -> write(next, attempt + 1)));
  }

  /** Runs {@code then} while the call holds its lease: renews it, or takes it again when it was lost. */
  private CompletableFuture<Outcome> leaseThen(Supplier<CompletableFuture<Outcome>> then) {
    ConversationLease held = lease;
    if (held == null) {
      return then.get();
    }
    return held.renewNow().handle((kept, failure) -> {
      if (failure != null) {
        // The write that follows is fenced: if the lease is gone, it says so and we come back here.
        return then.get();
      }
      if (kept) {
        return then.get();
      }
      return held.retake(maxLeaseWait, call.progress).handle((taken, refused) -> refused != null
          ? CompletableFuture.completedFuture(new Outcome(Status.NOT_SAVED, Futures.unwrap(refused), rebased))
          : then.get()).thenCompose(next -> next);
    }).thenCompose(next -> next);
  }

  /**
   * Reads the thread's latest checkpoint and hands it to {@code then}; retries a failed read with
   * back-off, and when no read answers gives up with {@link Status#UNCONFIRMED} (if a write may have
   * landed) or {@link Status#NOT_SAVED}.
   */
  private CompletableFuture<Outcome> readThen(Function<@Nullable Checkpoint, CompletableFuture<Outcome>> then,
      @Nullable Throwable writeFailure, int read) {
    return Futures.call(() -> store.latest(call.threadId).toCompletableFuture()).handle((found, failure) -> {
      if (failure == null) {
        return then.apply(found.orElse(null));
      }
      Throwable cause = Futures.unwrap(failure);
      if (read >= MAX_VERIFY_READS || !ZenException.isRetriable(cause)) {
        Throwable reported = writeFailure != null ? writeFailure : cause;
        return CompletableFuture.completedFuture(new Outcome(writeFailure != null ? Status.UNCONFIRMED : Status.NOT_SAVED,
            reported, rebased));
      }
      return later(backoff(read)).thenCompose(ready -> readThen(then, writeFailure, read + 1));
    }).thenCompose(next -> next);
  }

  private boolean holdsCallTurns(@Nullable Checkpoint fresh) {
    if (fresh == null) {
      return false;
    }
    for (Object turn : list(fresh.state().get(ConversationState.TURNS))) {
      if (turn instanceof Map<?, ?> map && call.id.equals(map.get(ConversationState.CALL))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code ours} re-applied onto {@code fresh}: the thread's turns as they are now, then this call's
   * own (those carrying its id); the thread's meta moved on by this call (its time, its tool, its
   * usage added to the running totals); the thread's tool states, with the entries this call
   * changed.
   */
  Checkpoint rebase(Checkpoint ours, @Nullable Checkpoint fresh) {
    rebased = true;
    Map<String, @Nullable Object> now = fresh == null ? Map.of() : fresh.state();
    Map<String, @Nullable Object> state = new LinkedHashMap<>(ours.state());
    List<@Nullable Object> turns = new ArrayList<>(list(now.get(ConversationState.TURNS)));
    for (Object turn : list(ours.state().get(ConversationState.TURNS))) {
      if (turn instanceof Map<?, ?> map && call.id.equals(map.get(ConversationState.CALL))) {
        turns.add(turn);
      }
    }
    state.put(ConversationState.TURNS, turns);
    Object ourMeta = ours.state().get(ConversationState.META);
    if (ourMeta != null) {
      // The thread's meta as it is now (its start, its running usage totals), moved on by this call.
      Conversation current = ConversationState.read(call.threadId, true, null, now.get(ConversationState.META));
      Instant at = ConversationState.read(call.threadId, true, null, ourMeta).updatedAt().orElse(ours.createdAt());
      String owner = ConversationState.owner(now.get(ConversationState.META));
      state.put(ConversationState.META, ConversationState.meta(current, call.tool.name(), at, call.usage.snapshot(),
          owner != null ? owner : call.principal));
    }
    Checkpoint before = base;
    Map<?, ?> baseTools = before != null && before.state().get(AgentFlow.TOOL_STATE) instanceof Map<?, ?> m ? m : Map.of();
    Map<Object, Object> tools = new LinkedHashMap<>(now.get(AgentFlow.TOOL_STATE) instanceof Map<?, ?> m ? m : Map.of());
    if (ours.state().get(AgentFlow.TOOL_STATE) instanceof Map<?, ?> mine) {
      mine.forEach((tool, value) -> {
        if (!Objects.equals(value, baseTools.get(tool))) {
          tools.put(tool, value);
        }
      });
    }
    state.put(AgentFlow.TOOL_STATE, tools);
    return new Checkpoint(ours.threadId(), ours.id(), ours.nodeId(), ours.nextNodeId(), state, ours.createdAt());
  }

  private static List<?> list(@Nullable Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  private static long backoff(int attempt) {
    return FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 4);
  }

  private CompletableFuture<Void> later(long delayMillis) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    ZenExecutors.scheduler().schedule(() -> {
      try {
        executor.execute(() -> ready.complete(null));
      } catch (RejectedExecutionException e) {
        ready.complete(null);
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
    return ready;
  }

  @Override
  public String toString() {
    return "ConversationWrite[" + call + (lease == null ? "" : ", leased") + "]";
  }
}
