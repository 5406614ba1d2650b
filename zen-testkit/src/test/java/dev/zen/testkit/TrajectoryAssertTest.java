package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.RetriableException;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.NodeOptions;
import dev.zen.graph.RetryOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrajectoryAssertTest {

  private static CompiledAgentGraph graph() {
    AtomicInteger calls = new AtomicInteger();
    return AgentGraph.builder("plan")
        .node("plan", (state, ctx) -> {
          ctx.emit("thinking");
          return CompletableFuture.completedFuture(Map.of("plan", "write tests"));
        })
        .node("act", (state, ctx) -> calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new RetriableException("flaky"))
                : CompletableFuture.completedFuture(Map.of("done", true)),
            NodeOptions.builder().retry(RetryOptions.builder().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build()).build())
        .node("unused", AsyncNode.sync((state, ctx) -> Map.of()))
        .edge(AgentGraph.START, "plan").edge("plan", "act").edge("act", AgentGraph.END).edge("unused", AgentGraph.END)
        .build().compile();
  }

  @Test
  void a_recorded_run_passes_the_assertions_that_describe_it() {
    RunRecorder recorder = new RunRecorder();
    graph().invoke(Map.of(), recorder.config("t")).join();

    ZenAssertions.assertThat(recorder)
        .visitedExactly("plan", "act")
        .visitedInOrder("plan", "act")
        .didNotVisit("unused")
        .retried("act", 1)
        .completed();
    ZenAssertions.assertThat(recorder).updateOf("plan").containsEntry("plan", "write tests");
    ZenAssertions.assertThat(recorder).customEventsOf("plan").containsExactly("thinking");
    ZenAssertions.assertThat(recorder).finalState().containsEntry("done", true);
  }

  @Test
  void assertions_that_do_not_describe_the_run_fail_with_a_useful_message() {
    RunRecorder recorder = new RunRecorder();
    graph().invoke(Map.of(), recorder.config("t")).join();

    assertThatThrownBy(() -> ZenAssertions.assertThat(recorder).visitedExactly("act", "plan"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("nodes finished by the run");
    assertThatThrownBy(() -> ZenAssertions.assertThat(recorder).didNotVisit("act")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> ZenAssertions.assertThat(recorder).retried("plan", 1)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> ZenAssertions.assertThat(recorder).interruptedBefore("act")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> ZenAssertions.assertThat(recorder).updateOf("unused"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("never finished");
    assertThatThrownBy(() -> ZenAssertions.assertThat(new RunRecorder()).completed())
        .isInstanceOf(AssertionError.class).hasMessageContaining("has not completed");
  }
}
