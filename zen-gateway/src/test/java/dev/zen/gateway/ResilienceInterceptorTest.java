package dev.zen.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.ContextLengthExceededException;
import dev.zen.InvalidRequestException;
import dev.zen.ModelNotFoundException;
import dev.zen.OperationTimeoutException;
import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.ZenExecutors;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResilienceInterceptorTest {
  private static final ChatRequest REQUEST = ChatRequest.of("stub", "hello");
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static GatewayResilience.Builder fast() {
    return GatewayResilience.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(40)).jitter(0);
  }

  @Test
  void retriable_failures_are_retried_until_an_attempt_succeeds() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> attempt < 2
        ? CompletableFuture.failedFuture(new ServiceUnavailableException("down", null))
        : CompletableFuture.completedFuture(StubGateway.reply(request, "finally")));

    ChatReply reply = fast().build().applyTo(stub).complete(REQUEST).join();

    assertThat(reply.text()).isEqualTo("finally");
    assertThat(stub.attempts()).isEqualTo(3);
  }

  @Test
  void after_the_last_retry_the_last_failure_is_reported() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.failedFuture(new ServiceUnavailableException("down #" + attempt, null)));

    CompletableFuture<ChatReply> call = fast().maxRetries(2).build().applyTo(stub).complete(REQUEST);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ServiceUnavailableException.class).withMessageContaining("down #2");
    assertThat(stub.attempts()).isEqualTo(3);
  }

  static Stream<ZenException> nonRetriable() {
    return Stream.of(new AuthenticationException("bad key", null), new InvalidRequestException("bad request"),
        new ContextLengthExceededException("too long", null),
        new ModelNotFoundException("no such model", "x", List.of(), null));
  }

  @ParameterizedTest
  @MethodSource("nonRetriable")
  void non_retriable_failures_are_reported_after_one_attempt(ZenException failure) {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> CompletableFuture.failedFuture(failure));

    CompletableFuture<ChatReply> call = fast().build().applyTo(stub).complete(REQUEST);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).withCause(failure);
    assertThat(stub.attempts()).isEqualTo(1);
  }

  @Test
  void an_attempt_that_exceeds_the_timeout_is_cancelled_and_retried() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> attempt == 0
        ? new CompletableFuture<>()
        : CompletableFuture.completedFuture(StubGateway.reply(request, "second try")));

    ChatReply reply = fast().timeout(Duration.ofMillis(100)).build().applyTo(stub).complete(REQUEST).join();

    assertThat(reply.text()).isEqualTo("second try");
    assertThat(stub.calls.get(0)).isCancelled();
  }

  @Test
  void when_every_attempt_times_out_the_call_fails_with_an_operation_timeout() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());

    CompletableFuture<ChatReply> call = fast().timeout(Duration.ofMillis(50)).maxRetries(1).build().applyTo(stub)
        .complete(REQUEST);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(OperationTimeoutException.class, e -> {
          assertThat(e.timeout()).isEqualTo(Duration.ofMillis(50));
          assertThat(e).hasMessageContaining("did not answer within 50 ms");
        });
    assertThat(stub.attempts()).isEqualTo(2);
    assertThat(stub.calls).allSatisfy(attempt -> assertThat(attempt).isCancelled());
  }

  @Test
  void a_stream_that_already_delivered_chunks_is_not_retried() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> {
      onChunk.accept(new ChatChunk(0, "partial "));
      return CompletableFuture.failedFuture(new ServiceUnavailableException("connection reset", null));
    });
    List<ChatChunk> chunks = new ArrayList<>();

    CompletableFuture<ChatReply> call = fast().build().applyTo(stub).stream(REQUEST, chunks::add);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(stub.attempts()).isEqualTo(1);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("partial ");
  }

  @Test
  void a_stream_that_failed_before_any_chunk_is_retried() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> {
      if (attempt == 0) {
        return CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null));
      }
      onChunk.accept(new ChatChunk(0, "whole"));
      return CompletableFuture.completedFuture(StubGateway.reply(request, "whole"));
    });
    List<ChatChunk> chunks = new ArrayList<>();

    ChatReply reply = fast().build().applyTo(stub).stream(REQUEST, chunks::add).join();

    assertThat(reply.text()).isEqualTo("whole");
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("whole");
    assertThat(stub.attempts()).isEqualTo(2);
  }

  @Test
  void a_stream_through_a_chain_assembled_by_hand_is_never_retried() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null)));
    ModelGateway chain = ModelGateways.intercepted(stub, List.of(fast().build().interceptor()));

    assertThat(chain.stream(REQUEST, chunk -> {})).failsWithin(WAIT);
    assertThat(stub.attempts()).isEqualTo(1);
  }

  @Test
  void a_rate_limit_is_retried_no_sooner_than_its_retry_after() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> attempt == 0
        ? CompletableFuture.failedFuture(new RateLimitedException("429", Duration.ofMillis(300), null))
        : CompletableFuture.completedFuture(StubGateway.reply(request, "ok")));

    fast().build().applyTo(stub).complete(REQUEST).join();

    long gap = stub.callNanos.get(1) - stub.callNanos.get(0);
    assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void a_rate_limit_asking_for_longer_than_max_retry_after_is_reported_at_once() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.failedFuture(new RateLimitedException("429", Duration.ofMinutes(5), null)));

    CompletableFuture<ChatReply> call = fast().maxRetryAfter(Duration.ofSeconds(10)).build().applyTo(stub)
        .complete(REQUEST);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RateLimitedException.class);
    assertThat(stub.attempts()).isEqualTo(1);
  }

  @Test
  void backoff_doubles_between_attempts_up_to_its_cap() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.failedFuture(new ServiceUnavailableException("down", null)));

    GatewayResilience resilience = GatewayResilience.builder().jitter(0).maxRetries(4)
        .backoff(Duration.ofMillis(40), Duration.ofMillis(100)).build();
    assertThat(resilience.applyTo(stub).complete(REQUEST)).failsWithin(WAIT);

    List<Long> gapsMillis = new ArrayList<>();
    for (int i = 1; i < stub.callNanos.size(); i++) {
      gapsMillis.add(TimeUnit.NANOSECONDS.toMillis(stub.callNanos.get(i) - stub.callNanos.get(i - 1)));
    }
    assertThat(gapsMillis).hasSize(4);
    // Lower bounds are exact (no jitter); upper bounds leave room for a busy machine.
    assertThat(gapsMillis.get(0)).isBetween(40L, 440L);
    assertThat(gapsMillis.get(1)).isBetween(80L, 480L);
    assertThat(gapsMillis.get(2)).isBetween(100L, 500L);
    assertThat(gapsMillis.get(3)).isBetween(100L, 500L);
  }

  @Test
  void the_concurrency_limit_caps_attempts_in_flight_and_queues_the_rest() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      CompletableFuture<ChatReply> reply = new CompletableFuture<>();
      ZenExecutors.scheduler().schedule(() -> {
        running.decrementAndGet();
        reply.complete(StubGateway.reply(request, "ok"));
      }, 20, TimeUnit.MILLISECONDS);
      return reply;
    });
    ModelGateway gateway = fast().maxConcurrentCalls(3).build().applyTo(stub);

    List<CompletableFuture<ChatReply>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(gateway.complete(REQUEST));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

    assertThat(peak.get()).isEqualTo(3);
    assertThat(stub.attempts()).isEqualTo(20);
  }

  @Test
  void a_call_that_waits_too_long_for_a_slot_fails_saying_how_to_fix_it() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());
    ModelGateway gateway = fast().maxConcurrentCalls(1).maxWaitForPermit(Duration.ofMillis(50)).build().applyTo(stub);

    CompletableFuture<ChatReply> first = gateway.complete(REQUEST);
    CompletableFuture<ChatReply> second = gateway.complete(REQUEST);

    assertThat(second).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ServiceUnavailableException.class)
        .withMessageContaining("1 concurrent slots").withMessageContaining("raise maxConcurrentCalls");
    assertThat(stub.attempts()).isEqualTo(1);
    first.cancel(true);
  }

  @Test
  void cancelling_the_call_cancels_the_attempt_in_flight() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());
    CompletableFuture<ChatReply> call = fast().build().applyTo(stub).complete(REQUEST);
    waitFor(() -> stub.attempts() == 1);

    call.cancel(true);

    assertThat(stub.calls.get(0)).isCancelled();
  }

  @Test
  void cancelling_during_backoff_stops_further_attempts() throws InterruptedException {
    StubGateway stub = new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.failedFuture(new ServiceUnavailableException("down", null)));
    CompletableFuture<ChatReply> call = GatewayResilience.builder().jitter(0)
        .backoff(Duration.ofMillis(500), Duration.ofMillis(500)).build().applyTo(stub).complete(REQUEST);
    waitFor(() -> stub.attempts() == 1);

    call.cancel(true);
    Thread.sleep(700);

    assertThat(stub.attempts()).isEqualTo(1);
  }

  @Test
  void the_deadline_ends_the_whole_call_across_attempts_and_backoffs_and_cancels_what_runs() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());

    CompletableFuture<ChatReply> call = fast().timeout(Duration.ofMillis(60)).maxRetries(100)
        .deadline(Duration.ofMillis(400)).build().applyTo(stub).complete(REQUEST);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(OperationTimeoutException.class, e -> {
          assertThat(e.timeout()).isEqualTo(Duration.ofMillis(400));
          assertThat(e).hasMessageContaining("deadline of 400 ms").hasMessageContaining("attempts")
              .hasMessageContaining("deadline(...) on GatewayResilience.builder()");
        });
    assertThat(stub.attempts()).isBetween(2, 99);
    waitFor(() -> stub.calls.stream().allMatch(CompletableFuture::isDone));
    assertThat(stub.calls).allSatisfy(attempt -> assertThat(attempt).isCancelled());
  }

  /** A failure of a call the endpoint answered, as an HTTP gateway marks one. */
  private static final class Answered extends RuntimeException implements AnsweredFailure {
    private static final long serialVersionUID = 1L;

    Answered() {
      super("an error inside a 200 answer");
    }
  }

  @Test
  void a_failure_of_a_call_the_endpoint_answered_is_never_retried_whatever_its_kind() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> CompletableFuture.failedFuture(
        new RateLimitedException("rate limited, said inside a 200 answer", Duration.ZERO, new Answered())));

    CompletableFuture<ChatReply> call = fast().build().applyTo(stub).complete(REQUEST);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RateLimitedException.class);
    assertThat(stub.attempts()).isEqualTo(1);
  }

  @Test
  void messages_name_settings_as_their_reader_knows_them() {
    SettingNames environment = SettingNames.builder()
        .name(SettingNames.Setting.MAX_CONCURRENT_CALLS, "ZEN_MAX_CONCURRENT_CALLS")
        .unavailable(SettingNames.Setting.MAX_WAIT_FOR_PERMIT)
        .name(SettingNames.Setting.ATTEMPT_TIMEOUT, "ZEN_CALL_TIMEOUT_SECONDS")
        .build();
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());
    ModelGateway gateway = fast().maxConcurrentCalls(1).maxWaitForPermit(Duration.ofMillis(50))
        .timeout(Duration.ofMillis(300)).maxRetries(0).settingNames(environment).build().applyTo(stub);

    CompletableFuture<ChatReply> first = gateway.complete(REQUEST);
    CompletableFuture<ChatReply> second = gateway.complete(REQUEST);

    assertThat(second).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingCause()
        .withMessageContaining("raise ZEN_MAX_CONCURRENT_CALLS, or send fewer calls at once")
        .withMessageNotContaining("maxWaitForPermit").withMessageNotContaining("Builder");
    assertThat(first).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingCause()
        .withMessageContaining("raise ZEN_CALL_TIMEOUT_SECONDS").withMessageNotContaining("GatewayResilience");
  }

  @Test
  void options_validate_at_once_and_have_documented_defaults() {
    GatewayResilience defaults = GatewayResilience.defaults();

    assertThat(defaults.timeout()).isEqualTo(GatewayResilience.DEFAULT_TIMEOUT);
    assertThat(defaults.deadline()).isEqualTo(GatewayResilience.DEFAULT_DEADLINE);
    assertThat(defaults.settingNames()).isSameAs(SettingNames.builderMethods());
    assertThatThrownBy(() -> GatewayResilience.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SettingNames.builder().name(SettingNames.Setting.API_KEY, " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(defaults.maxRetries()).isEqualTo(GatewayResilience.DEFAULT_MAX_RETRIES);
    assertThat(defaults.maxConcurrentCalls()).isEqualTo(GatewayResilience.DEFAULT_MAX_CONCURRENT_CALLS);
    assertThat(defaults.toBuilder().maxRetries(0).build().maxRetries()).isZero();
    assertThatThrownBy(() -> GatewayResilience.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayResilience.builder().maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayResilience.builder().jitter(1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayResilience.builder().maxConcurrentCalls(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GatewayResilience.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
