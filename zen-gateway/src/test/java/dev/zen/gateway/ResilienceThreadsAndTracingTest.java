package dev.zen.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ServiceUnavailableException;
import dev.zen.ZenExecutors;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where {@link GatewayResilience} runs a call's attempts, and that the caller's trace context is
 * current in each: the first attempt, one retried after a 503 or a timeout, a streamed call, and
 * one that waited for a free slot.
 */
class ResilienceThreadsAndTracingTest {
  private static final ChatRequest REQUEST = ChatRequest.of("stub", "hello");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final Tracer tracer = provider.get("test");
  /** What each attempt saw when the wrapped gateway was called, in call order. */
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  record Seen(int attempt, Thread thread, SpanContext current) {}

  @AfterEach
  void close() {
    provider.close();
  }

  private static GatewayResilience.Builder fast() {
    return GatewayResilience.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(40)).jitter(0);
  }

  /** A gateway that records each attempt and makes its own span, as an instrumented HTTP client would. */
  private StubGateway recording(StubGateway.Script answers) {
    return new StubGateway((attempt, request, onChunk) -> {
      seen.add(new Seen(attempt, Thread.currentThread(), Span.current().getSpanContext()));
      tracer.spanBuilder("provider.call").startSpan().end();
      return answers.answer(attempt, request, onChunk);
    });
  }

  /** Makes the call inside a span of the caller's, and waits for it outside that scope. */
  private <T> Span asCaller(Supplier<CompletableFuture<T>> call) {
    Span caller = tracer.spanBuilder("caller").startSpan();
    CompletableFuture<T> future;
    try (Scope ignored = caller.makeCurrent()) {
      future = call.get();
    }
    assertThat(future).succeedsWithin(WAIT);
    caller.end();
    return caller;
  }

  private void assertEveryAttemptSawTheCaller(Span caller, int attempts) {
    assertThat(seen).hasSize(attempts).allSatisfy(attempt -> {
      assertThat(attempt.current().getSpanId()).as("span current in attempt %d", attempt.attempt())
          .isEqualTo(caller.getSpanContext().getSpanId());
    });
    List<SpanData> providerSpans = exporter.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals("provider.call")).toList();
    assertThat(providerSpans).hasSize(attempts).allSatisfy(span -> {
      assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
      assertThat(span.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    });
  }

  private static void assertNotOnATimerOrFailsafeThread(Thread thread) {
    assertThat(thread.getName()).as("thread of an attempt")
        .doesNotStartWith("zen-timer")
        .doesNotStartWith("FailsafeDelayScheduler")
        .doesNotContain("ForkJoinPool");
  }

  private static CompletableFuture<ChatReply> ok(ChatRequest request) {
    return CompletableFuture.completedFuture(StubGateway.reply(request, "ok"));
  }

  @Test
  void the_first_attempt_starts_on_the_callers_thread_with_the_callers_span_current() {
    ModelGateway gateway = fast().build().applyTo(recording((attempt, request, onChunk) -> ok(request)));
    Thread callerThread = Thread.currentThread();

    Span caller = asCaller(() -> gateway.complete(REQUEST));

    assertEveryAttemptSawTheCaller(caller, 1);
    assertThat(seen.get(0).thread()).isSameAs(callerThread);
  }

  @Test
  void an_attempt_retried_after_a_503_starts_on_the_runtime_executor_with_the_callers_span_current() {
    ModelGateway gateway = fast().build().applyTo(recording((attempt, request, onChunk) -> attempt == 0
        ? CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null))
        : ok(request)));

    Span caller = asCaller(() -> gateway.complete(REQUEST));

    assertEveryAttemptSawTheCaller(caller, 2);
    assertThat(seen.get(1).thread().getName()).startsWith("zen-runtime");
  }

  @Test
  void an_attempt_retried_after_a_timeout_starts_with_the_callers_span_current_and_off_the_timer() {
    List<Thread> cancelledOn = new CopyOnWriteArrayList<>();
    ModelGateway gateway = fast().timeout(Duration.ofMillis(50)).build().applyTo(
        recording((attempt, request, onChunk) -> {
          if (attempt > 0) {
            return ok(request);
          }
          CompletableFuture<ChatReply> hanging = new CompletableFuture<>();
          hanging.whenComplete((reply, error) -> cancelledOn.add(Thread.currentThread()));
          return hanging;
        }));

    Span caller = asCaller(() -> gateway.complete(REQUEST));

    assertEveryAttemptSawTheCaller(caller, 2);
    assertNotOnATimerOrFailsafeThread(seen.get(1).thread());
    assertThat(cancelledOn).as("where the timed-out attempt was cancelled (its HTTP abort runs there)")
        .singleElement().satisfies(ResilienceThreadsAndTracingTest::assertNotOnATimerOrFailsafeThread);
  }

  @Test
  void a_streamed_call_and_its_retry_start_with_the_callers_span_current() {
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    ModelGateway gateway = fast().build().applyTo(recording((attempt, request, onChunk) -> {
      if (attempt == 0) {
        return CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null));
      }
      onChunk.accept(new ChatChunk(0, "streamed"));
      return ok(request);
    }));

    Span caller = asCaller(() -> gateway.stream(REQUEST, chunks::add));

    assertEveryAttemptSawTheCaller(caller, 2);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("streamed");
  }

  @Test
  void a_call_that_waited_for_a_free_slot_starts_on_the_runtime_executor_with_its_callers_span_current() {
    CompletableFuture<ChatReply> first = new CompletableFuture<>();
    ModelGateway gateway = fast().maxConcurrentCalls(1).build().applyTo(
        recording((attempt, request, onChunk) -> attempt == 0 ? first : ok(request)));
    CompletableFuture<ChatReply> firstCall = gateway.complete(REQUEST);
    // The first call ends on the timer thread, which therefore frees the slot the second waits for.
    ZenExecutors.scheduler().schedule(() -> first.complete(StubGateway.reply(REQUEST, "first")), 100, TimeUnit.MILLISECONDS);

    Span caller = asCaller(() -> gateway.complete(REQUEST));

    assertThat(firstCall).succeedsWithin(WAIT);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).current().getSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(seen.get(1).thread().getName()).startsWith("zen-runtime");
  }

  @Test
  void no_attempt_runs_on_the_timer_thread() {
    List<CompletableFuture<ChatReply>> calls = new ArrayList<>();
    // Retried after a 503, after a timeout, after a rate limit's Retry-After, and queued behind a
    // slot that a call ending on the timer thread frees.
    calls.add(fast().build().applyTo(recording((attempt, request, onChunk) -> attempt == 0
        ? CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null))
        : ok(request))).complete(REQUEST));
    calls.add(fast().timeout(Duration.ofMillis(30)).build().applyTo(recording((attempt, request, onChunk) ->
        attempt == 0 ? new CompletableFuture<>() : ok(request))).complete(REQUEST));
    calls.add(fast().build().applyTo(recording((attempt, request, onChunk) -> attempt == 0
        ? CompletableFuture.failedFuture(new dev.zen.RateLimitedException("429", Duration.ofMillis(20), null))
        : ok(request))).complete(REQUEST));
    ModelGateway oneSlot = fast().maxConcurrentCalls(1).build().applyTo(recording((attempt, request, onChunk) -> {
      CompletableFuture<ChatReply> reply = new CompletableFuture<>();
      ZenExecutors.scheduler().schedule(() -> reply.complete(StubGateway.reply(request, "ok")), 20, TimeUnit.MILLISECONDS);
      return reply;
    }));
    for (int i = 0; i < 5; i++) {
      calls.add(oneSlot.complete(REQUEST));
    }

    assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    assertThat(seen).hasSize(11).allSatisfy(attempt -> assertNotOnATimerOrFailsafeThread(attempt.thread()));
  }
}
