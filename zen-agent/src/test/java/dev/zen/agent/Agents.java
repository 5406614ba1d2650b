package dev.zen.agent;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds agents for the tests over a small deterministic catalogue. */
final class Agents {
  private Agents() {}

  /** alpha (best, extended reasoning), beta (balanced), gamma (fast); all 32K context. */
  static ModelRegistry registry() {
    return ModelRegistry.builder().withoutBundled()
        .add(ModelSpec.builder("alpha").aliases("a").contextWindow(32_000).maxOutputTokens(4_000)
            .intelligenceScore(15).categories(ToolCategory.EXTENDED_REASONING).build())
        .add(ModelSpec.builder("beta").contextWindow(32_000).maxOutputTokens(4_000)
            .intelligenceScore(10).categories(ToolCategory.BALANCED).build())
        .add(ModelSpec.builder("gamma").contextWindow(32_000).maxOutputTokens(4_000)
            .intelligenceScore(8).categories(ToolCategory.FAST).build())
        .build();
  }

  static ZenAgent.Builder builder(GatewayDouble gateway, MemoryCheckpointStore store) {
    return ZenAgent.builder().gateway(gateway).checkpointStore(store).models(registry());
  }

  static ZenAgent agent(GatewayDouble gateway, MemoryCheckpointStore store) {
    return builder(gateway, store).build();
  }

  static ToolResult call(ZenAgent agent, String tool, Map<String, ?> arguments) {
    return agent.call(ToolCall.of(tool, arguments)).join();
  }

  /** A clock tests move forward. */
  static final class MovableClock extends Clock {
    volatile Instant now = Instant.parse("2025-06-01T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Collects progress reports. */
  static final class Reports {
    final List<ToolProgress> all = new CopyOnWriteArrayList<>();

    List<String> messages() {
      List<String> messages = new ArrayList<>();
      all.forEach(progress -> messages.add(progress.message()));
      return messages;
    }
  }
}
