package dev.zen.gateway;

import dev.zen.ZenException;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.GatewayInterceptor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@link GatewayTracing}'s work: a GenAI client span and metrics per request. Only loaded when
 * opentelemetry-api is on the class path.
 */
final class GenAiInterceptor implements GatewayInterceptor {
  private static final String SCOPE = "dev.zen.gateway";
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
  static final AttributeKey<Boolean> STREAMED = AttributeKey.booleanKey("zen.gen_ai.streamed");

  private final @Nullable OpenTelemetry explicit;
  private final boolean captureContent;
  private final @Nullable String serverAddress;
  private volatile @Nullable Instruments instruments;

  GenAiInterceptor(@Nullable Object openTelemetry, boolean captureContent, @Nullable String serverAddress) {
    this.explicit = (OpenTelemetry) openTelemetry;
    this.captureContent = captureContent;
    this.serverAddress = serverAddress;
  }

  /** Instruments of one OpenTelemetry instance, made once (the global one may be set later). */
  private record Instruments(OpenTelemetry owner, Meter meter, DoubleHistogram duration, LongHistogram tokens,
      DoubleHistogram firstToken, LongUpDownCounter active) {}

  private Instruments instruments() {
    OpenTelemetry otel = explicit != null ? explicit
        : GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : OpenTelemetry.noop();
    Instruments current = instruments;
    if (current == null || current.owner() != otel) {
      Meter meter = otel.getMeter(SCOPE);
      current = new Instruments(otel, meter,
          meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
              .setDescription("Duration of GenAI operations, per model").build(),
          meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
              .setDescription("Tokens used per GenAI operation, by type").build(),
          meter.histogramBuilder("zen.gen_ai.time_to_first_token").setUnit("s")
              .setDescription("Time from sending a streamed request to its first chunk").build(),
          meter.upDownCounterBuilder("zen.gen_ai.client.active").setUnit("{request}")
              .setDescription("Model requests in flight (past the bulkhead), per model").build());
      instruments = current;
    }
    return current;
  }

  @Override
  public CompletableFuture<ChatReply> intercept(Call call) {
    if (explicit == null && !GlobalOpenTelemetry.isSet()) {
      // No SDK registered (the server without OTEL_*): pass the call through rather than build a
      // no-op span, no-op instruments and a chunk wrapper for each call.
      Consumer<ChatChunk> listener = call.chunkListener();
      return listener != null ? call.proceed(call.request(), listener) : call.proceed(call.request());
    }
    Instruments metrics = instruments();
    ChatRequest request = call.request();
    boolean streamed = call.chunkListener() != null;
    var span = metrics.owner().getTracer(SCOPE).spanBuilder("chat " + request.model())
        .setSpanKind(SpanKind.CLIENT)
        .setParent(Context.current())
        .setAttribute(OPERATION, "chat")
        .setAttribute(REQUEST_MODEL, request.model())
        .setAttribute(STREAMED, streamed);
    request.temperature().ifPresent(value -> span.setAttribute(TEMPERATURE, value));
    request.maxOutputTokens().ifPresent(value -> span.setAttribute(MAX_TOKENS, (long) value));
    if (serverAddress != null) {
      span.setAttribute(SERVER_ADDRESS, serverAddress);
    }
    if (captureContent) {
      span.setAttribute(INPUT_MESSAGES, messages(request.messages()));
    }
    Span started = span.startSpan();
    Attributes model = Attributes.of(REQUEST_MODEL, request.model());
    metrics.active().add(1, model);
    long start = System.nanoTime();
    AtomicLong firstChunk = new AtomicLong();
    CompletableFuture<ChatReply> result;
    try (Scope ignored = started.makeCurrent()) {
      if (streamed) {
        Consumer<ChatChunk> downstream = call.chunkListener();
        result = call.proceed(request, chunk -> {
          if (firstChunk.get() == 0 && firstChunk.compareAndSet(0, System.nanoTime())) {
            started.addEvent("gen_ai.first_chunk");
          }
          downstream.accept(chunk);
        });
      } else {
        result = call.proceed(request);
      }
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ChatReply> sent = result;
    // The caller sees the answer after the span has ended (whoever reads the trace on completion
    // finds it); the span ends on the request's own completion, so a cancelled caller ends it too.
    CompletableFuture<ChatReply> seen = new CompletableFuture<>();
    sent.whenComplete((reply, error) -> {
      metrics.active().add(-1, model);
      AttributesBuilder common = Attributes.builder().put(OPERATION, "chat").put(REQUEST_MODEL, request.model());
      if (serverAddress != null) {
        common.put(SERVER_ADDRESS, serverAddress);
      }
      if (error == null) {
        started.setAttribute(RESPONSE_MODEL, reply.model());
        started.setAttribute(INPUT_TOKENS, reply.usage().inputTokens());
        started.setAttribute(OUTPUT_TOKENS, reply.usage().outputTokens());
        if (reply.finishReason() != null) {
          started.setAttribute(FINISH_REASONS, List.of(reply.finishReason()));
        }
        if (captureContent) {
          started.setAttribute(OUTPUT_MESSAGES, reply.text());
        }
        common.put(RESPONSE_MODEL, reply.model());
        Attributes attributes = common.build();
        metrics.tokens().record(reply.usage().inputTokens(), attributes.toBuilder().put(TOKEN_TYPE, "input").build());
        metrics.tokens().record(reply.usage().outputTokens(), attributes.toBuilder().put(TOKEN_TYPE, "output").build());
        metrics.duration().record(seconds(System.nanoTime() - start), attributes);
      } else {
        Throwable cause = Futures.unwrap(error);
        String type = cause instanceof CancellationException ? "cancelled" : cause.getClass().getSimpleName();
        started.setAttribute(ERROR_TYPE, type);
        started.setStatus(StatusCode.ERROR, cause instanceof CancellationException ? "cancelled" : Futures.describe(cause));
        if (!(cause instanceof CancellationException)) {
          started.recordException(cause);
        }
        started.setAttribute(AttributeKey.booleanKey("zen.retriable"), ZenException.isRetriable(cause));
        metrics.duration().record(seconds(System.nanoTime() - start), common.put(ERROR_TYPE, type).build());
      }
      long first = firstChunk.get();
      if (first != 0) {
        metrics.firstToken().record(seconds(first - start), Attributes.of(REQUEST_MODEL, request.model()));
      }
      started.end();
      if (error != null) {
        seen.completeExceptionally(error);
      } else {
        seen.complete(reply);
      }
    });
    return Futures.cancelling(seen, sent);
  }

  private static double seconds(long nanos) {
    return nanos / 1_000_000_000.0;
  }

  /** The messages as compact text (role: text), images as their URL scheme only. */
  private static String messages(List<ChatMessage> messages) {
    StringBuilder text = new StringBuilder();
    for (ChatMessage message : messages) {
      text.append(message.role().name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(message.text());
      message.images().forEach(image -> text.append(" [image ").append(image.inline() ? "inline" : image.url())
          .append(']'));
      text.append('\n');
    }
    return text.toString();
  }
}
