package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.GraphExecutionException;
import dev.zen.InvalidRequestException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.spi.Checkpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Whether a failed run may succeed when made again must survive the runtime's wrapping. */
class RetriableFailuresTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A store whose every future fails once it is down, as a Redis store's do during an outage. */
  static final class DownStore extends SimpleStore {
    volatile boolean down;
    final AtomicInteger failedCalls = new AtomicInteger();

    private <T> CompletionStage<T> unlessDown(CompletionStage<T> answer) {
      if (!down) {
        return answer;
      }
      failedCalls.incrementAndGet();
      return CompletableFuture.failedFuture(new ServiceUnavailableException(
          "cannot connect to Redis at localhost:6379 (Connection refused)", null));
    }

    @Override
    public synchronized CompletionStage<Void> put(Checkpoint checkpoint) {
      return down ? unlessDown(null) : super.put(checkpoint);
    }

    @Override
    public synchronized CompletionStage<Optional<Checkpoint>> latest(String threadId) {
      return down ? unlessDown(null) : super.latest(threadId);
    }

    @Override
    public synchronized CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId) {
      return down ? unlessDown(null) : super.get(threadId, checkpointId);
    }

    @Override
    public synchronized CompletionStage<List<Checkpoint>> history(String threadId, int limit) {
      return down ? unlessDown(null) : super.history(threadId, limit);
    }
  }

  private static AgentGraph failingWith(Throwable failure) {
    return AgentGraph.builder("fails")
        .node("call", (state, ctx) -> CompletableFuture.failedFuture(failure))
        .edge(AgentGraph.START, "call").edge("call", AgentGraph.END)
        .build();
  }

  private static GraphExecutionException failureOf(CompletableFuture<RunResult> run) {
    assertThat(run).failsWithin(WAIT);
    Throwable failure = run.handle((result, error) -> error).join();
    assertThat(failure).isInstanceOf(GraphExecutionException.class);
    return (GraphExecutionException) failure;
  }

  @Test
  void a_node_failing_with_a_service_outage_fails_the_run_retriably() {
    ServiceUnavailableException outage = new ServiceUnavailableException("HTTP 503 from the provider", null);

    GraphExecutionException failure = failureOf(failingWith(outage).compile().invoke(Map.of(), "t-outage"));

    assertThat(failure.node()).isEqualTo("call");
    assertThat(failure).hasCause(outage);
    assertThat(failure.isRetriable()).isTrue();
  }

  @Test
  void a_node_failing_with_an_invalid_request_fails_the_run_for_good() {
    InvalidRequestException invalid = new InvalidRequestException("temperature must be within [0, 2]");

    GraphExecutionException failure = failureOf(failingWith(invalid).compile().invoke(Map.of(), "t-invalid"));

    assertThat(failure).hasCause(invalid);
    assertThat(failure.isRetriable()).isFalse();
  }

  @Test
  void a_node_failing_with_a_bug_fails_the_run_for_good() {
    GraphExecutionException failure = failureOf(failingWith(new IllegalStateException("bug")).compile()
        .invoke(Map.of(), "t-bug"));

    assertThat(failure.isRetriable()).isFalse();
  }

  @Test
  void a_checkpoint_store_that_is_down_when_the_run_starts_fails_it_retriably() {
    DownStore store = new DownStore();
    store.down = true;
    AgentGraph graph = failingWith(new AssertionError("the node must not run without its thread's state"));

    GraphExecutionException failure = failureOf(graph.compile(GraphOptions.builder().checkpointStore(store).build())
        .invoke(Map.of(), "t-down"));

    assertThat(store.failedCalls.get()).isPositive();
    assertThat(failure.threadId()).isEqualTo("t-down");
    assertThat(failure).hasRootCauseInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("Connection refused");
    assertThat(failure.isRetriable()).isTrue();
  }

  @Test
  void a_checkpoint_store_that_goes_down_during_the_run_fails_it_retriably() {
    DownStore store = new DownStore();
    AgentGraph graph = AgentGraph.builder("outage")
        .node("first", (state, ctx) -> {
          store.down = true;
          return CompletableFuture.completedFuture(Map.of("step", 1));
        })
        .node("second", (state, ctx) -> CompletableFuture.completedFuture(Map.of("step", 2)))
        .edge(AgentGraph.START, "first").edge("first", "second").edge("second", AgentGraph.END)
        .build();

    GraphExecutionException failure = failureOf(graph.compile(GraphOptions.builder().checkpointStore(store).build())
        .invoke(Map.of(), "t-outage"));

    assertThat(failure).hasRootCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(failure.isRetriable()).isTrue();
    assertThat(ZenException.isRetriable(new java.util.concurrent.CompletionException(failure))).isTrue();
  }

  @Test
  void a_node_whose_sub_graph_failed_retriably_is_retried_by_default() {
    AtomicInteger inner = new AtomicInteger();
    CompiledAgentGraph sub = AgentGraph.builder("sub")
        .node("flaky", (state, ctx) -> inner.incrementAndGet() < 2
            ? CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null))
            : CompletableFuture.completedFuture(Map.of("ok", true)))
        .edge(AgentGraph.START, "flaky").edge("flaky", AgentGraph.END)
        .build().compile();
    AgentGraph outer = AgentGraph.builder("outer")
        .node("delegate", (state, ctx) -> sub.invoke(Map.of(), ctx.threadId() + "/sub")
                .thenApply(result -> result.state().asMap()),
            NodeOptions.builder().retry(RetryOptions.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build()).build())
        .edge(AgentGraph.START, "delegate").edge("delegate", AgentGraph.END)
        .build();

    RunResult result = outer.compile().invoke(Map.of(), "t-nested").join();

    assertThat(inner).hasValue(2);
    assertThat(result.state().asMap()).containsEntry("ok", true);
  }
}
