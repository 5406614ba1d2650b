package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idle collection's decisions, period by period, with the JVM's collection count scripted. */
class IdleCollectorTest {
  private final AtomicLong jvmCollections = new AtomicLong(3);
  private final AtomicInteger asked = new AtomicInteger();
  private final ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
  /** Its own collection counts as one more, as System.gc() does. */
  private final IdleCollector collector = new IdleCollector(jvmCollections::get, () -> {
    asked.incrementAndGet();
    jvmCollections.incrementAndGet();
  }, unused);

  @AfterEach
  void close() {
    collector.close();
  }

  @Test
  void a_period_without_collections_after_start_up_collects_once_then_waits_for_work() {
    collector.check();
    collector.check();
    collector.check();

    assertThat(asked).hasValue(1);
  }

  @Test
  void while_the_jvm_keeps_collecting_it_never_collects_and_the_first_quiet_period_after_collects_once() {
    collector.check();
    assertThat(asked).hasValue(1);

    for (int period = 0; period < 5; period++) {
      jvmCollections.addAndGet(4);
      collector.check();
    }
    assertThat(asked).as("busy").hasValue(1);

    collector.check();
    collector.check();
    assertThat(asked).as("idle after work").hasValue(2);
  }

  @Test
  void its_own_collection_is_not_counted_as_work() {
    collector.check();
    collector.check();
    collector.check();

    jvmCollections.incrementAndGet();
    collector.check();
    collector.check();

    assertThat(asked).hasValue(2);
  }

  @Test
  void the_collection_runs_with_max_heap_free_ratio_lowered_and_restored_after_on_this_jvm() {
    IdleCollector.HeapFreeRatios jvm = IdleCollector.HeapFreeRatios.ofThisJvm();
    assertThat(jvm).as("HotSpot's diagnostic bean").isNotNull();
    int min = jvm.min();
    int max = jvm.max();
    // Surefire's JVM runs with the defaults (40 / 70): lowered to the higher of 30 and the minimum.
    int expected = Math.max(min, IdleCollector.IDLE_MAX_HEAP_FREE_PERCENT);
    assertThat(expected).as("this JVM's ratios leave room to lower").isLessThan(max);
    List<Integer> during = new ArrayList<>();

    IdleCollector.collectShrinking(jvm, () -> during.add(jvm.max()));

    assertThat(during).containsExactly(expected);
    assertThat(jvm.max()).as("restored").isEqualTo(max);
  }

  @Test
  void a_failing_collection_still_restores_the_ratio() {
    IdleCollector.HeapFreeRatios jvm = IdleCollector.HeapFreeRatios.ofThisJvm();
    int max = jvm.max();

    assertThatThrownBy(() -> IdleCollector.collectShrinking(jvm, () -> {
      throw new IllegalStateException("collector failed");
    })).hasMessage("collector failed");

    assertThat(jvm.max()).isEqualTo(max);
  }

  @Test
  void ratios_that_cannot_be_changed_or_read_still_collect() {
    List<String> ran = new ArrayList<>();
    IdleCollector.HeapFreeRatios refusing = new IdleCollector.HeapFreeRatios() {
      @Override
      public int min() {
        return 10;
      }

      @Override
      public int max() {
        return 70;
      }

      @Override
      public void setMax(int percent) {
        throw new IllegalArgumentException("not writeable");
      }
    };

    IdleCollector.collectShrinking(refusing, () -> ran.add("gc"));
    IdleCollector.collectShrinking(null, () -> ran.add("gc without ratios"));

    assertThat(ran).containsExactly("gc", "gc without ratios");
  }

  @Test
  void a_minimum_above_thirty_is_where_the_ratio_is_lowered_to_and_a_maximum_already_low_is_left_alone() {
    List<Integer> set = new ArrayList<>();
    class Scripted implements IdleCollector.HeapFreeRatios {
      final int min;
      int max;

      Scripted(int min, int max) {
        this.min = min;
        this.max = max;
      }

      @Override
      public int min() {
        return min;
      }

      @Override
      public int max() {
        return max;
      }

      @Override
      public void setMax(int percent) {
        set.add(percent);
        max = percent;
      }
    }

    IdleCollector.collectShrinking(new Scripted(40, 70), () -> { });
    assertThat(set).containsExactly(40, 70);

    set.clear();
    IdleCollector.collectShrinking(new Scripted(10, 30), () -> { });
    IdleCollector.collectShrinking(new Scripted(10, 20), () -> { });
    assertThat(set).as("nothing to lower").isEmpty();
  }
}
