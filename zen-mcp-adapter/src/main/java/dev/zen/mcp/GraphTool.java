package dev.zen.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolProgress;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.gateway.internal.JsonMappers;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunEvent;
import dev.zen.graph.RunResult;
import dev.zen.internal.Futures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A compiled agent graph served as one MCP tool: each call maps its arguments to the graph's input,
 * runs the graph, and maps the {@link RunResult} to the tool's answer. Immutable; build it with
 * {@link #builder(String, CompiledAgentGraph)} and add it with {@link McpAdapter.Builder#graph}.
 *
 * <p>What a call does:
 * <ul>
 *   <li><b>Arguments</b> are checked against the input schema first (see {@link ToolHandler}); then
 *       {@link Builder#input input} maps them to the run's input (default: the arguments as they
 *       are). An {@link IllegalArgumentException} from the mapping is answered as an error result
 *       naming the problem, like a wrong argument.
 *   <li><b>Thread</b>: every call runs on a fresh thread id (a random UUID), so calls never share
 *       state, unless {@link Builder#threadId threadId} returns one (for example from a
 *       {@code thread_id} argument, to continue a conversation kept in the graph's checkpoint
 *       store).
 *   <li><b>Progress</b>: when the client sent a {@code progressToken}, each node that starts (each
 *       attempt of it) is one {@code notifications/progress}: {@code "draft started"}; none
 *       otherwise.
 *   <li><b>Cancellation</b>: {@code notifications/cancelled} cancels the run's future, which stops
 *       the run and cancels its node futures in flight (a model call's HTTP request is aborted).
 *   <li><b>Interrupts</b>: a graph that stops at an interrupt ({@code interruptBefore}) does not
 *       wait: the call answers with what the run has, and the default output says so with
 *       {@code "status": "paused"}, the thread id and the node it would continue with. A tool
 *       that wants the run resumed offers that as another tool, calling
 *       {@link CompiledAgentGraph#resume} on that thread (the checkpoint store must outlive the
 *       call, so the graph needs one).
 *   <li><b>Answer</b>: {@link Builder#output output} maps the result (default below). A failed run
 *       is an {@code isError} result whose text names the graph, node and thread.
 * </ul>
 *
 * <p>The default output: {@code structuredContent} is
 * {@code {"status": "success" | "paused", "thread_id": ..., "next_node": ... (paused only),
 * "state": {...}}}, and the text is the state as JSON, after one line saying where a paused run
 * stopped.
 */
public final class GraphTool {
  private static final Map<String, Object> ANY_OBJECT = Map.of("type", "object");
  private static final ObjectMapper JSON = JsonMappers.create();

  private final ToolSpec spec;
  private final CompiledAgentGraph graph;
  private final Function<? super Map<String, @Nullable Object>, ? extends Map<String, ?>> input;
  private final Function<? super RunResult, ToolResult> output;
  private final Function<? super Map<String, @Nullable Object>, @Nullable String> threadId;

  private GraphTool(Builder builder, String description) {
    this.spec = new ToolSpec(builder.name, description, builder.inputSchema, builder.outputSchema);
    this.graph = builder.graph;
    this.input = builder.input;
    this.output = builder.output;
    this.threadId = builder.threadId;
  }

  /**
   * Starts a graph tool named {@code name} (lower case letters, digits and {@code _}, starting
   * with a letter) that runs {@code graph}.
   *
   * @throws IllegalArgumentException when the name is not a valid tool name
   */
  public static Builder builder(String name, CompiledAgentGraph graph) {
    return new Builder(name, graph);
  }

  /** The tool as clients see it. */
  public ToolSpec spec() {
    return spec;
  }

  /** The graph's answer in the default shape (see the class documentation). */
  static ToolResult defaultOutput(RunResult result) {
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("status", result.interrupted() ? "paused" : "success");
    structured.put("thread_id", result.threadId());
    if (result.interrupted() && result.nextNode() != null) {
      structured.put("next_node", result.nextNode());
    }
    structured.put("state", result.state().asMap());
    String state;
    try {
      state = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.state().asMap());
    } catch (JsonProcessingException e) {
      // State values are JSON-like by construction; this is a bug, reported as the call's failure.
      throw new IllegalStateException("the state of graph '" + result.graph() + "' could not be written as JSON", e);
    }
    String text = result.interrupted()
        ? "Paused before node '" + result.nextNode() + "' on thread " + result.threadId()
            + ": the graph waits to be resumed. State so far:\n" + state
        : state;
    return new ToolResult(text, structured, false, null);
  }

  /** Runs one call (arguments already checked against the schema). */
  CompletableFuture<ToolResult> call(ToolCall call) {
    Map<String, ?> runInput;
    String thread;
    try {
      runInput = Objects.requireNonNull(input.apply(call.arguments()), "the input mapping returned null");
      String chosen = threadId.apply(call.arguments());
      thread = chosen == null ? UUID.randomUUID().toString() : chosen;
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ToolResult.error("Invalid arguments for '" + spec.name() + "': "
          + e.getMessage()));
    }
    RunConfig.Builder config = RunConfig.builder(thread);
    call.progressListener().ifPresent(listener -> config.listener(new NodeProgress(listener)));
    CompletableFuture<RunResult> run = graph.invoke(runInput, config.build());
    // thenApply's future would not pass a cancellation back to the run: cancelling links it.
    return Futures.cancelling(run.thenApply(output), run);
  }

  @Override
  public String toString() {
    return "GraphTool[" + spec.name() + " runs graph '" + graph.name() + "']";
  }

  /**
   * One progress report per node attempt that starts. Parallel branches start nodes on several
   * threads at once; the lock keeps the numbers increasing in the order they are sent, as MCP
   * requires.
   */
  private static final class NodeProgress implements Consumer<RunEvent> {
    private final Consumer<ToolProgress> listener;
    private long reported;

    NodeProgress(Consumer<ToolProgress> listener) {
      this.listener = listener;
    }

    @Override
    public synchronized void accept(RunEvent event) {
      if (event instanceof RunEvent.NodeStarted started) {
        reported++;
        listener.accept(new ToolProgress(reported, null, started.node() + " started"
            + (started.attempt() > 1 ? " (attempt " + started.attempt() + ")" : "")));
      }
    }
  }

  /** Configures a {@link GraphTool}; setters validate at once, {@link #build()} has no side effects. */
  public static final class Builder {
    private final String name;
    private final CompiledAgentGraph graph;
    private @Nullable String description;
    private Map<String, Object> inputSchema = ANY_OBJECT;
    private @Nullable Map<String, Object> outputSchema;
    private Function<? super Map<String, @Nullable Object>, ? extends Map<String, ?>> input = arguments -> arguments;
    private Function<? super RunResult, ToolResult> output = GraphTool::defaultOutput;
    private Function<? super Map<String, @Nullable Object>, @Nullable String> threadId = arguments -> null;

    private Builder(String name, CompiledAgentGraph graph) {
      // ToolSpec owns the naming rule; a throwaway spec applies it now rather than in build().
      new ToolSpec(name, "-", ANY_OBJECT);
      this.name = name;
      this.graph = Objects.requireNonNull(graph, "graph");
    }

    /** One or two sentences for the client's model: what the tool does and when to call it. Required. */
    public Builder description(String description) {
      Objects.requireNonNull(description, "description");
      if (description.isBlank()) {
        throw new IllegalArgumentException("graph tool '" + name + "': description must not be blank");
      }
      this.description = description;
      return this;
    }

    /**
     * The JSON Schema of the arguments ({@code "type": "object"}), as JSON-like maps and lists;
     * default: any object. Calls are checked against its top level before the graph runs.
     */
    public Builder inputSchema(Map<String, ?> inputSchema) {
      this.inputSchema = new ToolSpec(name, "-", copy(inputSchema, "inputSchema")).inputSchema();
      return this;
    }

    /**
     * The JSON Schema of the answer's {@code structuredContent}, declared on the MCP tool (clients
     * may validate against it). The {@link #output output} mapping must produce content that fits:
     * the adapter checks that every {@code required} property is present.
     */
    public Builder outputSchema(Map<String, ?> outputSchema) {
      this.outputSchema = new ToolSpec(name, "-", ANY_OBJECT, copy(outputSchema, "outputSchema")).outputSchema();
      return this;
    }

    /**
     * Maps the call's arguments (as decoded from JSON) to the run's input, whose values must be
     * state values (see {@link dev.zen.spi.StateValues}); default: the arguments unchanged. Throw
     * {@link IllegalArgumentException} to refuse arguments with a message for the caller.
     */
    public Builder input(Function<? super Map<String, @Nullable Object>, ? extends Map<String, ?>> input) {
      this.input = Objects.requireNonNull(input, "input");
      return this;
    }

    /**
     * Maps a run that ended or paused to the answer; default: see the class documentation. A run
     * that paused at an interrupt has {@link RunResult#interrupted()} set: say so in the answer.
     */
    public Builder output(Function<? super RunResult, ToolResult> output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Chooses the thread a call runs on from its arguments; {@code null} means a fresh one
     * (the default for every call). Returning a thread that has checkpoints continues it.
     */
    public Builder threadId(Function<? super Map<String, @Nullable Object>, @Nullable String> threadId) {
      this.threadId = Objects.requireNonNull(threadId, "threadId");
      return this;
    }

    /**
     * The tool.
     *
     * @throws IllegalStateException when no description was given
     */
    public GraphTool build() {
      if (description == null) {
        throw new IllegalStateException("graph tool '" + name + "' needs a description: call description(...)");
      }
      return new GraphTool(this, description);
    }

    private static Map<String, Object> copy(Map<String, ?> schema, String what) {
      Objects.requireNonNull(schema, what);
      return new LinkedHashMap<>(schema);
    }
  }
}
