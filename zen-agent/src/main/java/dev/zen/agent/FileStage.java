package dev.zen.agent;

import static dev.zen.agent.AgentFlow.done;
import static dev.zen.agent.AgentFlow.finish;
import static dev.zen.agent.AgentFlow.goTo;

import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import dev.zen.internal.Futures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Loads the request's files and the conversation's earlier files within the token budget. */
final class FileStage implements AgentFlow.Stage {
  private final AgentServices services;

  FileStage(AgentServices services) {
    this.services = services;
  }

  @Override
  public CompletableFuture<Map<String, ?>> run(Call call, GraphState state, NodeContext node) {
    int input = ModelRouter.inputBudget(call.models, services.options());
    String inlinePrompt = call.args.string("prompt").orElse("");
    int remaining = input - ModelRouter.FRAMING_TOKENS - Tokens.estimate(inlinePrompt);
    if (remaining <= 0) {
      return done(finish(call, tooLong(call, input)));
    }
    Conversation conversation = call.conversation;
    int historyTokens = conversation.turns().stream().mapToInt(turn -> ConversationState.tokens(turn.text())).sum();
    // History gets at most two fifths: the files and the request are what the model must see.
    int fileBudget = remaining - Math.min(historyTokens, remaining * 2 / 5);
    List<String> historyFiles = call.persistent ? conversation.filesNewestFirst() : List.of();
    CompletableFuture<FileBundle> loading = services.files().load(call.args.strings("absolute_file_paths"),
        historyFiles, fileBudget);
    return Futures.cancelling(loading.handle((bundle, error) -> {
      if (error != null) {
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof FileLoader.RefusedPathException refused) {
          return finish(call, ToolOutcome.error(refused.getMessage() + ". Pass files inside your project instead."));
        }
        throw new CompletionException(cause);
      }
      call.files = bundle;
      String prompt = call.prompt();
      if (prompt.isBlank()) {
        return finish(call, ToolOutcome.error("The prompt is empty; say what you want from '" + call.tool.name()
            + "' (a long prompt can come as a file named " + FileLoader.PROMPT_FILE + ")."));
      }
      int left = input - ModelRouter.FRAMING_TOKENS - Tokens.estimate(prompt) - bundle.tokens();
      if (left < 0) {
        return finish(call, tooLong(call, input));
      }
      call.historyBudget = left;
      return goTo(call.tool.name(), Map.of("files", bundle.report()));
    }), loading);
  }

  private static ToolOutcome tooLong(Call call, int input) {
    String model = call.models.isEmpty() ? "the model" : "model '" + call.model().name() + "'";
    return ToolOutcome.error("The prompt (about " + String.format("%,d", Tokens.estimate(call.prompt()))
        + " tokens) does not fit " + model + ", which takes about " + String.format("%,d", input)
        + " input tokens. Shorten it or choose a model with a larger context window (see listmodels).");
  }
}
