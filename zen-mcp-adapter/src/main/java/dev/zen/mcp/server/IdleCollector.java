package dev.zen.mcp.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
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
 *
 * <p>For its one collection it lowers the JVM's {@code MaxHeapFreeRatio} to
 * {@value #IDLE_MAX_HEAP_FREE_PERCENT}% (or {@code MinHeapFreeRatio}, if higher), and restores it
 * after: the heap shrinks to what is live plus that share only when idle, while the collections of
 * a burst keep the room they need. A burst whose every full collection shrank the heap to 30% free
 * collected in full again and again (JDK 17: 25 full collections in one benchmark run, the
 * collector ~45% of the server's CPU per call); measured in BENCHMARKS.md.
 */
final class IdleCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdleCollector.class);
  /** The most of the heap left free after the idle collection, in percent. */
  static final int IDLE_MAX_HEAP_FREE_PERCENT = 30;

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
    // The diagnostic bean is looked up at each idle collection (rare), not at start-up.
    IdleCollector collector = new IdleCollector(IdleCollector::jvmCollections,
        () -> collectShrinking(HeapFreeRatios.ofThisJvm(), System::gc), timer);
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

  /**
   * Runs {@code gc} with {@code MaxHeapFreeRatio} lowered to {@value #IDLE_MAX_HEAP_FREE_PERCENT}
   * (not below {@code MinHeapFreeRatio}, which the JVM requires), then restores it; just {@code gc}
   * when the JVM's ratios cannot be read or changed.
   */
  static void collectShrinking(@Nullable HeapFreeRatios ratios, Runnable gc) {
    HeapFreeRatios lowered = null;
    int before = 0;
    if (ratios != null) {
      try {
        int target = Math.max(ratios.min(), IDLE_MAX_HEAP_FREE_PERCENT);
        before = ratios.max();
        if (target < before) {
          ratios.setMax(target);
          lowered = ratios;
        }
      } catch (RuntimeException e) {
        LOG.debug("cannot lower MaxHeapFreeRatio for the idle collection: {}", e.toString());
      }
    }
    try {
      gc.run();
    } finally {
      if (lowered != null) {
        try {
          lowered.setMax(before);
        } catch (RuntimeException e) {
          LOG.warn("could not restore MaxHeapFreeRatio={} after the idle collection: {}", before, e.toString());
        }
      }
    }
  }

  /** The JVM's {@code MinHeapFreeRatio} and {@code MaxHeapFreeRatio} (manageable HotSpot flags). */
  interface HeapFreeRatios {
    int min();

    int max();

    void setMax(int percent);

    /** This JVM's, or null on one without HotSpot's diagnostic bean. */
    static @Nullable HeapFreeRatios ofThisJvm() {
      HotSpotDiagnosticMXBean vm;
      try {
        vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      } catch (LinkageError | RuntimeException e) {
        return null;
      }
      if (vm == null) {
        return null;
      }
      return new HeapFreeRatios() {
        @Override
        public int min() {
          return Integer.parseInt(vm.getVMOption("MinHeapFreeRatio").getValue());
        }

        @Override
        public int max() {
          return Integer.parseInt(vm.getVMOption("MaxHeapFreeRatio").getValue());
        }

        @Override
        public void setMax(int percent) {
          vm.setVMOption("MaxHeapFreeRatio", String.valueOf(percent));
        }
      };
    }
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
