package dev.zen;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The executors Zen runs blocking work on, and the shared timer it schedules delays with.
 *
 * <p>Graph runs do not hold a thread while a node waits (zen-graph resumes them when the node's
 * future completes), so the runtime executor runs short steps plus whatever blocking work nodes
 * and synchronous SDKs hand it. On JDK 21 and later it uses one virtual thread per task; on JDK 17
 * it is a pool of daemon platform threads that grows up to a bound (default
 * {@value #DEFAULT_MAX_PLATFORM_THREADS}) only while all its threads are busy, and shrinks when
 * idle. Event-loop threads (HTTP client, Netty, Reactor) are never used for blocking work.
 */
public final class ZenExecutors {
  /** Upper bound of the platform-thread pool used when virtual threads are not available. */
  public static final int DEFAULT_MAX_PLATFORM_THREADS = 1024;

  private static final @Nullable VirtualThreads VIRTUAL_THREADS = VirtualThreads.find();
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private ZenExecutors() {}

  /** Whether this JVM has virtual threads (JDK 21+), and runtime executors use them. */
  public static boolean virtualThreadsAvailable() {
    return VIRTUAL_THREADS != null;
  }

  /**
   * A new executor for blocking runtime work (graph runs, synchronous SDK calls, process pipes):
   * virtual threads when available, otherwise up to {@link #DEFAULT_MAX_PLATFORM_THREADS} daemon
   * platform threads. The caller owns it and shuts it down.
   */
  public static ExecutorService newRuntimeExecutor(String threadNamePrefix) {
    return newRuntimeExecutor(threadNamePrefix, DEFAULT_MAX_PLATFORM_THREADS);
  }

  /**
   * Like {@link #newRuntimeExecutor(String)} with an explicit bound for the platform-thread pool
   * (ignored when virtual threads are used).
   */
  public static ExecutorService newRuntimeExecutor(String threadNamePrefix, int maxPlatformThreads) {
    if (threadNamePrefix.isBlank()) {
      throw new IllegalArgumentException("threadNamePrefix must not be blank");
    }
    if (maxPlatformThreads < 1) {
      throw new IllegalArgumentException("maxPlatformThreads must be >= 1, was " + maxPlatformThreads);
    }
    if (VIRTUAL_THREADS != null) {
      try {
        return VIRTUAL_THREADS.newExecutor(threadNamePrefix + "-");
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("virtual threads are present but could not be created", e);
      }
    }
    return scalingPool(threadNamePrefix + "-" + POOL_IDS.incrementAndGet(), maxPlatformThreads);
  }

  /** The process-wide runtime executor used when none is configured; never shut it down. */
  public static ExecutorService defaultRuntime() {
    return DefaultRuntime.INSTANCE;
  }

  /**
   * The process-wide timer for delays, timeouts and retry back-off. Tasks on it must be short and
   * never block: hand real work to a runtime executor.
   */
  public static ScheduledExecutorService scheduler() {
    return SharedScheduler.INSTANCE;
  }

  /**
   * A pool that hands a task to an idle thread when there is one, starts a thread only when all
   * are busy, queues once {@code max} threads are busy, and lets idle threads die after 30 s.
   * (A plain ThreadPoolExecutor either starts a thread per task until its core size is reached,
   * even with idle threads at hand, or queues before it grows past the core size.)
   */
  static ThreadPoolExecutor scalingPool(String prefix, int max) {
    HandOffQueue queue = new HandOffQueue();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, queue, daemonThreads(prefix),
        (task, executor) -> {
          if (executor.isShutdown()) {
            throw new RejectedExecutionException("executor " + prefix + " is shut down");
          }
          queue.enqueue(task);
        });
    return pool;
  }

  /** Offers succeed only into the hands of an idle worker, so the pool grows instead of queueing. */
  private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task);
    }

    /** Queues for real: used once every thread up to the bound is busy. */
    void enqueue(Runnable task) {
      super.offer(task);
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Reflection so the build stays on release 17 while JDK 21+ runtimes get virtual threads. */
  private static final class VirtualThreads {
    private final Method ofVirtual;
    private final Method name;
    private final Method factory;
    private final Method newThreadPerTaskExecutor;

    private VirtualThreads() throws ReflectiveOperationException {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtualBuilder = Class.forName("java.lang.Thread$Builder$OfVirtual");
      ofVirtual = Thread.class.getMethod("ofVirtual");
      name = ofVirtualBuilder.getMethod("name", String.class, long.class);
      factory = builder.getMethod("factory");
      newThreadPerTaskExecutor = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
    }

    static @Nullable VirtualThreads find() {
      // JDK 19 and 20 have these methods as a preview that throws unless --enable-preview is set;
      // finding them there would make every runtime executor fail to build.
      if (Runtime.version().feature() < 21) {
        return null;
      }
      try {
        VirtualThreads threads = new VirtualThreads();
        threads.newExecutor("zen-probe-").shutdown();
        return threads;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    ExecutorService newExecutor(String prefix) throws ReflectiveOperationException {
      Object builder = name.invoke(ofVirtual.invoke(null), prefix, 0L);
      return (ExecutorService) newThreadPerTaskExecutor.invoke(null, factory.invoke(builder));
    }
  }

  private static final class DefaultRuntime {
    static final ExecutorService INSTANCE = newRuntimeExecutor("zen-runtime");
  }

  private static final class SharedScheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemonThreads("zen-timer"));
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }
}
