package dev.zen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.GraphExecutionException;
import dev.zen.RateLimitedException;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.RunResult;
import dev.zen.spi.ChatRequest;
import dev.zen.testkit.RunRecorder;
import dev.zen.testkit.ScriptedModelGateway;
import dev.zen.testkit.ZenAssertions;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a user tests their own agent with zen-testkit: scripted models, a recorder, trajectory assertions. */
class ReviewAgentTest {
  private static final ReviewAgent.Models MODELS = new ReviewAgent.Models("drafter", "sec", "style");
  private final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  private final RunRecorder recorder = new RunRecorder();

  @AfterEach
  void close() {
    store.close();
  }

  private static ScriptedModelGateway.Builder models() {
    return ScriptedModelGateway.builder()
        .reply("drafter", "^Review", "Problem: the key is logged.")
        .reply("drafter", "^Revise", "Problem: the key is logged, which leaks credentials.")
        .reply("sec", "leaks credentials", "LGTM")
        .reply("sec", ".", "Say why logging the key matters.")
        .reply("style", ".", "LGTM");
  }

  @Test
  void the_agent_revises_until_critics_approve_then_waits_for_a_human() {
    ReviewAgent agent = ReviewAgent.create(models().build(), store, MODELS);

    RunResult paused = agent.review("pr-1", "log.info(key)", recorder).join();

    ZenAssertions.assertThat(recorder)
        .visitedInOrder("draft", "decide", "revise", "decide")
        .didNotVisit("publish")
        .interruptedBefore("publish");
    assertThat(recorder.finishedNodes()).filteredOn("security"::equals).hasSize(2);
    assertThat(paused.state().value("review", String.class)).hasValue("Problem: the key is logged, which leaks credentials.");

    RunResult published = agent.approve("pr-1", true).join();
    assertThat(published.interrupted()).isFalse();
    assertThat(published.state().asMap()).containsEntry("published", true);
  }

  @Test
  void the_two_critics_are_asked_at_the_same_time() {
    // Each critic's answer is computed only once both critics' requests are in flight together.
    CyclicBarrier bothCritics = new CyclicBarrier(2);
    java.util.function.Function<ChatRequest, String> rendezvous = request -> {
      try {
        bothCritics.await(5, TimeUnit.SECONDS);
        return "LGTM";
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("the critics were not consulted in parallel", e);
      }
    };
    ScriptedModelGateway gateway = ScriptedModelGateway.builder()
        .reply("drafter", ".", "Looks fine.")
        .reply("sec", ".", rendezvous)
        .reply("style", ".", rendezvous)
        .latency("sec", Duration.ofMillis(1)).latency("style", Duration.ofMillis(1))
        .build();

    agent(gateway).review("pr-2", "x", recorder).join();

    ZenAssertions.assertThat(recorder).visitedInOrder("draft", "decide").didNotVisit("revise").interruptedBefore("publish");
  }

  @Test
  void a_rate_limited_critic_is_retried_and_the_review_still_completes() {
    ScriptedModelGateway gateway = models().build()
        .failNext("style", 1, () -> new RateLimitedException("429 from provider", Duration.ofMillis(10), null));

    agent(gateway).review("pr-3", "x", recorder).join();

    ZenAssertions.assertThat(recorder).retried("style", 1).interruptedBefore("publish");
  }

  @Test
  void a_critic_with_a_bad_key_fails_the_run_naming_the_node_and_the_thread() {
    ScriptedModelGateway gateway = models().build()
        .failNext("style", 1, () -> new AuthenticationException("401: invalid API key", null));

    assertThatThrownBy(() -> agent(gateway).review("pr-4", "x", recorder).join())
        .hasCauseInstanceOf(GraphExecutionException.class)
        .hasMessageContaining("'style'").hasMessageContaining("'pr-4'").hasMessageContaining("invalid API key");
    ZenAssertions.assertThat(recorder).retried("style", 0);
  }

  @Test
  void the_draft_is_streamed_token_by_token() {
    agent(models().build()).review("pr-5", "x", recorder).join();

    ZenAssertions.assertThat(recorder).customEventsOf("draft").containsExactly("Problem: ", "the ", "key ", "is ", "logged.");
  }

  private ReviewAgent agent(ScriptedModelGateway gateway) {
    return ReviewAgent.create(gateway, store, MODELS);
  }
}
