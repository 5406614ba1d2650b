package dev.zen.examples;

import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import dev.zen.graph.NodeOptions;
import dev.zen.graph.RetryOptions;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunEvent;
import dev.zen.graph.RunResult;
import dev.zen.graph.StateChannel;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.ModelGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A code-review agent: a drafter model reviews a change, a security critic and a style critic
 * (two other models) check the draft in parallel, the drafter revises until both critics approve
 * (at most {@value #MAX_ROUNDS} rounds), and the run pauses for a human before the review is
 * published. Each model call has a timeout and retries on retriable failures.
 *
 * <pre>
 * START → draft → (security ∥ style) → decide ─┬→ revise → (security ∥ style) → ...
 *                                              └→ [interrupt] publish → END
 * </pre>
 */
public final class ReviewAgent {
  /** Revision rounds before the agent publishes whatever it has. */
  public static final int MAX_ROUNDS = 2;

  private final CompiledAgentGraph graph;

  private ReviewAgent(CompiledAgentGraph graph) {
    this.graph = graph;
  }

  /**
   * An agent answering through {@code gateway} with the named models, keeping its threads in
   * {@code store}.
   */
  public static ReviewAgent create(ModelGateway gateway, CheckpointStore store, Models models) {
    Objects.requireNonNull(gateway, "gateway");
    NodeOptions modelCall = NodeOptions.builder()
        .timeout(Duration.ofSeconds(60))
        .retry(RetryOptions.builder().maxAttempts(3).backoff(Duration.ofMillis(200), Duration.ofSeconds(5)).build())
        .build();
    AgentGraph graph = AgentGraph.builder("review")
        .channel("critiques", StateChannel.appending())
        .channel("round", StateChannel.lastValue(0))
        .node("draft", ask(gateway, models.drafter(), ReviewAgent::draftPrompt, "review"), modelCall)
        .node("security", critic(gateway, models.securityCritic(), "security"), modelCall)
        .node("style", critic(gateway, models.styleCritic(), "style"), modelCall)
        .node("decide", AsyncNode.sync((state, ctx) -> Map.of("round", round(state) + 1)))
        .node("revise", ask(gateway, models.drafter(), ReviewAgent::revisePrompt, "review"), modelCall)
        .node("publish", AsyncNode.sync((state, ctx) -> Map.of(
            "published", state.value("approved", Boolean.class).orElse(false))))
        .edge(AgentGraph.START, "draft")
        .edge("draft", "security").edge("draft", "style")
        .edge("security", "decide").edge("style", "decide")
        .conditionalEdges("decide", ReviewAgent::nextStep, Map.of("revise", "revise", "publish", "publish"))
        .edge("revise", "security").edge("revise", "style")
        .edge("publish", AgentGraph.END)
        .build();
    return new ReviewAgent(graph.compile(GraphOptions.builder()
        .checkpointStore(store)
        .interruptBefore("publish")
        .build()));
  }

  /**
   * Reviews {@code change} on {@code threadId}; completes when the review waits for approval.
   * {@code events} sees every node and every streamed token.
   */
  public CompletableFuture<RunResult> review(String threadId, String change, Consumer<RunEvent> events) {
    return graph.invoke(Map.of("change", change), RunConfig.builder(threadId).listener(events).build());
  }

  /**
   * The graph itself, for whoever runs it another way: served as an MCP tool
   * ({@link ReviewMcpServer}), streamed, or inspected through its checkpoints.
   */
  public CompiledAgentGraph graph() {
    return graph;
  }

  /** Publishes (or rejects) the review waiting on {@code threadId}. */
  public CompletableFuture<RunResult> approve(String threadId, boolean approved) {
    return graph.resume(RunConfig.forThread(threadId), Map.of("approved", approved));
  }

  /** The models each role uses. */
  public record Models(String drafter, String securityCritic, String styleCritic) {
    public Models {
      Objects.requireNonNull(drafter, "drafter");
      Objects.requireNonNull(securityCritic, "securityCritic");
      Objects.requireNonNull(styleCritic, "styleCritic");
    }
  }

  private static String nextStep(GraphState state) {
    List<?> critiques = state.value("critiques", List.class).orElse(List.of());
    // The two critiques of the latest round are the last two entries.
    List<?> latest = critiques.subList(Math.max(0, critiques.size() - 2), critiques.size());
    boolean approved = latest.stream().allMatch(c -> String.valueOf(c).contains("LGTM"));
    return approved || round(state) >= MAX_ROUNDS ? "publish" : "revise";
  }

  private static int round(GraphState state) {
    return state.value("round", Integer.class).orElse(0);
  }

  private static String draftPrompt(GraphState state) {
    return "Review this change. List concrete problems, most important first.\n\n"
        + state.value("change", String.class).orElse("");
  }

  private static String revisePrompt(GraphState state) {
    return "Revise your review of the change using these critiques:\n"
        + String.join("\n", state.value("critiques", List.class).orElse(List.of()).stream().map(String::valueOf).toList())
        + "\n\nYour review:\n" + state.value("review", String.class).orElse("");
  }

  /** A node asking {@code model} the prompt built from the state, streaming tokens as events. */
  private static AsyncNode ask(ModelGateway gateway, String model, java.util.function.Function<GraphState, String> prompt,
      String outputKey) {
    return (state, ctx) -> {
      CompletableFuture<ChatReply> call = gateway.stream(ChatRequest.builder(model)
          .addMessage(ChatMessage.system("You are a meticulous senior reviewer."))
          .addMessage(ChatMessage.user(prompt.apply(state)))
          .build(), chunk -> ctx.emit(chunk.text()));
      return cancelsToo(call.thenApply(reply -> Map.of(outputKey, reply.text())), call);
    };
  }

  private static AsyncNode critic(ModelGateway gateway, String model, String aspect) {
    return (GraphState state, NodeContext ctx) -> {
      CompletableFuture<ChatReply> call = gateway.complete(ChatRequest.builder(model)
          .addMessage(ChatMessage.system("You check reviews for " + aspect + " issues. Answer LGTM if there are none."))
          .addMessage(ChatMessage.user(state.value("review", String.class).orElse("")))
          .build());
      return cancelsToo(call.thenApply(reply -> Map.of("critiques", aspect + ": " + reply.text())), call);
    };
  }

  /**
   * {@code derived}, cancelling {@code call} when it is cancelled. A stage made by
   * {@code thenApply} does not pass a cancellation back to its source, so without this a cancelled
   * run (its node futures are cancelled) would leave the model call running to its end.
   */
  private static <T> CompletableFuture<T> cancelsToo(CompletableFuture<T> derived, CompletableFuture<?> call) {
    derived.whenComplete((value, error) -> {
      if (derived.isCancelled()) {
        call.cancel(true);
      }
    });
    return derived;
  }
}
