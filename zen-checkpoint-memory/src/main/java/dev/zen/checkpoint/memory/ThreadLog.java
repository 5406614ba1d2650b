package dev.zen.checkpoint.memory;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.StateValues;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoints of one thread, oldest first, as an immutable value. A put makes a new log, so a
 * reader holding an old one sees a consistent history without any lock, and the cache replaces the
 * whole value atomically.
 */
final class ThreadLog {
  /** Object headers, the record's fields, its {@code createdAt} and its slots in our arrays. */
  static final long CHECKPOINT_OVERHEAD_BYTES = 96;
  /** This object, its two arrays, the cache entry and the thread id key. */
  static final long LOG_OVERHEAD_BYTES = 160;

  private final Checkpoint[] checkpoints;
  private final long[] weights;
  private final long weight;

  private ThreadLog(Checkpoint[] checkpoints, long[] weights, long weight) {
    this.checkpoints = checkpoints;
    this.weights = weights;
    this.weight = weight;
  }

  static ThreadLog of(Checkpoint checkpoint, long checkpointWeight) {
    return new ThreadLog(new Checkpoint[] {checkpoint}, new long[] {checkpointWeight},
        overhead(checkpoint.threadId()) + checkpointWeight);
  }

  /** The estimated bytes one checkpoint holds in this store, its state included. */
  static long weigh(Checkpoint checkpoint) {
    return CHECKPOINT_OVERHEAD_BYTES
        + StateValues.estimateBytes(checkpoint.id())
        + StateValues.estimateBytes(checkpoint.nodeId())
        + StateValues.estimateBytes(checkpoint.nextNodeId())
        + StateValues.estimateBytes(checkpoint.state());
  }

  static long overhead(String threadId) {
    return LOG_OVERHEAD_BYTES + StateValues.estimateBytes(threadId);
  }

  /**
   * This log with {@code checkpoint} put: replacing the checkpoint with the same id where it is,
   * or appended as the newest. Then the oldest checkpoints are dropped while there are more than
   * {@code maxCount} or the log weighs more than {@code maxWeight}; the newest is always kept
   * (the caller has checked that it fits alone).
   */
  ThreadLog put(Checkpoint checkpoint, long checkpointWeight, int maxCount, long maxWeight) {
    int existing = indexOf(checkpoint.id());
    Checkpoint[] nextCheckpoints;
    long[] nextWeights;
    long nextWeight;
    if (existing >= 0) {
      nextCheckpoints = checkpoints.clone();
      nextWeights = weights.clone();
      nextCheckpoints[existing] = checkpoint;
      nextWeights[existing] = checkpointWeight;
      nextWeight = weight - weights[existing] + checkpointWeight;
    } else {
      int size = checkpoints.length;
      nextCheckpoints = new Checkpoint[size + 1];
      nextWeights = new long[size + 1];
      System.arraycopy(checkpoints, 0, nextCheckpoints, 0, size);
      System.arraycopy(weights, 0, nextWeights, 0, size);
      nextCheckpoints[size] = checkpoint;
      nextWeights[size] = checkpointWeight;
      nextWeight = weight + checkpointWeight;
    }
    int drop = Math.max(0, nextCheckpoints.length - maxCount);
    for (int i = 0; i < drop; i++) {
      nextWeight -= nextWeights[i];
    }
    while (nextWeight > maxWeight && drop < nextCheckpoints.length - 1) {
      nextWeight -= nextWeights[drop++];
    }
    if (drop > 0) {
      nextCheckpoints = Arrays.copyOfRange(nextCheckpoints, drop, nextCheckpoints.length);
      nextWeights = Arrays.copyOfRange(nextWeights, drop, nextWeights.length);
    }
    return new ThreadLog(nextCheckpoints, nextWeights, nextWeight);
  }

  Checkpoint latest() {
    return checkpoints[checkpoints.length - 1];
  }

  Optional<Checkpoint> find(String checkpointId) {
    int i = indexOf(checkpointId);
    return i < 0 ? Optional.empty() : Optional.of(checkpoints[i]);
  }

  /** Up to {@code limit} checkpoints, newest first: a view, safe because this log never changes. */
  List<Checkpoint> history(int limit) {
    return new NewestFirst(checkpoints, Math.min(limit, checkpoints.length));
  }

  int size() {
    return checkpoints.length;
  }

  /** Estimated bytes of the whole log, for the cache's weigher. */
  long weight() {
    return weight;
  }

  private int indexOf(@Nullable String checkpointId) {
    // Newest first: replays and lookups almost always concern recent checkpoints.
    for (int i = checkpoints.length - 1; i >= 0; i--) {
      if (checkpoints[i].id().equals(checkpointId)) {
        return i;
      }
    }
    return -1;
  }

  private static final class NewestFirst extends AbstractList<Checkpoint> implements RandomAccess {
    private final Checkpoint[] oldestFirst;
    private final int size;

    NewestFirst(Checkpoint[] oldestFirst, int size) {
      this.oldestFirst = oldestFirst;
      this.size = size;
    }

    @Override
    public Checkpoint get(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("index " + index + ", size " + size);
      }
      return oldestFirst[oldestFirst.length - 1 - index];
    }

    @Override
    public int size() {
      return size;
    }
  }
}
