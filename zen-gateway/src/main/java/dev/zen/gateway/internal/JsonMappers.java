package dev.zen.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Jackson mappers for JSON read or written on Zen's runtime threads.
 *
 * <p>Jackson's default keeps each thread's parse and write buffers (~16 KB) in a thread-local. On
 * JDK 21 and later Zen's runtime executor starts a virtual thread per task, so every request body
 * written and every tool argument converted there allocated fresh buffers: a tenth of all the
 * bytes a {@code chat} call allocated (measured in BENCHMARKS.md). These mappers share one bounded
 * pool of buffers across threads instead; on JDK 17's pooled threads they allocate as before.
 */
public final class JsonMappers {
  private JsonMappers() {}

  /** A new mapper with Jackson's defaults, whose buffers come from a pool shared across threads. */
  public static ObjectMapper create() {
    return new ObjectMapper(factory());
  }

  /** A builder of such a mapper, for one that changes Jackson's defaults. */
  public static JsonMapper.Builder builder() {
    return JsonMapper.builder(factory());
  }

  private static JsonFactory factory() {
    // Bounded: a burst of calls never leaves more than the pool's capacity of buffers behind.
    return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
  }
}
