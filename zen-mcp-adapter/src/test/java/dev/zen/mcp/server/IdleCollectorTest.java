package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

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
}
