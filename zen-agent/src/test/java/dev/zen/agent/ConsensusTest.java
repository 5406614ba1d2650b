package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ServiceUnavailableException;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.spi.ChatRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsensusTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  final ExecutorService answers = Executors.newCachedThreadPool();

  static final List<Map<String, Object>> THREE = List.of(Map.of("model", "alpha", "stance", "for"),
      Map.of("model", "beta", "stance", "against"), Map.of("model", "gamma"));

  @AfterEach
  void stop() {
    answers.shutdownNow();
  }

  static boolean isSynthesis(ChatRequest request) {
    return request.messages().get(0).text().startsWith("You synthesize");
  }

  private ToolResult consensus(ZenAgent agent, List<Map<String, Object>> models) {
    return Agents.call(agent, "consensus", Map.of("prompt", "Should we adopt event sourcing?", "models", models));
  }

  /** Consulted models answer only once all of them have been asked: a sequential fan-out times out. */
  private void answerOnlyWhenAllArrived(int consulted, Function<ChatRequest, String> text) {
    CountDownLatch arrived = new CountDownLatch(consulted);
    gateway.answer = request -> {
      if (isSynthesis(request)) {
        return CompletableFuture.completedFuture("the synthesis");
      }
      arrived.countDown();
      return CompletableFuture.supplyAsync(() -> {
        try {
          if (!arrived.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (consulted - arrived.getCount()) + " of " + consulted
                + " requests were in flight together: the models were consulted one after another");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return text.apply(request);
      }, answers);
    };
  }

  @Test
  void all_models_are_consulted_in_parallel_then_one_synthesizes() {
    answerOnlyWhenAllArrived(3, request -> "opinion of " + request.model());
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = consensus(agent, THREE);

      assertThat(result.isError()).as(result.text()).isFalse();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> responses = (List<Map<String, Object>>) result.structuredContent().get("responses");
      assertThat(responses).extracting(r -> r.get("status")).containsOnly("success");
      assertThat(responses).extracting(r -> r.get("content"))
          .containsExactly("opinion of alpha", "opinion of beta", "opinion of gamma");
      assertThat(result.text()).contains("## Consensus of 3 models (3 answered)").contains("the synthesis")
          .contains("### beta (against)\nopinion of beta");
      assertThat(result.structuredContent()).containsEntry("model", "alpha").containsKey("continuation_id");
    }
  }

  @Test
  void each_model_is_blind_to_the_others_and_gets_its_own_stance() {
    answerOnlyWhenAllArrived(3, request -> "opinion of " + request.model());
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      consensus(agent, THREE);
    }

    List<ChatRequest> consulted = gateway.requests.stream().filter(r -> !isSynthesis(r)).toList();
    assertThat(consulted).hasSize(3);
    for (ChatRequest request : consulted) {
      assertThat(GatewayDouble.allText(request)).doesNotContain("opinion of").contains("Should we adopt event sourcing?");
    }
    assertThat(consulted.get(0).messages().get(0).text()).contains("Argue FOR");
    assertThat(consulted.get(1).messages().get(0).text()).contains("Argue AGAINST");
    assertThat(consulted.get(2).messages().get(0).text()).contains("NEUTRAL");
    ChatRequest synthesis = gateway.requests.stream().filter(ConsensusTest::isSynthesis).findFirst().orElseThrow();
    assertThat(synthesis.lastUserText()).contains("opinion of alpha").contains("opinion of beta").contains("opinion of gamma");
  }

  @Test
  void a_failing_model_is_reported_beside_the_others_answers_and_is_not_fatal() {
    gateway.answer = request -> {
      if (isSynthesis(request)) {
        return CompletableFuture.completedFuture("synthesis of what answered");
      }
      return request.model().equals("beta")
          ? CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503 from provider", null))
          : CompletableFuture.completedFuture("opinion of " + request.model());
    };
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = consensus(agent, THREE);

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("(2 answered)").contains("### beta (against) - FAILED: HTTP 503 from provider");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> responses = (List<Map<String, Object>>) result.structuredContent().get("responses");
      assertThat(responses.get(1)).containsEntry("status", "error").containsEntry("error", "HTTP 503 from provider");
      ChatRequest synthesis = gateway.requests.stream().filter(ConsensusTest::isSynthesis).findFirst().orElseThrow();
      assertThat(synthesis.lastUserText()).contains("(no answer: HTTP 503 from provider)");
    }
  }

  @Test
  void when_every_model_fails_the_result_is_an_error_listing_each_failure() {
    gateway.answer = request -> CompletableFuture.failedFuture(new ServiceUnavailableException("down: " + request.model(), null));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = consensus(agent, THREE);

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("Every consulted model failed").contains("down: alpha").contains("down: gamma");
      assertThat(gateway.requests).noneMatch(ConsensusTest::isSynthesis);
    }
  }

  @Test
  void a_failed_synthesis_still_returns_the_individual_answers() {
    gateway.answer = request -> isSynthesis(request)
        ? CompletableFuture.failedFuture(new ServiceUnavailableException("synthesizer down", null))
        : CompletableFuture.completedFuture("opinion of " + request.model());
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = consensus(agent, THREE);

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("synthesis by alpha failed: synthesizer down").contains("opinion of gamma");
    }
  }

  @Test
  void the_same_model_may_argue_two_stances_but_not_the_same_one_twice() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      assertThat(consensus(agent, List.of(Map.of("model", "alpha", "stance", "for"),
          Map.of("model", "alpha", "stance", "against"))).isError()).isFalse();
      ToolResult twice = consensus(agent, List.of(Map.of("model", "alpha", "stance", "for"),
          Map.of("model", "ALPHA", "stance", "for")));
      assertThat(twice.isError()).isTrue();
      assertThat(twice.text()).contains("twice");
      ToolResult one = consensus(agent, List.of(Map.of("model", "alpha")));
      assertThat(one.text()).contains("at least two");
    }
  }

  @Test
  void each_models_answer_appears_once_in_the_text_and_once_in_the_structured_content() throws Exception {
    gateway.answer = request -> CompletableFuture.completedFuture(isSynthesis(request) ? "SYNTHESIS-TEXT"
        : "ANSWER-OF-" + request.model());
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = consensus(agent, THREE);

      String structured = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(result.structuredContent());
      for (String model : List.of("alpha", "beta", "gamma")) {
        assertThat(occurrences(result.text(), "ANSWER-OF-" + model)).as("text, " + model).isEqualTo(1);
        assertThat(occurrences(structured, "ANSWER-OF-" + model)).as("structured, " + model).isEqualTo(1);
      }
      assertThat(occurrences(structured, "SYNTHESIS-TEXT")).isEqualTo(1);
    }
  }

  static int occurrences(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }
}
