package dev.zen.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JsonMappersTest {
  @Test
  void a_thread_reuses_the_buffers_another_thread_released() throws Exception {
    RecyclerPool<BufferRecycler> pool = JsonMappers.create().getFactory()._getRecyclerPool();
    AtomicReference<BufferRecycler> first = new AtomicReference<>();
    AtomicReference<BufferRecycler> second = new AtomicReference<>();
    // Each on a thread of its own, as the runtime's virtual threads are: a thread-local pool would
    // hand the second thread new buffers.
    runOnNewThread(() -> {
      BufferRecycler recycler = pool.acquireAndLinkPooled();
      first.set(recycler);
      recycler.releaseToPool();
    });
    runOnNewThread(() -> {
      BufferRecycler recycler = pool.acquireAndLinkPooled();
      second.set(recycler);
      recycler.releaseToPool();
    });
    assertThat(second.get()).isSameAs(first.get());
  }

  @Test
  void mappers_read_and_write_as_jacksons_defaults_do() throws Exception {
    ObjectMapper pooled = JsonMappers.create();
    ObjectMapper plain = new ObjectMapper();
    Map<String, Object> value = Map.of("text", "é \"quoted\" " + "x".repeat(20_000), "n", 42);
    assertThat(pooled.writeValueAsString(value)).isEqualTo(plain.writeValueAsString(value));
    assertThat(pooled.readTree(plain.writeValueAsBytes(value))).isEqualTo(plain.readTree(plain.writeValueAsBytes(value)));
    assertThat(JsonMappers.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(Map.of("a", 1)))
        .isEqualTo(plain.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("a", 1)));
  }

  private static void runOnNewThread(Runnable task) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    thread.start();
    thread.join();
    assertThat(failure.get()).isNull();
  }
}
