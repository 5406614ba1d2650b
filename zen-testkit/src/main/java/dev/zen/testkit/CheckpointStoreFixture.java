package dev.zen.testkit;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The backend under test and the lifecycle of the stores opened on it, shared by every
 * {@link CheckpointStore} contract suite: {@link CheckpointStoreContract} for the store's own
 * semantics, and suites that drive whole graphs through a store. A backend's test implements the
 * hooks once per suite it extends.
 *
 * <p>A suite opens stores with {@link #open()} and {@link #openAnother()} rather than calling the
 * hooks itself: every store opened that way is closed after the test, newest first, even when the
 * test fails.
 *
 * <p>Suites written on top of this class should keep to the rules of the store contract: at most
 * a few hundred checkpoints per thread (stores may cap a thread's history), and every wait bounded
 * by {@link #TIMEOUT}.
 */
public abstract class CheckpointStoreFixture {
  /** The longest any single store call may take before the suite fails it. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final Instant EPOCH = Instant.parse("2025-01-02T03:04:05.123456789Z");

  private final Deque<CheckpointStore> opened = new ArrayDeque<>();
  private final AtomicLong clock = new AtomicLong();

  /** How the data of two store instances on the same backend relate. */
  public enum DataSharing {
    /**
     * Instances on the same backend see each other's checkpoints, also after the first one is
     * closed: a Redis server, a database, a directory.
     */
    SHARED_BY_INSTANCES,
    /** Every instance holds its own checkpoints and loses them when closed: an in-memory store. */
    PER_INSTANCE
  }

  /**
   * A new store on a backend of its own that has no checkpoints yet. Called at least once per
   * test; a backend that shares a server between tests isolates them here, for example with a key
   * prefix unique to this call or by flushing the database.
   */
  protected abstract CheckpointStore create();

  /**
   * A new store instance on the backend of the most recent {@link #create()} of this test, as an
   * application restarting would open it: a new client, the same server and namespace. It must not
   * clear the backend. For a backend whose instances do not share data it is simply another
   * {@code create()}.
   */
  protected abstract CheckpointStore createAnotherInstance();

  /** Whether {@link #createAnotherInstance()} sees what the first instance stored; no default on purpose. */
  protected abstract DataSharing dataSharing();

  /** {@link #create()}, closed after the test. */
  protected final CheckpointStore open() {
    return track(create(), "create()");
  }

  /** {@link #createAnotherInstance()}, closed after the test. */
  protected final CheckpointStore openAnother() {
    return track(createAnotherInstance(), "createAnotherInstance()");
  }

  /** A store made by {@code factory}, closed after the test. */
  protected final CheckpointStore open(Supplier<? extends CheckpointStore> factory) {
    return track(factory.get(), "the store factory");
  }

  /** Closes {@code store} now instead of after the test (each store is closed once). */
  protected final void closeNow(CheckpointStore store) {
    if (!opened.removeIf(candidate -> candidate == store)) {
      throw new IllegalArgumentException("the store was not opened through this fixture, or was closed already");
    }
    store.close();
  }

  private CheckpointStore track(@Nullable CheckpointStore store, String source) {
    if (store == null) {
      throw new IllegalStateException(source + " returned null; return a new store");
    }
    opened.push(store);
    return store;
  }

  @AfterEach
  final void closeOpenedStores() {
    RuntimeException first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * The value of {@code stage}, waiting at most {@link #TIMEOUT}. A stage that fails rethrows its
   * cause unchanged when it is unchecked, so assertions see the store's own exception.
   */
  protected static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new AssertionError("the stage failed with a checked exception", cause);
    } catch (TimeoutException e) {
      throw new AssertionError("the store did not complete the stage within " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the store", e);
    }
  }

  /**
   * A checkpoint on {@code threadId} with a small state naming it; every call gets a later
   * {@code createdAt} (with nanoseconds, so stores must keep them).
   */
  protected final Checkpoint checkpoint(String threadId, String id) {
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    state.put("thread", threadId);
    state.put("checkpoint", id);
    return checkpoint(threadId, id, state);
  }

  /** A checkpoint with the given state, node {@code "node"} and next node {@code "next"}. */
  protected final Checkpoint checkpoint(String threadId, String id, Map<String, ? extends @Nullable Object> state) {
    Objects.requireNonNull(state, "state");
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> values = (Map<String, @Nullable Object>) state;
    return new Checkpoint(threadId, id, "node", "next", values, nextCreatedAt());
  }

  /** A creation time later than every earlier one of this test, with nanoseconds. */
  protected final Instant nextCreatedAt() {
    return EPOCH.plusMillis(clock.incrementAndGet());
  }
}
