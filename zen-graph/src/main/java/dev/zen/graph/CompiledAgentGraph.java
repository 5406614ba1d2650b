package dev.zen.graph;

import dev.zen.GraphDefinitionException;
import dev.zen.UnknownThreadException;
import dev.zen.internal.Checks;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.StateValues;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.action.AsyncCommandAction;
import org.bsc.langgraph4j.action.AsyncNodeActionWithConfig;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Reducer;
import org.jspecify.annotations.Nullable;

/**
 * A graph ready to run. Thread-safe: any number of runs may be in flight at once, on the same or
 * different threads (a thread is a conversation; two concurrent runs on one thread interleave
 * their checkpoints, so callers usually serialize runs per thread).
 *
 * <p>Runs on a thread that already has checkpoints start from the thread's latest state, with the
 * input merged in through the channels: that is how a conversation continues.
 */
public final class CompiledAgentGraph {
  private final String name;
  private final GraphOptions options;
  private final CompiledGraph<AgentState> compiled;
  private final @Nullable CheckpointStoreSaver saver;

  CompiledAgentGraph(AgentGraph graph, GraphOptions options) {
    this.name = graph.name();
    this.options = options;
    this.saver = options.checkpointStore()
        .map(store -> new CheckpointStoreSaver(store, options.storeTimeout(), graph.name(), options.latestCheckpointOnly()))
        .orElse(null);
    this.compiled = assemble(graph, options, saver);
  }

  /** The bridge to the store, when the graph has one. */
  @Nullable CheckpointStoreSaver saver() {
    return saver;
  }

  public String name() {
    return name;
  }

  public GraphOptions options() {
    return options;
  }

  /**
   * Runs the graph on {@code config.threadId()} and completes with its result: at the end, or at
   * an interrupt. Fails with {@link dev.zen.GraphExecutionException} naming the graph, node and
   * thread. Cancelling the future stops the run at once and cancels the node futures in flight.
   *
   * <p>The run starts on the runtime executor, never on the calling thread. One exception saves
   * the thread hand-offs of a caller that waits: a thread that calls {@code join()} on the returned
   * future before the executor has started the run runs it itself (as {@code ForkJoinTask.join}
   * does), until it ends or a node has to wait; a node's completion then continues the run on the
   * executor as usual. A thread inside a node's own code, or an interrupted one, only waits.
   *
   * @throws IllegalArgumentException if the input holds values that are not state values
   */
  public CompletableFuture<RunResult> invoke(Map<String, ?> input, RunConfig config) {
    return start(GraphInput.args(freezeInput(input)), config, null).result();
  }

  /** {@link #invoke(Map, RunConfig)} on {@code threadId} without a listener. */
  public CompletableFuture<RunResult> invoke(Map<String, ?> input, String threadId) {
    return invoke(input, RunConfig.forThread(requireThread(threadId)));
  }

  /**
   * The run's events as a stream: subscribing starts the run; it ends with
   * {@link RunEvent.RunCompleted} then {@code onComplete}, or {@code onError} with the run's
   * failure. Cancelling the subscription cancels the run. Events are buffered until requested, so
   * nothing is lost to a slow subscriber. One subscriber per returned publisher.
   */
  public Flow.Publisher<RunEvent> stream(Map<String, ?> input, RunConfig config) {
    GraphInput graphInput = GraphInput.args(freezeInput(input));
    return new RunEventStream(listener -> start(graphInput, config, listener).result(), options.executor());
  }

  /**
   * Continues the thread from its latest checkpoint (typically a run paused at an interrupt),
   * applying {@code updates} to the state first.
   *
   * @throws IllegalStateException when the graph has no checkpoint store
   */
  public CompletableFuture<RunResult> resume(RunConfig config, Map<String, ?> updates) {
    CheckpointStore store = requireStore("resume");
    Map<String, Object> frozen = freezeInput(updates);
    return store.latest(config.threadId()).toCompletableFuture().thenCompose(latest -> {
      if (latest.isEmpty()) {
        return CompletableFuture.failedFuture(new UnknownThreadException("graph '" + name + "' cannot resume thread '"
            + config.threadId() + "': it has no checkpoints (never run, expired or deleted); start it with invoke",
            config.threadId()));
      }
      return start(GraphInput.resume(frozen), config, null).result();
    });
  }

  /** {@link #resume(RunConfig, Map)} without updates. */
  public CompletableFuture<RunResult> resume(RunConfig config) {
    return resume(config, Map.of());
  }

  /** The thread's latest checkpoint, if any. */
  public CompletableFuture<Optional<Checkpoint>> latest(String threadId) {
    return requireStore("latest").latest(requireThread(threadId)).toCompletableFuture();
  }

  /** Up to {@code limit} checkpoints of the thread, newest first. */
  public CompletableFuture<List<Checkpoint>> history(String threadId, int limit) {
    Checks.requirePositive(limit, "limit");
    return requireStore("history").history(requireThread(threadId), limit).toCompletableFuture();
  }

  private RunExecution start(GraphInput input, RunConfig config, @Nullable Consumer<RunEvent> extraListener) {
    RunExecution run = new RunExecution(this, compiled, config, extraListener);
    run.start(input);
    return run;
  }

  private CheckpointStore requireStore(String operation) {
    return options.checkpointStore().orElseThrow(() -> new IllegalStateException("graph '" + name + "' has no checkpoint store, so "
        + operation + " is not available; compile it with GraphOptions.builder().checkpointStore(...)"));
  }

  private String requireThread(@Nullable String threadId) {
    if (threadId == null || threadId.isBlank()) {
      throw new IllegalArgumentException("graph '" + name + "': thread id must not be null or blank; every run "
          + "belongs to a thread (a conversation): pass a stable id to continue it later, or a fresh UUID");
    }
    return threadId;
  }

  private Map<String, Object> freezeInput(Map<String, ?> input) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> frozen = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(input);
      return frozen;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("graph '" + name + "': invalid input: " + e.getMessage(), e);
    }
  }

  private static CompiledGraph<AgentState> assemble(AgentGraph graph, GraphOptions options,
      @Nullable CheckpointStoreSaver saver) {
    try {
      Map<String, Channel<?>> channels = new HashMap<>();
      graph.channels().forEach((key, channel) -> channels.put(key, toLangGraph(channel)));
      StateGraph<AgentState> state = new StateGraph<>(channels, new ZenStateSerializer());
      // Every step, also langgraph4j's own parallel node for a fork, so a halted run stops there.
      state.addWrapCallNodeHook((nodeId, agentState, config, action) ->
          RunExecution.require(config, graph.name()).step(() -> action.apply(agentState, config)));
      // The targets of a fork run together in langgraph4j's parallel node, which calls each
      // branch's action in turn on the thread reading the run (it could hand each to an executor
      // instead, but then blocks that thread until the branch is done). So a branch starts on the
      // runtime executor itself: branches overlap and no thread waits for one.
      Set<String> branches = new HashSet<>();
      Set<String> forks = graph.forkNodes();
      for (AgentGraph.EdgeSpec edge : graph.edges()) {
        if (forks.contains(edge.from())) {
          branches.add(edge.to());
        }
      }
      for (AgentGraph.NodeSpec spec : graph.nodes().values()) {
        AsyncNodeActionWithConfig<AgentState> action = branches.contains(spec.id())
            ? (agentState, config) -> RunExecution.require(config, graph.name()).runBranch(spec, agentState.data())
            : (agentState, config) -> RunExecution.require(config, graph.name()).runNode(spec, agentState.data());
        state.addNode(spec.id(), action);
      }
      for (AgentGraph.EdgeSpec edge : graph.edges()) {
        state.addEdge(edge.from(), edge.to());
      }
      for (AgentGraph.RouteSpec route : graph.routes().values()) {
        AsyncCommandAction<AgentState> router = (agentState, config) ->
            RunExecution.require(config, graph.name()).route(route, agentState.data());
        Map<String, String> targets = new HashMap<>(route.targets());
        targets.put(RunExecution.HALT_ROUTE, StateGraph.END);
        state.addConditionalEdges(route.from(), router, targets);
      }
      CompileConfig.Builder config = CompileConfig.builder()
          .interruptsBefore(options.interruptBefore())
          .interruptsAfter(options.interruptAfter())
          .releaseThread(false);
      if (saver != null) {
        config.checkpointSaver(saver);
      }
      CompiledGraph<AgentState> compiled = state.compile(config.build());
      // RunExecution counts the steps against maxSteps; langgraph4j counts a node that finishes
      // later twice (its pending element and its resume), so its own guard is only a backstop.
      compiled.setMaxIterations(2 * options.maxSteps() + 2);
      return compiled;
    } catch (GraphStateException e) {
      throw new GraphDefinitionException("graph '" + graph.name() + "' is invalid: " + e.getMessage());
    }
  }

  private static Channel<Object> toLangGraph(StateChannel channel) {
    Object defaultValue = channel.defaultValue();
    BinaryOperator<@Nullable Object> reducer = channel.reducer();
    // Built once: langgraph4j asks for them on every state update.
    // Freeze what a reducer makes, so state stays immutable and clones can stay shallow.
    Optional<Reducer<Object>> frozenReducer = reducer == null
        ? Optional.empty()
        : Optional.of((current, update) -> StateValues.freeze(reducer.apply(current, update)));
    Optional<Supplier<Object>> defaults = defaultValue == null ? Optional.empty() : Optional.of(() -> defaultValue);
    return new Channel<>() {
      @Override
      public Optional<Reducer<Object>> getReducer() {
        return frozenReducer;
      }

      @Override
      public Optional<Supplier<Object>> getDefault() {
        return defaults;
      }
    };
  }
}
