package dev.zen.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import dev.zen.spi.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayTracing}: one GenAI client span per attempt, a child of the caller's span, with the
 * semantic conventions' attributes and metrics; failures, retries, cancellation, streams, and
 * content only when asked.
 */
class GatewayTracingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private final Tracer tracer = otel.getTracer("test");

  @AfterEach
  void close() {
    otel.close();
  }

  private ModelGateway traced(ModelGateway gateway, GatewayTracing.Builder tracing) {
    return ModelGateways.intercepted(gateway, List.of(tracing.openTelemetry(otel).serverAddress("models.test")
        .build().interceptor()));
  }

  private static ChatReply answer(ChatRequest request, String text) {
    return new ChatReply(request.model() + "-2026", text, new TokenUsage(12, 5), Duration.ofMillis(3), "stop");
  }

  private <T> Span asCaller(Supplier<CompletableFuture<T>> call, boolean succeeds) {
    Span caller = tracer.spanBuilder("caller").startSpan();
    CompletableFuture<T> future;
    try (Scope ignored = caller.makeCurrent()) {
      future = call.get();
    }
    if (succeeds) {
      assertThat(future).succeedsWithin(WAIT);
    } else {
      assertThat(future).failsWithin(WAIT);
    }
    caller.end();
    return caller;
  }

  private List<SpanData> modelSpans() {
    List<SpanData> chat = new ArrayList<>(spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().startsWith("chat ")).toList());
    chat.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return chat;
  }

  @Test
  void a_call_is_one_client_span_under_the_callers_with_model_tokens_and_finish_reason() {
    ModelGateway gateway = traced(new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.completedFuture(answer(request, "the answer"))), GatewayTracing.builder());
    ChatRequest request = ChatRequest.builder("gpt-x").addMessage(ChatMessage.user("the secret prompt")).temperature(0.2).maxOutputTokens(64)
        .build();

    Span caller = asCaller(() -> gateway.complete(request), true);

    assertThat(modelSpans()).singleElement().satisfies(span -> {
      assertThat(span.getName()).isEqualTo("chat gpt-x");
      assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
      assertThat(span.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
      assertThat(span.getAttributes().get(GenAiInterceptor.OPERATION)).isEqualTo("chat");
      assertThat(span.getAttributes().get(GenAiInterceptor.REQUEST_MODEL)).isEqualTo("gpt-x");
      assertThat(span.getAttributes().get(GenAiInterceptor.RESPONSE_MODEL)).isEqualTo("gpt-x-2026");
      assertThat(span.getAttributes().get(GenAiInterceptor.INPUT_TOKENS)).isEqualTo(12L);
      assertThat(span.getAttributes().get(GenAiInterceptor.OUTPUT_TOKENS)).isEqualTo(5L);
      assertThat(span.getAttributes().get(GenAiInterceptor.FINISH_REASONS)).containsExactly("stop");
      assertThat(span.getAttributes().get(GenAiInterceptor.TEMPERATURE)).isEqualTo(0.2);
      assertThat(span.getAttributes().get(GenAiInterceptor.MAX_TOKENS)).isEqualTo(64L);
      assertThat(span.getAttributes().get(GenAiInterceptor.SERVER_ADDRESS)).isEqualTo("models.test");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      // Content is opt-in: prompts hold code and secrets.
      assertThat(span.getAttributes().get(GenAiInterceptor.INPUT_MESSAGES)).isNull();
      assertThat(span.getAttributes().get(GenAiInterceptor.OUTPUT_MESSAGES)).isNull();
      assertThat(span.getAttributes().asMap().values()).noneMatch(value -> String.valueOf(value).contains("secret"));
    });

    assertThat(metric("zen.gen_ai.client.active").getLongSumData().getPoints())
        .as("nothing in flight once the call ended").allMatch(point -> point.getValue() == 0);
    MetricData duration = metric("gen_ai.client.operation.duration");
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getHistogramData().getPoints()).singleElement().satisfies(point -> {
      assertThat(point.getCount()).isEqualTo(1);
      assertThat(point.getAttributes().get(GenAiInterceptor.REQUEST_MODEL)).isEqualTo("gpt-x");
      assertThat(point.getAttributes().get(GenAiInterceptor.RESPONSE_MODEL)).isEqualTo("gpt-x-2026");
      assertThat(point.getAttributes().get(GenAiInterceptor.ERROR_TYPE)).isNull();
    });
    List<HistogramPointData> tokens = new ArrayList<>(metric("gen_ai.client.token.usage").getHistogramData().getPoints());
    assertThat(tokens).extracting(point -> point.getAttributes().get(GenAiInterceptor.TOKEN_TYPE) + "=" + point.getSum())
        .containsExactlyInAnyOrder("input=12.0", "output=5.0");
  }

  @Test
  void content_is_recorded_only_when_the_user_opts_in() {
    ModelGateway gateway = traced(new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.completedFuture(answer(request, "forty-two"))), GatewayTracing.builder().captureContent(true));

    asCaller(() -> gateway.complete(ChatRequest.builder("gpt-x").addMessage(ChatMessage.system("be brief")).addMessage(ChatMessage.user("what is six times seven"))
        .build()), true);

    assertThat(modelSpans()).singleElement().satisfies(span -> {
      assertThat(span.getAttributes().get(GenAiInterceptor.INPUT_MESSAGES))
          .contains("system: be brief").contains("user: what is six times seven");
      assertThat(span.getAttributes().get(GenAiInterceptor.OUTPUT_MESSAGES)).isEqualTo("forty-two");
    });
  }

  @Test
  void each_retried_attempt_is_its_own_span_under_the_caller_and_says_why_it_failed() {
    StubGateway stub = new StubGateway((attempt, request, onChunk) -> switch (attempt) {
      case 0 -> CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503 from the gateway", null));
      case 1 -> CompletableFuture.failedFuture(new RateLimitedException("HTTP 429", Duration.ofMillis(5), null));
      default -> CompletableFuture.completedFuture(answer(request, "third time"));
    });
    // Tracing innermost, resilience outside it: an attempt is a span.
    ModelGateway gateway = GatewayResilience.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(10)).jitter(0)
        .build().applyTo(traced(stub, GatewayTracing.builder()));

    Span caller = asCaller(() -> gateway.complete(ChatRequest.of("gpt-x", "hello")), true);

    List<SpanData> attempts = modelSpans();
    assertThat(attempts).hasSize(3).allSatisfy(span ->
        assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId()));
    assertThat(attempts).extracting(span -> span.getAttributes().get(GenAiInterceptor.ERROR_TYPE))
        .containsExactly("ServiceUnavailableException", "RateLimitedException", null);
    assertThat(attempts).extracting(span -> span.getStatus().getStatusCode())
        .containsExactly(StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET);
    assertThat(attempts.get(0).getStatus().getDescription()).contains("HTTP 503 from the gateway");
    assertThat(attempts.get(0).getAttributes().get(AttributeKey.booleanKey("zen.retriable"))).isTrue();
    assertThat(attempts.get(0).getEvents()).extracting(event -> event.getName()).contains("exception");

    assertThat(metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .extracting(point -> String.valueOf(point.getAttributes().get(GenAiInterceptor.ERROR_TYPE)) + "x" + point.getCount())
        .containsExactlyInAnyOrder("ServiceUnavailableExceptionx1", "RateLimitedExceptionx1", "nullx1");
  }

  @Test
  void a_cancelled_call_ends_its_span_as_cancelled_and_cancels_the_request_below() {
    List<CompletableFuture<ChatReply>> below = new CopyOnWriteArrayList<>();
    ModelGateway gateway = traced(new StubGateway((attempt, request, onChunk) -> {
      CompletableFuture<ChatReply> never = new CompletableFuture<>();
      below.add(never);
      return never;
    }), GatewayTracing.builder());

    Span caller = tracer.spanBuilder("caller").startSpan();
    CompletableFuture<ChatReply> call;
    try (Scope ignored = caller.makeCurrent()) {
      call = gateway.complete(ChatRequest.of("gpt-x", "hello"));
    }
    assertThat(spans.getFinishedSpanItems()).as("nothing ends before the answer").isEmpty();
    call.cancel(true);
    caller.end();

    assertThat(below).singleElement().satisfies(request -> assertThat(request).isCancelled());
    assertThat(modelSpans()).singleElement().satisfies(span -> {
      assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
      assertThat(span.getAttributes().get(GenAiInterceptor.ERROR_TYPE)).isEqualTo("cancelled");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getEvents()).extracting(event -> event.getName()).doesNotContain("exception");
    });
  }

  @Test
  void a_stream_marks_its_first_chunk_and_records_the_time_to_it_and_every_chunk_still_arrives() {
    ModelGateway gateway = traced(new StubGateway((attempt, request, onChunk) -> {
      onChunk.accept(new ChatChunk(0, "one "));
      onChunk.accept(new ChatChunk(1, "two"));
      return CompletableFuture.completedFuture(answer(request, "one two"));
    }), GatewayTracing.builder());
    List<String> received = new CopyOnWriteArrayList<>();

    asCaller(() -> gateway.stream(ChatRequest.of("gpt-x", "count"), chunk -> received.add(chunk.text())), true);

    assertThat(received).containsExactly("one ", "two");
    assertThat(modelSpans()).singleElement().satisfies(span -> {
      assertThat(span.getAttributes().get(GenAiInterceptor.STREAMED)).isTrue();
      assertThat(span.getEvents()).extracting(event -> event.getName()).containsExactly("gen_ai.first_chunk");
    });
    assertThat(metric("zen.gen_ai.time_to_first_token").getHistogramData().getPoints())
        .singleElement().satisfies(point -> assertThat(point.getCount()).isEqualTo(1));
  }

  @Test
  void a_plain_completion_stays_one_and_records_no_first_chunk() {
    List<Boolean> streamedBelow = new CopyOnWriteArrayList<>();
    ModelGateway below = new ModelGateway() {
      @Override
      public CompletableFuture<ChatReply> complete(ChatRequest request) {
        streamedBelow.add(false);
        return CompletableFuture.completedFuture(answer(request, "whole"));
      }

      @Override
      public CompletableFuture<ChatReply> stream(ChatRequest request, java.util.function.Consumer<ChatChunk> onChunk) {
        streamedBelow.add(true);
        return CompletableFuture.completedFuture(answer(request, "whole"));
      }

      @Override
      public CompletableFuture<List<dev.zen.spi.ModelInfo>> models() {
        return CompletableFuture.completedFuture(List.of());
      }
    };

    asCaller(() -> traced(below, GatewayTracing.builder()).complete(ChatRequest.of("gpt-x", "hi")), true);

    assertThat(streamedBelow).containsExactly(false);
    assertThat(modelSpans()).singleElement().satisfies(span ->
        assertThat(span.getAttributes().get(GenAiInterceptor.STREAMED)).isFalse());
    assertThat(metrics.collectAllMetrics()).extracting(MetricData::getName)
        .doesNotContain("zen.gen_ai.time_to_first_token");
  }

  @Test
  void none_records_nothing_and_passes_the_call_through() {
    ModelGateway gateway = ModelGateways.intercepted(new StubGateway((attempt, request, onChunk) ->
        CompletableFuture.completedFuture(answer(request, "plain"))), List.of(GatewayTracing.none().interceptor()));

    asCaller(() -> gateway.complete(ChatRequest.of("gpt-x", "hi")), true);

    assertThat(modelSpans()).isEmpty();
    assertThat(metrics.collectAllMetrics()).isEmpty();
  }

  @Test
  void calls_waiting_for_a_slot_are_counted_per_model_until_they_get_one() {
    StubGateway held = new StubGateway((attempt, request, onChunk) -> new CompletableFuture<>());
    ModelGateway gateway = GatewayResilience.builder().maxConcurrentCalls(1)
        .tracing(GatewayTracing.openTelemetry(otel)).build().applyTo(held);
    ChatRequest x = ChatRequest.builder("gpt-x").addMessage(ChatMessage.user("hi")).build();
    ChatRequest y = ChatRequest.builder("gpt-y").addMessage(ChatMessage.user("hi")).build();

    List<CompletableFuture<ChatReply>> calls = List.of(gateway.complete(x), gateway.complete(x), gateway.complete(x),
        gateway.complete(y));

    assertThat(held.calls).as("one slot: one attempt running").hasSize(1);
    assertThat(waiting("gpt-x")).isEqualTo(2);
    assertThat(waiting("gpt-y")).isEqualTo(1);
    // Each answer frees the slot for the next waiting call.
    for (int answered = 0; answered < calls.size(); answered++) {
      int next = answered;
      awaitTrue(() -> held.calls.size() > next, "attempt " + (next + 1) + " started");
      CompletableFuture<ChatReply> attempt = held.calls.get(next);
      attempt.complete(StubGateway.reply(x, "ok"));
    }
    assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    assertThat(waiting("gpt-x")).isZero();
    assertThat(waiting("gpt-y")).isZero();
  }

  @Test
  void a_retry_waits_for_a_slot_after_its_back_off_and_a_cancelled_call_stops_waiting() {
    // A (attempt 0) fails and backs off; B and C take both slots; A's retry must then wait.
    StubGateway gateway = new StubGateway((attempt, request, onChunk) -> switch (attempt) {
      case 0 -> CompletableFuture.failedFuture(new ServiceUnavailableException("busy", null));
      case 3 -> CompletableFuture.completedFuture(StubGateway.reply(request, "retried"));
      default -> new CompletableFuture<>();
    });
    ModelGateway resilient = GatewayResilience.builder().maxConcurrentCalls(2).maxRetries(1)
        .backoff(Duration.ofSeconds(2), Duration.ofSeconds(2)).jitter(0).tracing(GatewayTracing.openTelemetry(otel)).build()
        .applyTo(gateway);
    ChatRequest request = ChatRequest.builder("gpt-x").addMessage(ChatMessage.user("hi")).build();

    CompletableFuture<ChatReply> a = resilient.complete(request);
    CompletableFuture<ChatReply> b = resilient.complete(request);
    CompletableFuture<ChatReply> c = resilient.complete(request);
    assertThat(gateway.calls).hasSize(3);
    assertThat(waiting("gpt-x")).as("backing off is not waiting for a slot").isZero();

    awaitTrue(() -> waiting("gpt-x") == 1, "A's retry waiting for a slot after its back-off");
    CompletableFuture<ChatReply> d = resilient.complete(request);
    assertThat(waiting("gpt-x")).isEqualTo(2);
    d.cancel(true);
    assertThat(waiting("gpt-x")).as("a cancelled call waits no more").isEqualTo(1);

    gateway.calls.get(1).complete(StubGateway.reply(request, "b"));
    assertThat(a).succeedsWithin(WAIT).extracting(ChatReply::text).isEqualTo("retried");
    gateway.calls.get(2).complete(StubGateway.reply(request, "c"));
    assertThat(b).succeedsWithin(WAIT);
    assertThat(c).succeedsWithin(WAIT);
    assertThat(gateway.calls).as("the cancelled call never ran").hasSize(4);
    assertThat(waiting("gpt-x")).isZero();
  }

  private long waiting(String model) {
    return metric("zen.gen_ai.client.waiting").getLongSumData().getPoints().stream()
        .filter(point -> model.equals(point.getAttributes().get(GenAiInterceptor.REQUEST_MODEL)))
        .mapToLong(point -> point.getValue()).sum();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private MetricData metric(String name) {
    return metrics.collectAllMetrics().stream().filter(metric -> metric.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics.collectAllMetrics()));
  }
}
