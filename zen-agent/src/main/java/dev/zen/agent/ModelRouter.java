package dev.zen.agent;

import static dev.zen.agent.AgentFlow.finish;
import static dev.zen.agent.AgentFlow.goTo;

import dev.zen.ModelNotFoundException;
import dev.zen.gateway.ModelSpec;
import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Resolves the models the tool asked for ({@code auto} by the tool's category). */
final class ModelRouter implements AgentFlow.Stage {
  /** Tokens kept for the system prompt and the framing around files and history. */
  static final int FRAMING_TOKENS = 1_000;
  /** Input budget assumed when a tool reads files without choosing a model. */
  static final int NO_MODEL_BUDGET = 100_000;

  private final AgentServices services;

  ModelRouter(AgentServices services) {
    this.services = services;
  }

  @Override
  public CompletableFuture<Map<String, ?>> run(Call call, GraphState state, NodeContext node) {
    return services.models().catalog().thenApply(catalog -> {
      List<ModelSpec> resolved = new ArrayList<>();
      try {
        for (String name : call.tool.requestedModels(call.args, defaultModel(call, catalog))) {
          resolved.add(catalog.registry().resolve(name, call.tool.category()));
        }
      } catch (ModelNotFoundException e) {
        return finish(call, ToolOutcome.error(e.getMessage() + "."));
      }
      call.models = List.copyOf(resolved);
      if (!call.tool.usesFiles()) {
        // Without a file stage the history gets what the prompt leaves of the window.
        call.historyBudget = Math.max(0, inputBudget(call.models, services.options()) - FRAMING_TOKENS
            - Tokens.estimate(call.prompt()));
      }
      String next = call.tool.usesFiles() ? AgentFlow.FILES : call.tool.name();
      return goTo(next, Map.of("models", resolved.stream().map(ModelSpec::name).toList()));
    });
  }

  /**
   * The model a call gets when it names none: a continued conversation keeps the model of its last
   * answer (when that still resolves), else the configured default.
   */
  private String defaultModel(Call call, ModelCatalog catalog) {
    String configured = services.options().defaultModel();
    if (!call.continued || call.args.has(ToolParam.MODEL.name())) {
      return configured;
    }
    List<ConversationTurn> turns = call.conversation.turns();
    for (int i = turns.size() - 1; i >= 0; i--) {
      String previous = turns.get(i).model();
      if (previous != null) {
        return catalog.registry().find(previous).isPresent() ? previous : configured;
      }
    }
    return configured;
  }

  /** Input tokens a request may use: the smallest window among the models, less their answers' room. */
  static int inputBudget(List<ModelSpec> chosen, ZenAgentOptions options) {
    int budget = Integer.MAX_VALUE;
    for (ModelSpec spec : chosen) {
      int reserve = Math.min(spec.maxOutputTokens(), spec.contextWindow() / 4);
      budget = Math.min(budget, spec.contextWindow() - reserve);
    }
    if (chosen.isEmpty()) {
      budget = NO_MODEL_BUDGET;
    }
    if (options.maxRequestTokens().isPresent()) {
      budget = Math.min(budget, options.maxRequestTokens().get());
    }
    return budget;
  }
}
