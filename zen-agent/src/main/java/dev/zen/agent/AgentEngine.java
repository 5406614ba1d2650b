package dev.zen.agent;

import dev.zen.internal.Futures;
import dev.zen.GraphExecutionException;
import dev.zen.ModelNotFoundException;
import dev.zen.ZenException;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.Checkpointing;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunEvent;
import dev.zen.graph.RunResult;
import dev.zen.graph.StateChannel;
import dev.zen.gateway.ModelSpec;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.ModelGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tool calls as graphs of the seed's shape:
 *
 * <pre>
 * START → supervisor → model_router → file_processor → &lt;tool&gt; → response → END
 * </pre>
 *
 * Each stage may finish the call early (an error, a {@code resend_prompt}) by routing straight to
 * {@code response}; tools that need no model or files skip those stages. Continuable tools run on
 * a checkpointed graph whose thread id is the {@code continuation_id}; the others on an
 * uncheckpointed copy, so they leave nothing behind in the store.
 */
final class AgentEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentEngine.class);

  static final String GRAPH_NAME = "zen-agent";
  static final String SUPERVISOR = "supervisor";
  static final String ROUTER = "model_router";
  static final String FILES = "file_processor";
  static final String RESPONSE = "response";
  /** State key of the current call's bookkeeping; the input resets it, nodes merge into it. */
  static final String RUN = "run";
  /** State key of each tool's own thread state, by tool name (a workflow's steps, findings). */
  static final String TOOL_STATE = "tool_state";
  private static final String RESET = "reset";
  private static final String NEXT = "next";
  private static final String CALL_ID = "call_id";

  /** Tokens kept for the system prompt and the framing around files and history. */
  static final int FRAMING_TOKENS = 1_000;
  /** Input budget assumed when a tool reads files without choosing a model. */
  static final int NO_MODEL_BUDGET = 100_000;
  private static final Pattern THREAD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  final ModelGateway gateway;
  final ModelDirectory models;
  final CheckpointStore store;
  final ZenAgentOptions options;
  final ExecutorService executor;
  final Clock clock;
  final FileRules rules;
  final FileLoader files;
  final Map<String, ZenTool> tools;

  private final CompiledAgentGraph persistentGraph;
  private final CompiledAgentGraph ephemeralGraph;
  private final Map<String, Turn> live = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<ToolResult>> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  AgentEngine(ModelGateway gateway, dev.zen.gateway.ModelRegistry registry, CheckpointStore store,
      ZenAgentOptions options, ExecutorService executor, Clock clock, Map<String, ZenTool> tools) {
    this(gateway, registry, store, options, executor, clock, tools, FileRules.forThisMachine());
  }

  AgentEngine(ModelGateway gateway, dev.zen.gateway.ModelRegistry registry, CheckpointStore store,
      ZenAgentOptions options, ExecutorService executor, Clock clock, Map<String, ZenTool> tools, FileRules rules) {
    this.gateway = gateway;
    this.models = new ModelDirectory(registry, gateway, clock);
    this.store = store;
    this.options = options;
    this.executor = executor;
    this.clock = clock;
    this.rules = rules;
    this.files = new FileLoader(rules, executor, options.maxFileBytes());
    this.tools = Map.copyOf(tools);
    AgentGraph graph = define(tools.values());
    // A tool call is cheap to redo and each checkpoint holds the whole conversation: write one per
    // call (its final state) rather than one per graph step.
    this.persistentGraph = graph.compile(GraphOptions.builder().checkpointStore(store).executor(executor)
        .checkpointing(Checkpointing.ON_EXIT).build());
    this.ephemeralGraph = graph.compile(GraphOptions.builder().executor(executor).build());
  }

  // ---------------------------------------------------------------- calls

  CompletableFuture<ToolResult> call(ZenTool tool, ToolCall call) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("this ZenAgent is closed"));
    }
    List<String> errors = new ArrayList<>();
    Map<String, Object> args = tool.parse(call.arguments(), errors);
    if (errors.isEmpty()) {
      for (String argument : List.of("absolute_file_paths", "images")) {
        if (args.get(argument) instanceof List<?> paths) {
          for (Object path : paths) {
            String problem = rules.lexicalProblem((String) path, argument);
            if (problem != null) {
              errors.add(problem);
            }
          }
        }
      }
    }
    String continuation = args.get("continuation_id") instanceof String id ? id : null;
    if (errors.isEmpty() && continuation != null && !THREAD_ID.matcher(continuation).matches()) {
      errors.add("continuation_id '" + abbreviate(continuation) + "' is not an id Zen returned; "
          + "call again without continuation_id to start a new conversation");
    }
    if (!errors.isEmpty()) {
      return CompletableFuture.completedFuture(ToolResult.error("Invalid arguments for '" + tool.name() + "': "
          + String.join("; ", errors) + "."));
    }
    String threadId = continuation != null ? continuation : UUID.randomUUID().toString();
    Turn turn = new Turn(UUID.randomUUID().toString(), tool, args, threadId, tool.continuable(), continuation != null,
        new Progress(call.progressListener().orElse(null)), this);
    CompletableFuture<ToolResult> result = new CompletableFuture<>();
    active.add(result);
    result.whenComplete((value, error) -> {
      active.remove(result);
      if (result.isCancelled()) {
        turn.cancel();
      }
    });
    if (!turn.persistent) {
      start(turn, result, ephemeralGraph);
      return result;
    }
    // Calls on one conversation run in arrival order: two runs on a thread would interleave their
    // checkpoints and each would miss the other's turns.
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> previous = lanes.put(threadId, done);
    result.whenComplete((value, error) -> {
      done.complete(null);
      lanes.remove(threadId, done);
    });
    CompletableFuture<Void> ready = previous == null ? CompletableFuture.completedFuture(null) : previous;
    ready.whenComplete((ignored, error) -> {
      if (result.isDone()) {
        return;
      }
      if (!turn.continued) {
        start(turn, result, persistentGraph);
        return;
      }
      CompletableFuture<Optional<String>> check = threadProblem(threadId);
      result.whenComplete((value, failure) -> check.cancel(true));
      check.whenComplete((problem, failure) -> {
        if (failure != null) {
          result.completeExceptionally(Futures.unwrap(failure));
        } else if (problem.isPresent()) {
          result.complete(ToolResult.error(problem.get()));
        } else if (!result.isDone()) {
          start(turn, result, persistentGraph);
        }
      });
    });
    return result;
  }

  /** Why a continuation cannot be used (unknown, expired), or empty when it can. */
  private CompletableFuture<Optional<String>> threadProblem(String threadId) {
    return store.latest(threadId).toCompletableFuture().thenApply(latest -> {
      Map<String, @Nullable Object> state = latest.map(Checkpoint::state).orElse(Map.of());
      Long updatedAt = Conversation.updatedAt(state.get(Conversation.META));
      if (latest.isEmpty() || updatedAt == null || Conversation.turns(state.get(Conversation.TURNS)).isEmpty()) {
        return Optional.of("continuation_id '" + threadId + "' was not found: the conversation never existed, "
            + "expired or was deleted. Call the tool again without continuation_id to start a new conversation, "
            + "and include in the prompt the context the model needs.");
      }
      Duration idle = Duration.ofMillis(Math.max(0, clock.millis() - updatedAt));
      if (idle.compareTo(options.conversationTimeout()) > 0) {
        store.deleteThread(threadId).whenComplete((deleted, error) -> {
          if (error != null) {
            LOG.debug("could not delete expired conversation {}", threadId, error);
          }
        });
        return Optional.of("continuation_id '" + threadId + "' has expired: its last turn was "
            + Prompts.human(Duration.ofMinutes(idle.toMinutes()).plusMinutes(idle.toMinutes() == 0 ? 1 : 0))
            + " ago and conversations expire after " + Prompts.human(options.conversationTimeout())
            + ". Call the tool again without continuation_id to start a new conversation, and include in the "
            + "prompt the context the model needs.");
      }
      return Optional.empty();
    });
  }

  private void start(Turn turn, CompletableFuture<ToolResult> result, CompiledAgentGraph graph) {
    live.put(turn.callId, turn);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put(RESET, true);
    run.put(CALL_ID, turn.callId);
    run.put("tool", turn.tool.name());
    // Argument names only: the prompt is stored once, in the turns, not in every checkpoint's bookkeeping.
    run.put("arguments", List.copyOf(turn.args.keySet()));
    run.put("started_at", clock.millis());
    RunConfig config = RunConfig.builder(turn.threadId).listener(event -> onEvent(turn, event)).build();
    CompletableFuture<RunResult> running;
    try {
      running = graph.invoke(Map.of(RUN, run), config);
    } catch (RuntimeException e) {
      live.remove(turn.callId);
      result.completeExceptionally(e);
      return;
    }
    result.whenComplete((value, error) -> {
      if (result.isCancelled()) {
        running.cancel(true);
      }
    });
    running.whenComplete((ran, error) -> {
      live.remove(turn.callId);
      Outcome outcome = turn.outcome;
      if (turn.persistent && !turn.continued && (outcome == null || !outcome.remember())) {
        // A new thread that stored no turn is of no use to anyone: leave nothing behind, and answer
        // once it is gone so no caller sees it half-deleted.
        store.deleteThread(turn.threadId).whenComplete((deleted, failure) -> {
          if (failure != null) {
            LOG.debug("could not delete unused thread {}", turn.threadId, failure);
          }
          settle(turn, result, error);
        });
      } else {
        settle(turn, result, error);
      }
    });
  }

  private static void settle(Turn turn, CompletableFuture<ToolResult> result, @Nullable Throwable error) {
    ToolResult answer = turn.result;
    if (error != null) {
      Throwable cause = Futures.unwrap(error);
      if (!(cause instanceof CancellationException)) {
        LOG.debug("tool {} failed on thread {}", turn.tool.name(), turn.threadId, cause);
      }
      result.completeExceptionally(cause instanceof ZenException || cause instanceof CancellationException ? cause
          : new GraphExecutionException("tool '" + turn.tool.name() + "' failed: " + Futures.describe(cause),
              GRAPH_NAME, null, turn.threadId, cause));
    } else if (answer == null) {
      result.completeExceptionally(new GraphExecutionException("tool '" + turn.tool.name()
          + "' ended without an answer", GRAPH_NAME, null, turn.threadId, null));
    } else {
      result.complete(answer);
    }
  }

  private void onEvent(Turn turn, RunEvent event) {
    if (event instanceof RunEvent.NodeStarted started) {
      String node = started.node();
      String what = switch (node) {
        case SUPERVISOR -> "checking the request";
        case ROUTER -> "choosing the model";
        case FILES -> "reading files";
        case RESPONSE -> "preparing the answer";
        default -> turn.models.isEmpty() ? "working"
            : "asking " + String.join(", ", turn.models.stream().map(ModelSpec::name).distinct().toList());
      };
      turn.progress.report(node + ": " + what + (started.attempt() > 1 ? " (attempt " + started.attempt() + ")" : ""));
    }
  }

  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<ToolResult> call : List.copyOf(active)) {
      call.cancel(true);
    }
  }

  // ---------------------------------------------------------------- graph

  private AgentGraph define(java.util.Collection<ZenTool> offered) {
    Map<String, String> afterSupervisor = new LinkedHashMap<>();
    Map<String, String> afterRouter = new LinkedHashMap<>();
    Map<String, String> afterFiles = new LinkedHashMap<>();
    for (String target : List.of(ROUTER, FILES, RESPONSE)) {
      afterSupervisor.put(target, target);
    }
    afterRouter.put(FILES, FILES);
    afterRouter.put(RESPONSE, RESPONSE);
    afterFiles.put(RESPONSE, RESPONSE);
    AgentGraph.Builder builder = AgentGraph.builder(GRAPH_NAME)
        .channel(RUN, StateChannel.reducing(Map.of(), AgentEngine::mergeRun))
        .channel(Conversation.TURNS, StateChannel.appending())
        .channel(TOOL_STATE, StateChannel.reducing(Map.of(), AgentEngine::mergeMaps))
        .node(SUPERVISOR, this::supervise)
        .node(ROUTER, this::route)
        .node(FILES, this::loadFiles)
        .node(RESPONSE, this::respond)
        .edge(AgentGraph.START, SUPERVISOR)
        .edge(RESPONSE, AgentGraph.END);
    for (ZenTool tool : offered) {
      builder.node(tool.name(), toolNode(tool)).edge(tool.name(), RESPONSE);
      afterSupervisor.put(tool.name(), tool.name());
      afterRouter.put(tool.name(), tool.name());
      afterFiles.put(tool.name(), tool.name());
    }
    return builder
        .conditionalEdges(SUPERVISOR, AgentEngine::next, afterSupervisor)
        .conditionalEdges(ROUTER, AgentEngine::next, afterRouter)
        .conditionalEdges(FILES, AgentEngine::next, afterFiles)
        .build();
  }

  private static @Nullable Object mergeRun(@Nullable Object current, @Nullable Object update) {
    if (!(update instanceof Map<?, ?> changes)) {
      return current;
    }
    Map<String, @Nullable Object> merged = new LinkedHashMap<>();
    if (!Boolean.TRUE.equals(changes.get(RESET)) && current instanceof Map<?, ?> previous) {
      previous.forEach((key, value) -> merged.put((String) key, value));
    }
    changes.forEach((key, value) -> {
      if (!RESET.equals(key)) {
        merged.put((String) key, value);
      }
    });
    return merged;
  }

  /** Shallow merge: each tool replaces only its own entry. */
  private static @Nullable Object mergeMaps(@Nullable Object current, @Nullable Object update) {
    Map<String, @Nullable Object> merged = new LinkedHashMap<>();
    if (current instanceof Map<?, ?> previous) {
      previous.forEach((key, value) -> merged.put((String) key, value));
    }
    if (update instanceof Map<?, ?> changes) {
      changes.forEach((key, value) -> merged.put((String) key, value));
    }
    return merged;
  }

  private static String next(GraphState state) {
    Object run = state.value(RUN).orElse(Map.of());
    return run instanceof Map<?, ?> map && map.get(NEXT) instanceof String next ? next : RESPONSE;
  }

  private Turn turnOf(GraphState state) {
    Object run = state.value(RUN).orElse(Map.of());
    Object callId = run instanceof Map<?, ?> map ? map.get(CALL_ID) : null;
    Turn turn = callId == null ? null : live.get(callId);
    if (turn == null) {
      throw new IllegalStateException("no live tool call " + callId + " for this run; Zen agent runs are not "
          + "resumable, call the tool again");
    }
    return turn;
  }

  private static Map<String, Object> goTo(String next, Map<String, Object> extra) {
    Map<String, Object> run = new LinkedHashMap<>(extra);
    run.put(NEXT, next);
    return Map.of(RUN, run);
  }

  private static Map<String, Object> finish(Turn turn, Outcome outcome) {
    turn.outcome = outcome;
    return goTo(RESPONSE, Map.of("status", outcome.status()));
  }

  /** Checks what needs the conversation state: the turn cap and the prompt size. */
  private CompletableFuture<Map<String, ?>> supervise(GraphState state, NodeContext context) {
    Turn turn = turnOf(state);
    if (turn.persistent) {
      turn.history = Conversation.turns(state.value(Conversation.TURNS).orElse(null));
      if (state.value(TOOL_STATE).orElse(null) instanceof Map<?, ?> all
          && all.get(turn.tool.name()) instanceof Map<?, ?> own) {
        @SuppressWarnings("unchecked")
        Map<String, Object> kept = (Map<String, Object>) own;
        turn.toolState = kept;
      }
    }
    int max = options.maxConversationTurns();
    if (turn.persistent && turn.history.size() + 2 > max) {
      return done(finish(turn, Outcome.error("This conversation has reached its limit of " + max
          + " turns. Call the tool again without continuation_id to start a new conversation, and summarize in "
          + "the prompt what the model needs from this one.")));
    }
    String prompt = turn.string("prompt");
    if (prompt != null && prompt.length() > options.maxPromptChars()) {
      String how = turn.tool.usesFiles()
          ? "Save the prompt text to a file named " + FileLoader.PROMPT_FILE + " and call this tool again with an "
              + "empty prompt and that file's absolute path in absolute_file_paths."
          : "Shorten the prompt and call this tool again.";
      return done(finish(turn, Outcome.notice("resend_prompt", "The prompt is too large for MCP's limits ("
          + String.format("%,d", prompt.length()) + " characters; the limit is "
          + String.format("%,d", options.maxPromptChars()) + "). " + how,
          Map.of("prompt_chars", prompt.length(), "max_prompt_chars", options.maxPromptChars()))));
    }
    if (prompt != null && prompt.isBlank() && !turn.tool.usesFiles()) {
      return done(finish(turn, Outcome.error("The prompt is empty; say what you want from '" + turn.tool.name() + "'.")));
    }
    String next = turn.tool.usesModel() ? ROUTER : turn.tool.usesFiles() ? FILES : turn.tool.name();
    return done(goTo(next, Map.of("turns_before", turn.history.size())));
  }

  /** Resolves the models the tool asked for ({@code auto} by the tool's category). */
  private CompletableFuture<Map<String, ?>> route(GraphState state, NodeContext context) {
    Turn turn = turnOf(state);
    return models.snapshot().thenApply(snapshot -> {
      List<ModelSpec> resolved = new ArrayList<>();
      try {
        for (String name : turn.tool.requestedModels(turn.args, options.defaultModel())) {
          resolved.add(snapshot.registry().resolve(name, turn.tool.category()));
        }
      } catch (ModelNotFoundException e) {
        return finish(turn, Outcome.error(e.getMessage() + "."));
      }
      turn.models = List.copyOf(resolved);
      if (!turn.tool.usesFiles()) {
        // Without a file stage the history gets what the prompt leaves of the window.
        turn.historyBudget = Math.max(0, inputBudget(turn.models) - FRAMING_TOKENS - Tokens.estimate(turn.prompt()));
      }
      String next = turn.tool.usesFiles() ? FILES : turn.tool.name();
      return goTo(next, Map.of("models", resolved.stream().map(ModelSpec::name).toList()));
    });
  }

  /** Loads the request's files and the conversation's earlier files within the token budget. */
  private CompletableFuture<Map<String, ?>> loadFiles(GraphState state, NodeContext context) {
    Turn turn = turnOf(state);
    int input = inputBudget(turn.models);
    String inlinePrompt = turn.string("prompt") == null ? "" : turn.string("prompt");
    int remaining = input - FRAMING_TOKENS - Tokens.estimate(inlinePrompt);
    if (remaining <= 0) {
      return done(finish(turn, tooLong(turn, input)));
    }
    int historyTokens = turn.history.stream().mapToInt(t -> Tokens.estimate((String) t.get(Conversation.TEXT)) + 4).sum();
    // History gets at most two fifths: the files and the request are what the model must see.
    int fileBudget = remaining - Math.min(historyTokens, remaining * 2 / 5);
    List<String> historyFiles = turn.persistent ? Conversation.filesNewestFirst(turn.history) : List.of();
    CompletableFuture<FileBundle> loading = files.load(turn.strings("absolute_file_paths"), historyFiles, fileBudget);
    return Futures.cancelling(loading.handle((bundle, error) -> {
      if (error != null) {
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof FileLoader.RefusedPathException refused) {
          return finish(turn, Outcome.error(refused.getMessage() + ". Pass files inside your project instead."));
        }
        throw new java.util.concurrent.CompletionException(cause);
      }
      turn.files = bundle;
      String prompt = turn.prompt();
      if (prompt.isBlank()) {
        return finish(turn, Outcome.error("The prompt is empty; say what you want from '" + turn.tool.name()
            + "' (a long prompt can come as a file named " + FileLoader.PROMPT_FILE + ")."));
      }
      int left = input - FRAMING_TOKENS - Tokens.estimate(prompt) - bundle.tokens();
      if (left < 0) {
        return finish(turn, tooLong(turn, input));
      }
      turn.historyBudget = left;
      return goTo(turn.tool.name(), Map.of("files", bundle.report()));
    }), loading);
  }

  private Outcome tooLong(Turn turn, int input) {
    String model = turn.models.isEmpty() ? "the model" : "model '" + turn.model().name() + "'";
    return Outcome.error("The prompt (about " + String.format("%,d", Tokens.estimate(turn.prompt()))
        + " tokens) does not fit " + model + ", which takes about " + String.format("%,d", input)
        + " input tokens. Shorten it or choose a model with a larger context window (see listmodels).");
  }

  /** Input tokens a request may use: the smallest window among the models, less their answers' room. */
  int inputBudget(List<ModelSpec> chosen) {
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

  private AsyncNode toolNode(ZenTool tool) {
    ToolNode work = tool.node();
    return (state, context) -> {
      Turn turn = turnOf(state);
      CompletableFuture<Outcome> running = work.run(turn, context);
      CompletableFuture<Map<String, ?>> update = running.thenApply(outcome -> finish(turn, outcome));
      return Futures.cancelling(update, running);
    };
  }

  /** Turns the outcome into the result and, for a conversation, stores the exchange as two turns. */
  private CompletableFuture<Map<String, ?>> respond(GraphState state, NodeContext context) {
    Turn turn = turnOf(state);
    Outcome outcome = turn.outcome;
    if (outcome == null) {
      outcome = Outcome.error("Tool '" + turn.tool.name() + "' produced no answer; this is a bug in Zen.");
      turn.outcome = outcome;
    }
    long now = clock.millis();
    boolean store = turn.persistent && outcome.remember();
    boolean continuable = turn.persistent && (store || turn.continued);
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("status", outcome.status());
    structured.put("content", outcome.content());
    structured.put("tool", turn.tool.name());
    if (outcome.model() != null) {
      structured.put("model", outcome.model());
    }
    if (!turn.files.isEmpty()) {
      structured.put("files", turn.files.report());
    }
    structured.putAll(outcome.extra());
    StringBuilder text = new StringBuilder(outcome.content());
    String summary = turn.files.summary();
    if (!summary.isEmpty() && !outcome.error()) {
      text.append("\n\n").append(summary);
    }
    Map<String, Object> update = new LinkedHashMap<>(goTo(AgentGraph.END, Map.of("status", outcome.status())));
    if (continuable) {
      int used = turn.history.size() + (store ? 2 : 0);
      int left = Math.max(0, options.maxConversationTurns() - used);
      structured.put("continuation_id", turn.threadId);
      structured.put("turns_left", left);
      text.append("\n\n---\ncontinuation_id: ").append(turn.threadId).append(" (pass it as continuation_id to "
          + "continue this conversation with any Zen tool; ").append(left).append(" turns left)");
    }
    if (store) {
      List<String> images = turn.strings("images");
      update.put(Conversation.TURNS, List.of(
          Conversation.userTurn(turn.tool.name(), turn.prompt(), turn.files.requested(), images, now),
          Conversation.assistantTurn(turn.tool.name(), outcome.content(), outcome.model(), now)));
      update.put(Conversation.META, Conversation.meta(state.value(Conversation.META).orElse(null), turn.tool.name(), now));
      if (!outcome.toolState().isEmpty()) {
        update.put(TOOL_STATE, Map.of(turn.tool.name(), outcome.toolState()));
      }
    }
    turn.result = new ToolResult(text.toString(), structured, outcome.error(), continuable ? turn.threadId : null);
    return done(update);
  }

  private static CompletableFuture<Map<String, ?>> done(Map<String, ?> update) {
    return CompletableFuture.completedFuture(update);
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
