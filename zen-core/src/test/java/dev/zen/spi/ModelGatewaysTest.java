package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.RetriableException;
import dev.zen.ServiceUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ModelGatewaysTest {

  /** A gateway double: records what reached it and answers as scripted (a test double of our own SPI). */
  private static class RecordingGateway implements ModelGateway {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final List<String> methods = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<ChatReply>> futures = new CopyOnWriteArrayList<>();
    final List<@Nullable Consumer<ChatChunk>> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger modelsCalls = new AtomicInteger();
    final AtomicInteger closeCalls = new AtomicInteger();
    boolean answerImmediately = true;
    @Nullable List<String> trace;

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      methods.add("complete");
      return answer(request);
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      methods.add("stream");
      listeners.add(onChunk);
      onChunk.accept(new ChatChunk(0, "hel"));
      onChunk.accept(new ChatChunk(1, "lo"));
      return answer(request);
    }

    private CompletableFuture<ChatReply> answer(ChatRequest request) {
      requests.add(request);
      if (trace != null) {
        trace.add("gateway");
      }
      CompletableFuture<ChatReply> future = new CompletableFuture<>();
      futures.add(future);
      if (failuresLeft.getAndDecrement() > 0) {
        future.completeExceptionally(new ServiceUnavailableException("provider down", null));
      } else if (answerImmediately) {
        future.complete(reply(request.model(), "hello"));
      }
      return future;
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      modelsCalls.incrementAndGet();
      return CompletableFuture.completedFuture(List.of(new ModelInfo("m1")));
    }

    @Override
    public void close() {
      closeCalls.incrementAndGet();
    }
  }

  private static ChatReply reply(String model, String text) {
    return new ChatReply(model, text, TokenUsage.ZERO, Duration.ofMillis(1), "stop");
  }

  /** Records entry and exit around proceed, to show the order interceptors run in. */
  private static GatewayInterceptor tracing(String name, List<String> trace) {
    return call -> {
      trace.add(name + ">");
      return call.proceed(call.request()).whenComplete((r, e) -> trace.add("<" + name));
    };
  }

  /** Retries once on a retriable failure, calling proceed a second time. */
  private static final GatewayInterceptor RETRY_ONCE = call -> call.proceed(call.request())
      .handle((reply, failure) -> failure instanceof RetriableException
          ? call.proceed(call.request())
          : failure != null ? CompletableFuture.<ChatReply>failedFuture(failure) : CompletableFuture.completedFuture(reply))
      .thenCompose(next -> next);

  @Test
  void interceptors_run_outermost_first() throws Exception {
    List<String> trace = new ArrayList<>();
    RecordingGateway gateway = new RecordingGateway();
    gateway.trace = trace;
    ModelGateway intercepted = ModelGateways.intercepted(gateway,
        List.of(tracing("outer", trace), tracing("middle", trace), tracing("inner", trace)));

    intercepted.complete(ChatRequest.of("m", "hi")).get(5, TimeUnit.SECONDS);

    assertThat(trace).containsExactly("outer>", "middle>", "inner>", "gateway", "<inner", "<middle", "<outer");
  }

  @Test
  void an_interceptor_can_change_the_request() throws Exception {
    RecordingGateway gateway = new RecordingGateway();
    GatewayInterceptor reroute = call -> call.proceed(call.request().toBuilder().model("fallback").temperature(0.0).build());
    List<ChatRequest> seenByInner = new ArrayList<>();
    GatewayInterceptor observe = call -> {
      seenByInner.add(call.request());
      return call.proceed(call.request());
    };
    ModelGateway intercepted = ModelGateways.intercepted(gateway, List.of(reroute, observe));

    ChatReply answer = intercepted.complete(ChatRequest.of("primary", "hi")).get(5, TimeUnit.SECONDS);

    assertThat(gateway.requests).singleElement().satisfies(request -> {
      assertThat(request.model()).isEqualTo("fallback");
      assertThat(request.temperature()).contains(0.0);
      assertThat(request.lastUserText()).isEqualTo("hi");
    });
    assertThat(seenByInner).singleElement().extracting(ChatRequest::model).isEqualTo("fallback");
    assertThat(answer.model()).isEqualTo("fallback");
  }

  @Test
  void proceeding_twice_reaches_the_delegate_twice() throws Exception {
    RecordingGateway gateway = new RecordingGateway();
    gateway.failuresLeft.set(1);
    ModelGateway intercepted = ModelGateways.intercepted(gateway, List.of(RETRY_ONCE));

    ChatReply answer = intercepted.complete(ChatRequest.of("m", "hi")).get(5, TimeUnit.SECONDS);

    assertThat(answer.text()).isEqualTo("hello");
    assertThat(gateway.requests).hasSize(2);
    assertThat(gateway.methods).containsExactly("complete", "complete");
  }

  @Test
  void a_failure_the_interceptors_do_not_handle_reaches_the_caller() {
    RecordingGateway gateway = new RecordingGateway();
    gateway.failuresLeft.set(2);
    ModelGateway intercepted = ModelGateways.intercepted(gateway, List.of(RETRY_ONCE));

    assertThatThrownBy(() -> intercepted.complete(ChatRequest.of("m", "hi")).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(gateway.requests).hasSize(2);
  }

  @Test
  void streaming_calls_carry_the_listener_through_the_chain() throws Exception {
    RecordingGateway gateway = new RecordingGateway();
    List<@Nullable Consumer<ChatChunk>> seenByInterceptor = new ArrayList<>();
    GatewayInterceptor observe = call -> {
      seenByInterceptor.add(call.chunkListener());
      return call.proceed(call.request().toBuilder().maxOutputTokens(10).build());
    };
    ModelGateway intercepted = ModelGateways.intercepted(gateway, List.of(observe, RETRY_ONCE));
    List<String> chunks = new CopyOnWriteArrayList<>();
    Consumer<ChatChunk> listener = chunk -> chunks.add(chunk.text());

    intercepted.stream(ChatRequest.of("m", "hi"), listener).get(5, TimeUnit.SECONDS);

    assertThat(seenByInterceptor).singleElement().isSameAs(listener);
    assertThat(gateway.methods).containsExactly("stream");
    assertThat(gateway.listeners).singleElement().isSameAs(listener);
    assertThat(gateway.requests.get(0).maxOutputTokens()).contains(10);
    assertThat(chunks).containsExactly("hel", "lo");
  }

  @Test
  void complete_calls_have_no_listener_and_never_stream() throws Exception {
    RecordingGateway gateway = new RecordingGateway();
    List<Object> seen = new ArrayList<>();
    GatewayInterceptor observe = call -> {
      seen.add(String.valueOf(call.chunkListener()));
      return call.proceed(call.request());
    };

    ModelGateways.intercepted(gateway, List.of(observe)).complete(ChatRequest.of("m", "hi")).get(5, TimeUnit.SECONDS);

    assertThat(seen).containsExactly("null");
    assertThat(gateway.methods).containsExactly("complete");
  }

  @Test
  void models_and_close_go_straight_to_the_delegate() throws Exception {
    RecordingGateway gateway = new RecordingGateway();
    AtomicInteger intercepted = new AtomicInteger();
    ModelGateway wrapped = ModelGateways.intercepted(gateway, List.of(call -> {
      intercepted.incrementAndGet();
      return call.proceed(call.request());
    }));

    assertThat(wrapped.models().get(5, TimeUnit.SECONDS)).containsExactly(new ModelInfo("m1"));
    wrapped.close();

    assertThat(gateway.modelsCalls).hasValue(1);
    assertThat(gateway.closeCalls).hasValue(1);
    assertThat(intercepted).hasValue(0);
  }

  @Test
  void cancelling_the_outer_future_cancels_the_delegate_future_when_interceptors_pass_it_through() {
    RecordingGateway gateway = new RecordingGateway();
    gateway.answerImmediately = false;
    GatewayInterceptor passThrough = call -> call.proceed(call.request());
    ModelGateway intercepted = ModelGateways.intercepted(gateway, List.of(passThrough, passThrough));

    CompletableFuture<ChatReply> outer = intercepted.complete(ChatRequest.of("m", "hi"));
    assertThat(gateway.futures).hasSize(1);
    assertThat(outer.cancel(true)).isTrue();

    assertThat(gateway.futures.get(0)).isCancelled();
  }

  @Test
  void an_empty_chain_returns_the_gateway_itself() {
    RecordingGateway gateway = new RecordingGateway();

    assertThat(ModelGateways.intercepted(gateway, List.of())).isSameAs(gateway);
    assertThatThrownBy(() -> ModelGateways.intercepted(null, List.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("gateway");
  }

  @Test
  void an_interceptor_that_throws_fails_the_future_instead_of_the_call() {
    RecordingGateway gateway = new RecordingGateway();
    AtomicInteger attempts = new AtomicInteger();
    GatewayInterceptor throwsOnFirstAttempt = call -> {
      if (attempts.incrementAndGet() == 1) {
        throw new ServiceUnavailableException("bulkhead full", null);
      }
      return call.proceed(call.request());
    };
    ModelGateway intercepted = ModelGateways.intercepted(gateway, List.of(RETRY_ONCE, throwsOnFirstAttempt));

    CompletableFuture<ChatReply> answer = intercepted.complete(ChatRequest.of("m", "hi"));

    assertThat(answer).succeedsWithin(Duration.ofSeconds(5)).extracting(ChatReply::text).isEqualTo("hello");
    assertThat(attempts).hasValue(2);
    assertThat(gateway.requests).hasSize(1);
  }

  @Test
  void a_gateway_that_throws_or_an_interceptor_returning_null_gives_a_failed_future() {
    ModelGateway throwing = new RecordingGateway() {
      @Override
      public CompletableFuture<ChatReply> complete(ChatRequest request) {
        throw new IllegalStateException("boom");
      }
    };
    GatewayInterceptor passThrough = call -> call.proceed(call.request());

    CompletableFuture<ChatReply> failed = ModelGateways.intercepted(throwing, List.of(passThrough))
        .complete(ChatRequest.of("m", "hi"));
    CompletableFuture<ChatReply> nulled = ModelGateways.intercepted(new RecordingGateway(), List.of(call -> null))
        .complete(ChatRequest.of("m", "hi"));

    assertThat(failed).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(IllegalStateException.class).withMessage("boom");
    assertThat(nulled).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(NullPointerException.class).withMessageContaining("returned null");
  }

  @Test
  void a_null_request_is_an_invalid_argument_thrown_at_once() {
    ModelGateway intercepted = ModelGateways.intercepted(new RecordingGateway(), List.of(call -> call.proceed(call.request())));

    assertThatThrownBy(() -> intercepted.complete(null)).isInstanceOf(NullPointerException.class).hasMessage("request");
    assertThatThrownBy(() -> intercepted.stream(ChatRequest.of("m", "x"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("onChunk");
  }
}
