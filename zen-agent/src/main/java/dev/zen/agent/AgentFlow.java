package dev.zen.agent;

import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import dev.zen.graph.StateChannel;
import dev.zen.internal.Futures;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The graph every tool call runs through, in the seed's shape:
 *
 * <pre>
 * START → supervisor → model_router → file_processor → &lt;tool&gt; → response → END
 * </pre>
 *
 * Each stage may finish the call early (an error, a {@code resend_prompt}) by routing straight to
 * {@code response}; tools that need no model or files skip those stages. The state holds the
 * conversation ({@link ConversationState}), each tool's own state, and the routing of the current
 * call ({@value #RUN}); everything else about the call travels as the run's {@link Call}
 * attachment.
 */
final class AgentFlow {
  static final String GRAPH_NAME = "zen-agent";
  static final String SUPERVISOR = "supervisor";
  static final String ROUTER = "model_router";
  static final String FILES = "file_processor";
  static final String RESPONSE = "response";
  /** State key of the current call's routing; the input resets it, stages merge into it. */
  static final String RUN = "run";
  /** State key of each tool's own thread state, by tool name (a workflow's steps, findings). */
  static final String TOOL_STATE = "tool_state";
  static final String RESET = "reset";
  private static final String NEXT = "next";

  private AgentFlow() {}

  static AgentGraph define(Collection<ZenTool> tools, AgentServices services) {
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
        .channel(RUN, StateChannel.reducing(Map.of(), AgentFlow::mergeRun))
        .channel(ConversationState.TURNS, StateChannel.appending())
        .channel(TOOL_STATE, StateChannel.reducing(Map.of(), AgentFlow::mergeMaps))
        .node(SUPERVISOR, stage(new Supervisor(services)))
        .node(ROUTER, stage(new ModelRouter(services)))
        .node(FILES, stage(new FileStage(services)))
        .node(RESPONSE, stage(new Responder(services)))
        .edge(AgentGraph.START, SUPERVISOR)
        .edge(RESPONSE, AgentGraph.END);
    for (ZenTool tool : tools) {
      builder.node(tool.name(), stage(AgentFlow::runTool)).edge(tool.name(), RESPONSE);
      afterSupervisor.put(tool.name(), tool.name());
      afterRouter.put(tool.name(), tool.name());
      afterFiles.put(tool.name(), tool.name());
    }
    return builder
        .conditionalEdges(SUPERVISOR, AgentFlow::next, afterSupervisor)
        .conditionalEdges(ROUTER, AgentFlow::next, afterRouter)
        .conditionalEdges(FILES, AgentFlow::next, afterFiles)
        .build();
  }

  /** One stage of the flow: what it does with the call and the state it found. */
  @FunctionalInterface
  interface Stage {
    CompletableFuture<Map<String, ?>> run(Call call, GraphState state, NodeContext node);
  }

  private static AsyncNode stage(Stage stage) {
    return (state, node) -> stage.run(callOf(node), state, node);
  }

  private static Call callOf(NodeContext node) {
    return node.attachment(Call.class).orElseThrow(() -> new IllegalStateException("run " + node.runId()
        + " of the Zen agent has no call attached; agent runs start only through ZenAgent.call"));
  }

  private static CompletableFuture<Map<String, ?>> runTool(Call call, GraphState state, NodeContext node) {
    call.runningIn(node.executor());
    CompletableFuture<ToolOutcome> running = Futures.call(() -> call.tool.run(call));
    return Futures.cancelling(running.thenApply(outcome -> finish(call, outcome)), running);
  }

  /** The routing update that sends the call to {@code next}, with bookkeeping for the checkpoint. */
  static Map<String, ?> goTo(String next, Map<String, Object> extra) {
    Map<String, Object> run = new LinkedHashMap<>(extra);
    run.put(NEXT, next);
    return Map.of(RUN, run);
  }

  /** Records the call's outcome and routes to the response stage. */
  static Map<String, ?> finish(Call call, ToolOutcome outcome) {
    call.outcome = outcome;
    return goTo(RESPONSE, Map.of("status", outcome.status()));
  }

  static CompletableFuture<Map<String, ?>> done(Map<String, ?> update) {
    return CompletableFuture.completedFuture(update);
  }

  private static String next(GraphState state) {
    Object run = state.value(RUN).orElse(Map.of());
    return run instanceof Map<?, ?> map && map.get(NEXT) instanceof String next ? next : RESPONSE;
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
}
