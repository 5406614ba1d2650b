package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.zen.gateway.GatewayResilience;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * langchain4j's synchronous models run on the runtime executor, not the caller's thread: the
 * caller's trace context must be current there, so spans that langchain4j's listeners or an
 * instrumented HTTP client make are the caller's children.
 */
class TracePropagationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final SdkTracerProvider provider = SdkTracerProvider.builder().build();
  private final Tracer tracer = provider.get("test");
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "lc4j-trace-worker");
    thread.setDaemon(true);
    return thread;
  });
  private final List<SpanContext> seenByModel = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    executor.shutdownNow();
    provider.close();
  }

  private static ChatResponse response(String text) {
    return ChatResponse.builder().aiMessage(AiMessage.from(text)).modelName("m").build();
  }

  private Span asCaller(Supplier<CompletableFuture<ChatReply>> call) {
    Span caller = tracer.spanBuilder("caller").startSpan();
    CompletableFuture<ChatReply> future;
    try (Scope ignored = caller.makeCurrent()) {
      future = call.get();
    }
    assertThat(future).succeedsWithin(WAIT);
    caller.end();
    return caller;
  }

  @Test
  void a_synchronous_model_runs_with_the_callers_span_current() {
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        seenByModel.add(Span.current().getSpanContext());
        return response("answer");
      }
    };
    LangChain4jGateway gateway = LangChain4jGateway.builder().chatModel(model).executor(executor).build();

    Span caller = asCaller(() -> gateway.complete(ChatRequest.of("m", "hi")));

    assertThat(seenByModel).singleElement().isEqualTo(caller.getSpanContext());
  }

  @Test
  void a_streaming_model_is_called_with_the_callers_span_current() {
    StreamingChatModel model = new StreamingChatModel() {
      @Override
      public void doChat(dev.langchain4j.model.chat.request.ChatRequest request, StreamingChatResponseHandler handler) {
        seenByModel.add(Span.current().getSpanContext());
        handler.onCompleteResponse(response("streamed"));
      }
    };
    LangChain4jGateway gateway = LangChain4jGateway.builder().streamingChatModel(model).executor(executor).build();

    Span caller = asCaller(() -> gateway.stream(ChatRequest.of("m", "hi"), chunk -> {}));

    assertThat(seenByModel).singleElement().isEqualTo(caller.getSpanContext());
  }

  @Test
  void a_call_retried_by_the_resilience_layer_reaches_the_model_with_the_callers_span_current_each_time() {
    AtomicInteger calls = new AtomicInteger();
    ChatModel flaky = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        seenByModel.add(Span.current().getSpanContext());
        if (calls.getAndIncrement() == 0) {
          throw new InternalServerException("HTTP 503 Service Unavailable");
        }
        return response("second try");
      }
    };
    ModelGateway gateway = GatewayResilience.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build()
        .applyTo(LangChain4jGateway.builder().chatModel(flaky).executor(executor).build());

    Span caller = asCaller(() -> gateway.complete(ChatRequest.of("m", "hi")));

    assertThat(seenByModel).hasSize(2).containsOnly(caller.getSpanContext());
  }
}
