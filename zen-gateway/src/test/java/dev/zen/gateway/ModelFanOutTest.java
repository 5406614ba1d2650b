package dev.zen.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.ZenExecutors;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelFanOutTest {

  @Test
  void every_model_gets_only_the_given_messages_and_outcomes_come_back_in_request_order() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> {
      CompletableFuture<ChatReply> reply = new CompletableFuture<>();
      // Later models answer first, so order must come from the requests, not from completion.
      long delay = request.model().equals("a") ? 60 : request.model().equals("b") ? 30 : 1;
      ZenExecutors.scheduler().schedule(() -> reply.complete(StubGateway.reply(request,
          request.model() + " saw " + request.messages().size() + " message(s)")), delay, TimeUnit.MILLISECONDS);
      return reply;
    });

    List<ModelOutcome> outcomes = ModelFanOut.ask(stub, List.of("a", "b", "c"),
        List.of(ChatMessage.user("same question"))).join();

    assertThat(outcomes).extracting(ModelOutcome::model).containsExactly("a", "b", "c");
    assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isInstanceOfSatisfying(ModelOutcome.Answered.class,
        answered -> assertThat(answered.reply().text()).endsWith("saw 1 message(s)")));
  }

  @Test
  void one_model_failing_does_not_fail_the_others() {
    AuthenticationException failure = new AuthenticationException("bad key for b", null);
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> request.model().equals("b")
        ? CompletableFuture.failedFuture(failure)
        : CompletableFuture.completedFuture(StubGateway.reply(request, "fine")));

    List<ModelOutcome> outcomes = ModelFanOut.ask(stub, List.of(ChatRequest.of("a", "q"), ChatRequest.of("b", "q"),
        ChatRequest.of("c", "q"))).join();

    assertThat(outcomes.get(0)).isInstanceOf(ModelOutcome.Answered.class);
    assertThat(outcomes.get(1)).isEqualTo(new ModelOutcome.Failed(ChatRequest.of("b", "q"), failure));
    assertThat(outcomes.get(2)).isInstanceOf(ModelOutcome.Answered.class);
  }

  @Test
  void a_gateway_that_throws_instead_of_failing_its_future_still_yields_an_outcome() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> {
      throw new IllegalStateException("gateway bug");
    });

    List<ModelOutcome> outcomes = ModelFanOut.ask(stub, List.of(ChatRequest.of("a", "q"))).join();

    assertThat(outcomes.get(0)).isInstanceOfSatisfying(ModelOutcome.Failed.class,
        failed -> assertThat(failed.error()).hasMessage("gateway bug"));
  }

  @Test
  void cancelling_the_fan_out_cancels_every_call_still_running() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());
    CompletableFuture<List<ModelOutcome>> fanOut = ModelFanOut.ask(stub, List.of("a", "b", "c"),
        List.of(ChatMessage.user("q")));

    fanOut.cancel(true);

    assertThat(stub.calls).hasSize(3).allSatisfy(call -> assertThat(call).isCancelled());
    assertThatThrownBy(fanOut::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void asking_no_model_is_rejected() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());

    assertThatThrownBy(() -> ModelFanOut.ask(stub, List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
