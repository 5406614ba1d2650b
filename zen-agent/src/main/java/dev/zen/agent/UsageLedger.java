package dev.zen.agent;

import dev.zen.gateway.ModelSpec;
import dev.zen.spi.ChatReply;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Usage per model, added up as answers arrive: one per call (what the call reports and stores in
 * its conversation) and one per agent (the server's lifetime totals). Thread-safe.
 */
final class UsageLedger {
  private final Map<String, Usage> byModel = new ConcurrentHashMap<>();

  /** Adds one answer of {@code model} (the name the request used), priced from {@code known} specs. */
  void add(String model, ChatReply reply, List<ModelSpec> known) {
    Double cost = null;
    for (ModelSpec spec : known) {
      if (spec.answersTo(model)) {
        cost = spec.costOf(reply.usage()).orElse(null);
        break;
      }
    }
    Usage usage = new Usage(reply.usage().inputTokens(), reply.usage().outputTokens(), 1, cost);
    byModel.merge(model, usage, Usage::plus);
  }

  void addAll(Map<String, Usage> more) {
    more.forEach((model, usage) -> byModel.merge(model, usage, Usage::plus));
  }

  /** A snapshot, by model name. */
  Map<String, Usage> snapshot() {
    return Map.copyOf(new TreeMap<>(byModel));
  }

  boolean isEmpty() {
    return byModel.isEmpty();
  }

  static Usage decode(Map<?, ?> map) {
    return new Usage(number(map.get("input_tokens")), number(map.get("output_tokens")), number(map.get("calls")),
        map.get("cost_usd") instanceof Number cost ? cost.doubleValue() : null);
  }

  private static long number(Object value) {
    return value instanceof Number number ? Math.max(0, number.longValue()) : 0;
  }

}
