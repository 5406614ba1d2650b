package dev.zen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ZenExecutorsTest {

  @Test
  void virtual_threads_are_available_exactly_from_jdk_21() {
    assertThat(ZenExecutors.virtualThreadsAvailable()).isEqualTo(Runtime.version().feature() >= 21);
  }

  @Test
  void the_runtime_executor_uses_virtual_threads_from_jdk_21_and_a_bounded_pool_before() throws Exception {
    // One test for both JDKs (the build runs on 17, the benchmarks also on 25): nothing is skipped.
    if (Runtime.version().feature() >= 21) {
      ExecutorService executor = ZenExecutors.newRuntimeExecutor("zen-virtual-test");
      try {
        Thread thread = executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

        assertThat((Boolean) Thread.class.getMethod("isVirtual").invoke(thread)).isTrue();
        assertThat(thread.getName()).startsWith("zen-virtual-test-");
      } finally {
        executor.shutdownNow();
      }
    } else {
      assertThat(ZenExecutors.virtualThreadsAvailable()).isFalse();
      ExecutorService executor = ZenExecutors.newRuntimeExecutor("zen-pool-test", 300);
      try {
        assertThat(executor).isInstanceOfSatisfying(ThreadPoolExecutor.class, pool -> {
          assertThat(pool.getMaximumPoolSize()).isEqualTo(300);
          // Idle threads go away, so an idle application holds no runtime threads.
          assertThat(pool.allowsCoreThreadTimeOut()).isTrue();
        });
      } finally {
        executor.shutdownNow();
      }
    }
  }

  @Test
  void the_runtime_executor_runs_hundreds_of_blocking_tasks_at_once_on_named_daemon_threads() throws Exception {
    int tasks = 250;
    ExecutorService executor = ZenExecutors.newRuntimeExecutor("zen-block-test");
    CountDownLatch allStarted = new CountDownLatch(tasks);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(tasks);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    try {
      for (int i = 0; i < tasks; i++) {
        executor.execute(() -> {
          threads.add(Thread.currentThread());
          allStarted.countDown();
          try {
            // Every task holds its thread until all have started: only a pool that grows gets here.
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          finished.countDown();
        });
      }

      assertThat(allStarted.await(20, TimeUnit.SECONDS)).as("all %d tasks blocked together", tasks).isTrue();
      release.countDown();
      assertThat(finished.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(threads).hasSize(tasks);
      assertThat(threads).allSatisfy(thread -> {
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.getName()).startsWith("zen-block-test-");
      });
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void runtime_executor_arguments_are_validated() {
    assertThatThrownBy(() -> ZenExecutors.newRuntimeExecutor(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threadNamePrefix must not be blank");
    assertThatThrownBy(() -> ZenExecutors.newRuntimeExecutor("x", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPlatformThreads must be >= 1, was 0");
  }

  @Test
  void the_default_runtime_is_shared_and_runs_on_daemon_threads() throws Exception {
    assertThat(ZenExecutors.defaultRuntime()).isSameAs(ZenExecutors.defaultRuntime());

    Thread thread = ZenExecutors.defaultRuntime().submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).startsWith("zen-runtime-");
  }

  @Test
  void the_scheduler_is_shared_and_runs_delays_on_a_daemon_timer_thread() throws Exception {
    assertThat(ZenExecutors.scheduler()).isSameAs(ZenExecutors.scheduler());
    long start = System.nanoTime();

    ScheduledFuture<Thread> later = ZenExecutors.scheduler().schedule(Thread::currentThread, 50, TimeUnit.MILLISECONDS);
    Thread thread = later.get(10, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).startsWith("zen-timer-");
  }

  @Test
  void the_platform_pool_reuses_an_idle_thread_instead_of_starting_one_per_task() throws Exception {
    ThreadPoolExecutor pool = ZenExecutors.scalingPool("zen-reuse-test", 64);
    try {
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 100; i++) {
        pool.submit(() -> threads.add(Thread.currentThread())).get(10, TimeUnit.SECONDS);
        // The task's future completes before its worker is back at the queue; on a busy machine
        // that walk back can take long enough for the next task to find no idle thread. Wait
        // until the worker is idle, which is what this test is about.
        awaitIdleWorker(pool);
      }

      // Sequential tasks find the previous task's thread idle (a small allowance all the same).
      assertThat(threads).hasSizeLessThanOrEqualTo(3);
      assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitIdleWorker(ThreadPoolExecutor pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.getActiveCount() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no worker went back to waiting for tasks within 10 s");
      }
      Thread.sleep(1);
    }
  }

  @Test
  void the_platform_pool_grows_for_tasks_blocked_in_native_reads_that_look_runnable() throws Exception {
    ThreadPoolExecutor pool = ZenExecutors.scalingPool("zen-native-test", 64);
    int tasks = 8;
    java.util.List<java.nio.channels.Pipe> pipes = new java.util.ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      pipes.add(java.nio.channels.Pipe.open());
    }
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch finished = new CountDownLatch(tasks);
    try {
      for (int i = 0; i < tasks; i++) {
        java.nio.channels.Pipe own = pipes.get(i);
        pool.execute(() -> {
          try {
            if (started.incrementAndGet() == tasks) {
              for (java.nio.channels.Pipe pipe : pipes) {
                pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
              }
            }
            // Blocks in a native read (the thread stays RUNNABLE) until the last task has started.
            own.source().read(java.nio.ByteBuffer.allocate(1));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          finished.countDown();
        });
      }

      assertThat(finished.await(20, TimeUnit.SECONDS)).as("all %d tasks blocked together", tasks).isTrue();
    } finally {
      pool.shutdownNow();
      for (java.nio.channels.Pipe pipe : pipes) {
        pipe.sink().close();
        pipe.source().close();
      }
    }
  }

  @Test
  void a_burst_of_short_tasks_runs_on_the_base_threads() throws Exception {
    ThreadPoolExecutor pool = ZenExecutors.scalingPool("zen-burst-test", 1024);
    try {
      int tasks = 10_000;
      CountDownLatch finished = new CountDownLatch(tasks);
      for (int i = 0; i < tasks; i++) {
        pool.execute(finished::countDown);
      }

      assertThat(finished.await(20, TimeUnit.SECONDS)).isTrue();
      // Short tasks always make progress, so the pool never grows past its base size.
      assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void the_platform_pool_queues_past_its_bound_and_runs_everything() throws Exception {
    ThreadPoolExecutor pool = ZenExecutors.scalingPool("zen-bound-test", 3);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(10);
    try {
      for (int i = 0; i < 10; i++) {
        pool.execute(() -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          finished.countDown();
        });
      }

      // Every thread blocks, so the pool grows to its bound (within a few ticks) and no further.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // (A new thread takes its first task from the queue a moment after it starts.)
      while ((pool.getPoolSize() < 3 || pool.getQueue().size() > 7) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(pool.getPoolSize()).isEqualTo(3);
      assertThat(pool.getQueue()).hasSize(7);
      release.countDown();
      assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.getLargestPoolSize()).isEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.execute(() -> {}))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }
}
