package dev.zen.mcp.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back to the OS once the server has gone idle after work: when a whole period
 * passes without a garbage collection, and there was one (work) since the last time it did this,
 * it asks for one full collection ({@link System#gc()}), after which the JVM shrinks the heap to
 * what is live plus its free ratio and returns the rest.
 *
 * <p>Why: a CLI's server sits idle most of its life, and a burst of calls grows the heap, which
 * no JVM collector shrinks by itself until something collects again (G1 only with
 * {@code -XX:G1PeriodicGCInterval}, the serial collector never). Without it the launcher's server
 * stayed at its peak for as long as it ran. At most one collection per idle period that follows
 * collections of its own, so a server that is busy, or idle from the start, is never collected by
 * this. {@code -XX:+DisableExplicitGC} turns it into a no-op; {@code ZEN_IDLE_GC_SECONDS=0} off.
 */
final class IdleCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdleCollector.class);

  private final LongSupplier collections;
  private final Runnable collect;
  private long seen;
  /** Whether the JVM collected on its own (work happened) since this last collected. */
  private boolean worked = true;
  private final ScheduledExecutorService timer;

  IdleCollector(LongSupplier collections, Runnable collect, ScheduledExecutorService timer) {
    this.collections = collections;
    this.collect = collect;
    this.timer = timer;
    this.seen = collections.getAsLong();
  }

  /** Checks every {@code period} on a daemon thread of its own (a collection blocks it). */
  static IdleCollector start(Duration period) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "zen-idle-gc");
      thread.setDaemon(true);
      return thread;
    });
    IdleCollector collector = new IdleCollector(IdleCollector::jvmCollections, System::gc, timer);
    long millis = period.toMillis();
    timer.scheduleWithFixedDelay(collector::check, millis, millis, TimeUnit.MILLISECONDS);
    return collector;
  }

  /** One period has passed: collect if it had no collection and there was work since the last one. */
  synchronized void check() {
    long now = collections.getAsLong();
    if (now != seen) {
      seen = now;
      worked = true;
      return;
    }
    if (!worked) {
      return;
    }
    LOG.debug("idle after work: collecting once so the heap can be returned to the OS");
    collect.run();
    // Its own collection is not work.
    seen = collections.getAsLong();
    worked = false;
  }

  private static long jvmCollections() {
    long total = 0;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, bean.getCollectionCount());
    }
    return total;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
