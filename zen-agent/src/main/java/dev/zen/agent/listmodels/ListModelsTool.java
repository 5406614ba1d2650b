package dev.zen.agent.listmodels;

import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.Usage;
import dev.zen.agent.ZenTool;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import dev.zen.spi.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Lists the models calls may name: the catalogue's and those the gateway serves. */
public final class ListModelsTool extends ZenTool {
  public ListModelsTool() {
    super("listmodels", "List the models Zen can use, with context windows and capabilities, marking those the "
        + "gateway serves and what 'auto' picks; with continuation_id, also what that conversation used.",
        List.of(ToolParam.CONTINUATION));
  }

  @Override
  protected String title() {
    return "List models";
  }

  @Override
  protected boolean openWorld() {
    return true;
  }

  @Override
  protected boolean usesModel() {
    return false;
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    return context.catalog().thenApply(snapshot -> {
      Set<String> listed = snapshot.listed().stream().map(info -> info.id().toLowerCase(Locale.ROOT))
          .collect(Collectors.toSet());
      List<Map<String, Object>> models = new ArrayList<>();
      StringBuilder text = new StringBuilder("# Models\n\n");
      String defaultModel = context.options().defaultModel();
      text.append("Default model: ").append(defaultModel).append('\n');
      Map<String, Object> auto = new LinkedHashMap<>();
      for (ToolCategory category : ToolCategory.values()) {
        try {
          auto.put(category.name().toLowerCase(Locale.ROOT), snapshot.registry().auto(category).name());
        } catch (RuntimeException e) {
          auto.put(category.name().toLowerCase(Locale.ROOT), null);
        }
      }
      text.append("'auto' picks: ").append(auto.entrySet().stream()
          .map(e -> e.getKey() + " -> " + e.getValue()).collect(Collectors.joining(", "))).append("\n");
      if (snapshot.listingError() != null) {
        text.append("The gateway did not list its models (").append(snapshot.listingError())
            .append("); the catalogue follows.\n");
      } else {
        text.append("The gateway serves ").append(snapshot.listed().size()).append(" models.\n");
      }
      text.append('\n');
      for (ModelSpec spec : snapshot.registry().models()) {
        boolean served = listed.contains(spec.name().toLowerCase(Locale.ROOT))
            || spec.aliases().stream().anyMatch(alias -> listed.contains(alias.toLowerCase(Locale.ROOT)));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", spec.name());
        model.put("aliases", spec.aliases());
        model.put("description", spec.description());
        model.put("context_window", spec.contextWindow());
        model.put("max_output_tokens", spec.maxOutputTokens());
        model.put("supports_images", spec.supportsImages());
        model.put("supports_thinking", spec.supportsThinking());
        model.put("intelligence_score", spec.intelligenceScore());
        model.put("origin", spec.origin().name().toLowerCase(Locale.ROOT));
        model.put("served_by_gateway", served);
        models.add(model);
        text.append("- ").append(spec.name());
        if (!spec.aliases().isEmpty()) {
          text.append(" (aliases: ").append(String.join(", ", spec.aliases())).append(')');
        }
        text.append(": ").append(String.format("%,d", spec.contextWindow())).append(" tokens context");
        if (spec.supportsImages()) {
          text.append(", images");
        }
        if (spec.supportsThinking()) {
          text.append(", thinking");
        }
        if (served) {
          text.append(", served by the gateway");
        }
        if (!spec.description().isBlank()) {
          text.append(" - ").append(spec.description());
        }
        text.append('\n');
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("default_model", defaultModel);
      extra.put("auto", auto);
      extra.put("models", models);
      extra.put("gateway_models", snapshot.listed().stream().map(ModelInfo::id).toList());
      if (snapshot.listingError() != null) {
        extra.put("gateway_error", snapshot.listingError());
      }
      Map<String, Usage> conversation = context.conversation().usage();
      Map<String, Usage> lifetime = context.lifetimeUsage();
      if (context.conversation().continued()) {
        extra.put("usage_conversation", Usage.summary(conversation));
        usage(text, "this conversation", conversation);
      }
      extra.put("usage_server", Usage.summary(lifetime));
      usage(text, "this server since it started", lifetime);
      return ToolOutcome.notice("success", text.toString().strip()).withExtra(extra);
    });
  }

  private static void usage(StringBuilder text, String scope, Map<String, Usage> byModel) {
    text.append("\nUsage of ").append(scope).append(':');
    if (byModel.isEmpty()) {
      text.append(" none yet\n");
      return;
    }
    text.append('\n');
    byModel.forEach((model, usage) -> text.append("- ").append(model).append(": ").append(usage.calls())
        .append(" calls, ").append(String.format("%,d", usage.inputTokens())).append(" tokens in, ")
        .append(String.format("%,d", usage.outputTokens())).append(" out")
        .append(usage.costUsd() == null ? "" : String.format(java.util.Locale.ROOT, ", $%.4f", usage.costUsd()))
        .append('\n'));
  }
}
