package dev.zen.testkit;

import dev.zen.InvalidRequestException;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The simplest store that keeps the contract, to check the suite itself: instances on one
 * {@link Backend} share its data (as clients of one server would), every answer arrives on another
 * thread, and invalid arguments fail the stage instead of throwing, so the suite's handling of
 * both styles is exercised. A {@link Flaw} breaks one rule on purpose.
 */
final class ReferenceCheckpointStore implements CheckpointStore {

  /** One way of breaking the contract; the suite must notice each. */
  enum Flaw {
    NONE,
    HISTORY_OLDEST_FIRST,
    REPLACE_MOVES_TO_NEWEST,
    LOSES_CONCURRENT_PUTS,
    TURNS_INTEGERS_INTO_LONGS,
    ACCEPTS_ZERO_LIMIT,
    DELETE_ALWAYS_REPORTS_TRUE,
    ACCEPTS_BLANK_THREAD_IDS,
    PUT_IF_LEASED_IGNORES_THE_LEASE,
    LEASES_NEVER_EXPIRE
  }

  /** The "server": thread id to checkpoints, oldest first, guarded by itself. */
  static final class Backend {
    private final Map<String, List<Checkpoint>> threads = new HashMap<>();
    /** Thread id to its lease: the holder and when it expires (System.nanoTime). */
    private final Map<String, Map.Entry<String, Long>> leases = new HashMap<>();
  }

  /** The lost-update flaw needs puts of one thread to overlap, so they cannot share one executor thread. */
  private static final Executor RACY_PUTS = runnable -> {
    Thread thread = new Thread(runnable, "reference-store-racy-put");
    thread.setDaemon(true);
    thread.start();
  };

  private final Backend backend;
  private final Flaw flaw;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "reference-store");
    thread.setDaemon(true);
    return thread;
  });

  ReferenceCheckpointStore(Backend backend, Flaw flaw) {
    this.backend = backend;
    this.flaw = flaw;
  }

  @Override
  public CompletionStage<Void> put(Checkpoint checkpoint) {
    Checkpoint stored = flaw == Flaw.TURNS_INTEGERS_INTO_LONGS ? widenIntegers(checkpoint) : checkpoint;
    if (flaw == Flaw.LOSES_CONCURRENT_PUTS) {
      // Read, think, write back: the lost-update race of a client-side read-modify-write.
      return CompletableFuture.runAsync(() -> {
        List<Checkpoint> copy;
        synchronized (backend) {
          copy = new ArrayList<>(backend.threads.getOrDefault(stored.threadId(), List.of()));
        }
        pause();
        copy.add(stored);
        synchronized (backend) {
          backend.threads.put(stored.threadId(), copy);
        }
      }, RACY_PUTS);
    }
    return async(() -> {
      List<Checkpoint> log = backend.threads.computeIfAbsent(stored.threadId(), id -> new ArrayList<>());
      int existing = indexOf(log, stored.id());
      if (existing >= 0 && flaw != Flaw.REPLACE_MOVES_TO_NEWEST) {
        log.set(existing, stored);
      } else {
        if (existing >= 0) {
          log.remove(existing);
        }
        log.add(stored);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
    if (rejects(threadId)) {
      return blankThreadId();
    }
    return async(() -> {
      List<Checkpoint> log = backend.threads.get(threadId);
      return log == null ? Optional.empty() : Optional.of(log.get(log.size() - 1));
    });
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId) {
    if (checkpointId.isBlank()) {
      return CompletableFuture.failedFuture(new InvalidRequestException("checkpoint id must not be blank"));
    }
    if (rejects(threadId)) {
      return blankThreadId();
    }
    return async(() -> {
      List<Checkpoint> log = backend.threads.getOrDefault(threadId, List.of());
      int i = indexOf(log, checkpointId);
      return i < 0 ? Optional.empty() : Optional.of(log.get(i));
    });
  }

  @Override
  public CompletionStage<List<Checkpoint>> history(String threadId, int limit) {
    if (limit <= 0 && flaw != Flaw.ACCEPTS_ZERO_LIMIT) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be > 0, was " + limit));
    }
    if (rejects(threadId)) {
      return blankThreadId();
    }
    return async(() -> {
      List<Checkpoint> newestFirst = new ArrayList<>(backend.threads.getOrDefault(threadId, List.of()));
      if (flaw != Flaw.HISTORY_OLDEST_FIRST) {
        Collections.reverse(newestFirst);
      }
      return List.copyOf(newestFirst.subList(0, Math.min(Math.max(limit, 0), newestFirst.size())));
    });
  }

  @Override
  public CompletionStage<List<String>> threads() {
    return async(() -> List.copyOf(backend.threads.keySet()));
  }

  @Override
  public CompletionStage<Boolean> deleteThread(String threadId) {
    if (rejects(threadId)) {
      return blankThreadId();
    }
    return async(() -> backend.threads.remove(threadId) != null || flaw == Flaw.DELETE_ALWAYS_REPORTS_TRUE);
  }

  @Override
  public CompletionStage<Boolean> lease(String threadId, String holder, Duration ttl) {
    if (rejects(threadId) || holder.isBlank() || ttl.isZero() || ttl.isNegative()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("thread id and holder must not be blank, "
          + "and the ttl must be positive"));
    }
    return async(() -> {
      Map.Entry<String, Long> current = liveLease(threadId);
      if (current != null && !current.getKey().equals(holder)) {
        return false;
      }
      backend.leases.put(threadId, Map.entry(holder, System.nanoTime() + ttl.toNanos()));
      return true;
    });
  }

  @Override
  public CompletionStage<Void> releaseLease(String threadId, String holder) {
    if (holder.isBlank()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("holder must not be blank"));
    }
    return async(() -> {
      Map.Entry<String, Long> current = backend.leases.get(threadId);
      if (current != null && current.getKey().equals(holder)) {
        backend.leases.remove(threadId);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Boolean> putIfLeased(Checkpoint checkpoint, String holder) {
    if (holder.isBlank()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("holder must not be blank"));
    }
    if (flaw == Flaw.PUT_IF_LEASED_IGNORES_THE_LEASE) {
      return put(checkpoint).thenApply(written -> true);
    }
    return async(() -> {
      Map.Entry<String, Long> current = liveLease(checkpoint.threadId());
      if (current == null || !current.getKey().equals(holder)) {
        return false;
      }
      List<Checkpoint> log = backend.threads.computeIfAbsent(checkpoint.threadId(), id -> new ArrayList<>());
      int existing = indexOf(log, checkpoint.id());
      if (existing >= 0) {
        log.set(existing, checkpoint);
      } else {
        log.add(checkpoint);
      }
      return true;
    });
  }

  /** The thread's unexpired lease; called holding the backend's lock. */
  private Map.@Nullable Entry<String, Long> liveLease(String threadId) {
    Map.Entry<String, Long> current = backend.leases.get(threadId);
    if (current != null && flaw != Flaw.LEASES_NEVER_EXPIRE && System.nanoTime() - current.getValue() >= 0) {
      backend.leases.remove(threadId);
      return null;
    }
    return current;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private boolean rejects(String threadId) {
    return threadId.isBlank() && flaw != Flaw.ACCEPTS_BLANK_THREAD_IDS;
  }

  private static <T> CompletionStage<T> blankThreadId() {
    return CompletableFuture.failedFuture(new IllegalArgumentException("thread id must not be blank"));
  }

  private <T> CompletionStage<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      synchronized (backend) {
        return work.get();
      }
    }, executor);
  }

  private static int indexOf(List<Checkpoint> log, String checkpointId) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).id().equals(checkpointId)) {
        return i;
      }
    }
    return -1;
  }

  private static void pause() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Checkpoint widenIntegers(Checkpoint checkpoint) {
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> state = (Map<String, @Nullable Object>) widen(checkpoint.state());
    return new Checkpoint(checkpoint.threadId(), checkpoint.id(), checkpoint.nodeId(), checkpoint.nextNodeId(),
        state, checkpoint.createdAt());
  }

  private static @Nullable Object widen(@Nullable Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> copy = new LinkedHashMap<>();
      map.forEach((key, inner) -> copy.put((String) key, widen(inner)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> copy = new ArrayList<>();
      list.forEach(inner -> copy.add(widen(inner)));
      return copy;
    }
    return value;
  }
}
