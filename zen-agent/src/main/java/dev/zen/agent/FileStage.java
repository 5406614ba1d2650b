package dev.zen.agent;

import static dev.zen.agent.AgentFlow.done;
import static dev.zen.agent.AgentFlow.finish;
import static dev.zen.agent.AgentFlow.goTo;

import dev.zen.ContextLengthExceededException;
import dev.zen.InvalidRequestException;
import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import dev.zen.internal.Futures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Loads files within the token budget: as a stage for tools that declare
 * {@link ToolParam#FILES}, and on demand for tools that load files only sometimes
 * ({@link ToolContext#attachFiles}). The request, the files and the history share the model's
 * input window; the history gets at most two fifths, because the files and the request are what
 * the model must see.
 */
final class FileStage implements AgentFlow.Stage {
  private final AgentServices services;

  FileStage(AgentServices services) {
    this.services = services;
  }

  @Override
  public CompletableFuture<Map<String, ?>> run(Call call, GraphState state, NodeContext node) {
    CompletableFuture<Void> loading = load(call, call.args.strings(ToolParam.FILES.name()),
        call.args.string(call.tool.promptArgument()).orElse(""))
        .thenCompose(loaded -> call.tool.params().contains(ToolParam.IMAGES) && call.tool.usesModel()
            ? call.attachImages(call.args.strings(ToolParam.IMAGES.name())) : CompletableFuture.completedFuture(null));
    return Futures.cancelling(loading.handle((loaded, error) -> {
      if (error != null) {
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof InvalidRequestException invalid) {
          return finish(call, ToolOutcome.error(invalid.getMessage()));
        }
        throw new CompletionException(cause);
      }
      if (call.prompt().isBlank()) {
        return finish(call, ToolOutcome.error("The prompt is empty; say what you want from '" + call.tool.name()
            + "' (a long prompt can come as a file named " + FileLoader.PROMPT_FILE + ")."));
      }
      return goTo(call.tool.name(), Map.of("files", call.files.report()));
    }), loading);
  }

  /** {@link ToolContext#attachFiles}: the same loading, for a request the tool composed. */
  static CompletableFuture<Void> attach(Call call, List<String> paths, String request) {
    for (String path : paths) {
      String problem = call.services.rules().lexicalProblem(path, "files");
      if (problem != null) {
        return CompletableFuture.failedFuture(new InvalidRequestException(problem));
      }
    }
    return load(call, paths, request);
  }

  /**
   * Loads {@code paths} and the conversation's earlier files into {@code call.files} and sets the
   * history budget; the prompt from a {@code prompt.txt} among them counts against the budget.
   */
  private static CompletableFuture<Void> load(Call call, List<String> paths, String request) {
    AgentServices services = call.services;
    int input = ModelRouter.inputBudget(call.models, services.options());
    int remaining = input - ModelRouter.FRAMING_TOKENS - Tokens.estimate(request);
    if (remaining <= 0) {
      return CompletableFuture.failedFuture(tooLong(call, request, input));
    }
    Conversation conversation = call.conversation;
    int historyTokens = conversation.turns().stream().mapToInt(turn -> ConversationState.tokens(turn.text())).sum();
    int fileBudget = remaining - Math.min(historyTokens, remaining * 2 / 5);
    List<String> historyFiles = call.persistent ? conversation.filesNewestFirst() : List.of();
    CompletableFuture<FileBundle> loading = services.files().load(paths, historyFiles, fileBudget);
    return Futures.cancelling(loading.thenApply(bundle -> {
      call.files = bundle;
      String fromFile = bundle.promptFromFile();
      int requestTokens = Tokens.estimate(request) + (fromFile == null ? 0 : Tokens.estimate(fromFile));
      int left = input - ModelRouter.FRAMING_TOKENS - requestTokens - bundle.tokens();
      if (left < 0) {
        throw new CompletionException(tooLong(call, request + (fromFile == null ? "" : fromFile), input));
      }
      call.historyBudget = left;
      return null;
    }), loading).handle((ignored, error) -> {
      if (error == null) {
        return null;
      }
      Throwable cause = Futures.unwrap(error);
      if (cause instanceof FileLoader.RefusedPathException refused) {
        throw new CompletionException(new InvalidRequestException(refused.getMessage()
            + ". Pass files inside your project instead."));
      }
      throw new CompletionException(cause);
    });
  }

  private static ContextLengthExceededException tooLong(Call call, String request, int input) {
    String model = call.models.isEmpty() ? "the model" : "model '" + call.model().name() + "'";
    return new ContextLengthExceededException("The prompt (about " + String.format("%,d", Tokens.estimate(request))
        + " tokens) does not fit " + model + ", which takes about " + String.format("%,d", input)
        + " input tokens. Shorten it or choose a model with a larger context window (see listmodels).", null);
  }
}
