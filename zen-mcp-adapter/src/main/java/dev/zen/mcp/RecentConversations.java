package dev.zen.mcp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The conversations (continuation ids) that had a tool call on this server within a window: what
 * {@code zen.conversations.active} reports. Bounded: expired entries are dropped as the map grows
 * and whenever it is counted, and past {@link #MAX} live entries new ones are not tracked (the
 * count then reads {@link #MAX}).
 */
final class RecentConversations {
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final int MAX = 100_000;

  private final Map<String, Long> lastCall = new ConcurrentHashMap<>();
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private volatile int pruneAt = 1_024;

  RecentConversations(Duration window, LongSupplier nanoTime) {
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  static RecentConversations system() {
    return new RecentConversations(WINDOW, System::nanoTime);
  }

  void called(String conversationId) {
    long now = nanoTime.getAsLong();
    if (lastCall.size() >= pruneAt) {
      prune(now);
      pruneAt = Math.max(1_024, 2 * lastCall.size());
    }
    if (lastCall.size() < MAX || lastCall.containsKey(conversationId)) {
      lastCall.put(conversationId, now);
    }
  }

  /** Conversations with a call within the window. */
  int count() {
    prune(nanoTime.getAsLong());
    return lastCall.size();
  }

  private void prune(long now) {
    lastCall.values().removeIf(last -> now - last > windowNanos);
  }
}
