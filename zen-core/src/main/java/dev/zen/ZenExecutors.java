package dev.zen;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
   * A new executor for runtime work (graph steps, and blocking work: synchronous SDK calls, process
   * pipes): virtual threads when available, otherwise a pool of daemon platform threads that grows
   * up to {@link #DEFAULT_MAX_PLATFORM_THREADS} while blocking tasks hold its threads. The caller
   * owns it and shuts it down.
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
   * The JDK 17 runtime pool ({@link GrowingPool}): a few threads for the short tasks that make up
   * most of Zen's work, more only while blocking tasks hold all of them.
   */
  static ThreadPoolExecutor scalingPool(String prefix, int max) {
    return new GrowingPool(prefix, max);
  }

  /**
   * A pool that keeps {@code min(max, max(2, processors))} threads and queues behind them, and adds
   * threads (up to {@code max}) only when tasks wait because its threads are blocked: queued tasks
   * made no progress for two ticks ({@value #GROWTH_TICK_MILLIS} ms each) and fewer than the base number of
   * its threads are runnable (the others wait in a task: a blocking call, a lock, a join). More
   * threads are then what lets the queue move, and what keeps a task that waits for a queued one
   * from waiting forever. Threads that are runnable but slow (a busy CPU, a GC pause) add none,
   * unless nothing finishes for {@value #NATIVE_BLOCK_TICKS} ticks (native I/O, such as a process
   * pipe read, blocks a thread that still looks runnable). It
   * grows by at least half its blocked threads per tick, so a burst of blocking tasks gets its
   * threads within tens of ticks; threads idle for 30 s end.
   *
   * <p>Why not grow at once: graph runs wait for nodes without a thread, so the runtime's tasks are
   * mostly short steps. A pool that starts a thread whenever none is idle at the moment of a
   * submission grew to hundreds of threads under a burst of 1,000 calls of such steps (each thread
   * costs memory, and their wake-ups CPU), although two threads kept up with them.
   */
  static final class GrowingPool extends ThreadPoolExecutor {
    private final int base;
    private final AtomicBoolean watching = new AtomicBoolean();
    private final Set<Thread> threads;
    /** Completed tasks at the last tick; only the watch task reads and writes it, one tick at a time. */
    private long lastCompleted = -1;
    /** Ticks in a row without a completed task while tasks waited; as {@link #lastCompleted}. */
    private int stalledTicks;

    GrowingPool(String prefix, int max) {
      this(daemonThreads(prefix), max, ConcurrentHashMap.newKeySet());
    }

    private GrowingPool(ThreadFactory factory, int max, Set<Thread> threads) {
      super(baseSize(max), max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
        Thread thread = factory.newThread(runnable);
        threads.add(thread);
        return thread;
      });
      this.base = baseSize(max);
      this.threads = threads;
      allowCoreThreadTimeOut(true);
    }

    private static int baseSize(int max) {
      return Math.min(max, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public void execute(Runnable task) {
      super.execute(task);
      if (!getQueue().isEmpty() && watching.compareAndSet(false, true)) {
        watchLater();
      }
    }

    private void watchLater() {
      try {
        scheduler().schedule(this::watch, GROWTH_TICK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        watching.set(false);
      }
    }

    private void watch() {
      if (isShutdown()) {
        watching.set(false);
        return;
      }
      int queued = getQueue().size();
      if (queued == 0) {
        lastCompleted = -1;
        stalledTicks = 0;
        // The burst is over: back to the base size (threads above it end after 30 s idle).
        if (getCorePoolSize() > base) {
          setCorePoolSize(base);
        }
        watching.set(false);
        if (!getQueue().isEmpty() && watching.compareAndSet(false, true)) {
          watchLater();
        }
        return;
      }
      long completed = getCompletedTaskCount();
      int size = getCorePoolSize();
      stalledTicks = completed == lastCompleted ? stalledTicks + 1 : 0;
      if (stalledTicks > 0 && size < getMaximumPoolSize()) {
        // Nothing finished for a tick although tasks wait: are the threads working or blocked?
        int runnable = 0;
        int blocked = 0;
        for (Thread thread : threads) {
          if (!thread.isAlive()) {
            threads.remove(thread);
          } else if (thread.getState() == Thread.State.RUNNABLE) {
            runnable++;
          } else {
            blocked++;
          }
        }
        int add = 0;
        if (runnable < base && stalledTicks >= 2) {
          // Two ticks: a short wait for a contended lock (the timer's, under a burst) is no reason.
          add = Math.max(base - runnable, blocked / 2);
        } else if (stalledTicks >= NATIVE_BLOCK_TICKS) {
          // A thread blocked in native I/O (a pipe, a socket read) looks runnable: after several
          // ticks without progress, grow all the same.
          add = Math.max(1, size / 2);
        }
        if (add > 0) {
          setCorePoolSize(Math.min(getMaximumPoolSize(), size + Math.min(queued, add)));
          stalledTicks = 0;
        }
      }
      lastCompleted = completed;
      watchLater();
    }
  }

  /** Ticks without progress after which the JDK 17 pool grows even though its threads look runnable. */
  static final int NATIVE_BLOCK_TICKS = 4;

  /** How long queued tasks may make no progress before the JDK 17 pool adds threads. */
  static final long GROWTH_TICK_MILLIS = 25;

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      // Not inheriting the creator's inheritable thread locals: SLF4J's MDC is one, and a pool
      // thread made during one call would write that call's tool and conversation on every later
      // log line. Runs carry their caller's MDC themselves (zen-graph).
      Thread thread = new Thread(null, runnable, prefix + "-" + count.incrementAndGet(), 0, false);
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
    private final Method noInheritance;

    private VirtualThreads() throws ReflectiveOperationException {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtualBuilder = Class.forName("java.lang.Thread$Builder$OfVirtual");
      ofVirtual = Thread.class.getMethod("ofVirtual");
      name = ofVirtualBuilder.getMethod("name", String.class, long.class);
      noInheritance = builder.getMethod("inheritInheritableThreadLocals", boolean.class);
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
      // As for platform threads: a task's thread does not inherit its submitter's MDC by accident.
      builder = noInheritance.invoke(builder, false);
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
