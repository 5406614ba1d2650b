package dev.zen.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What model calls consumed: tokens as the provider reported them, how many calls, and the cost in
 * USD at the catalogue's list prices when it gives them for the model (a gateway's own pricing,
 * discounts and caching are not known here).
 *
 * @param inputTokens tokens sent
 * @param outputTokens tokens generated
 * @param calls model calls that answered
 * @param costUsd the cost, or null when the catalogue has no prices for the model
 */
public record Usage(long inputTokens, long outputTokens, long calls, @Nullable Double costUsd) {
  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || calls < 0) {
      throw new IllegalArgumentException("usage counts must be >= 0");
    }
  }

  /** Both together; the cost stays known only when both costs are. */
  public Usage plus(Usage other) {
    return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens, calls + other.calls,
        costUsd == null || other.costUsd == null ? null : costUsd + other.costUsd);
  }

  /**
   * Usage by model as JSON-like maps, with totals ({@code input_tokens}, {@code output_tokens},
   * {@code calls}, {@code cost_usd} of the priced models, and {@code models}): what answers and
   * listings show.
   */
  public static Map<String, Object> summary(Map<String, Usage> byModel) {
    Map<String, Object> models = new LinkedHashMap<>();
    Usage total = new Usage(0, 0, 0, 0.0);
    boolean priced = true;
    double knownCost = 0;
    for (Map.Entry<String, Usage> entry : new TreeMap<>(byModel).entrySet()) {
      Usage usage = entry.getValue();
      models.put(entry.getKey(), encode(usage));
      total = total.plus(new Usage(usage.inputTokens(), usage.outputTokens(), usage.calls(), 0.0));
      if (usage.costUsd() == null) {
        priced = false;
      } else {
        knownCost += usage.costUsd();
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("input_tokens", total.inputTokens());
    report.put("output_tokens", total.outputTokens());
    report.put("calls", total.calls());
    report.put("cost_usd", round(knownCost));
    if (!priced) {
      report.put("cost_note", "some models have no prices in the catalogue; cost_usd counts the priced ones");
    }
    report.put("models", models);
    return report;
  }

  static Map<String, Object> encode(Usage usage) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("input_tokens", usage.inputTokens());
    map.put("output_tokens", usage.outputTokens());
    map.put("calls", usage.calls());
    if (usage.costUsd() != null) {
      map.put("cost_usd", round(usage.costUsd()));
    }
    return map;
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000.0) / 1_000_000.0;
  }
}
