package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.zen.AuthenticationException;
import dev.zen.NonRetriableException;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LangChain4jGatewayTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "lc4j-test-worker");
    thread.setDaemon(true);
    return thread;
  });

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  private static ChatResponse response(String text, String model) {
    return response(text, model, FinishReason.STOP);
  }

  private static ChatResponse response(String text, String model, FinishReason finishReason) {
    return ChatResponse.builder()
        .aiMessage(AiMessage.from(text))
        .modelName(model)
        .tokenUsage(new TokenUsage(12, 34))
        .finishReason(finishReason)
        .build();
  }

  @Test
  void complete_runs_the_model_on_the_executor_and_reports_usage_latency_and_finish_reason() {
    AtomicReference<String> thread = new AtomicReference<>();
    AtomicReference<dev.langchain4j.model.chat.request.ChatRequest> seen = new AtomicReference<>();
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        thread.set(Thread.currentThread().getName());
        seen.set(request);
        return response("an answer", "served-model", FinishReason.LENGTH);
      }
    };
    LangChain4jGateway gateway = LangChain4jGateway.builder().chatModel(model).executor(executor).build();

    ChatReply reply = gateway.complete(ChatRequest.builder("asked-model")
        .addMessage(ChatMessage.system("be brief"))
        .addMessage(ChatMessage.user("question"))
        .addMessage(ChatMessage.assistant("earlier answer"))
        .temperature(0.3)
        .maxOutputTokens(99)
        .build()).join();

    assertThat(thread.get()).isEqualTo("lc4j-test-worker");
    // Issue 13, item 6: an answer cut at the output limit says so (this assertion was isEqualTo("an answer")).
    assertThat(reply.text()).isEqualTo("an answer" + LangChain4jGateway.truncationNotice("asked-model"));
    assertThat(reply.model()).isEqualTo("served-model");
    assertThat(reply.usage()).isEqualTo(new dev.zen.spi.TokenUsage(12, 34));
    assertThat(reply.finishReason()).isEqualTo("length");
    assertThat(reply.latency()).isPositive();
    assertThat(seen.get().parameters().modelName()).isEqualTo("asked-model");
    assertThat(seen.get().parameters().temperature()).isEqualTo(0.3);
    assertThat(seen.get().parameters().maxOutputTokens()).isEqualTo(99);
    assertThat(seen.get().messages()).hasSize(3);
    assertThat(seen.get().messages().get(0)).isInstanceOf(SystemMessage.class);
    assertThat(seen.get().messages().get(1)).isInstanceOf(UserMessage.class);
    assertThat(seen.get().messages().get(2)).isInstanceOf(AiMessage.class);
  }

  @Test
  void cancelling_a_synchronous_call_interrupts_the_model() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        started.countDown();
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
        throw new IllegalStateException("interrupted");
      }
    };
    CompletableFuture<ChatReply> call = LangChain4jGateway.builder().chatModel(model).executor(executor).build()
        .complete(ChatRequest.of("m", "hi"));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    call.cancel(true);

    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void stream_delivers_chunks_in_order_and_completes_with_the_whole_reply() {
    StreamingChatModel model = new StreamingChatModel() {
      @Override
      public void doChat(dev.langchain4j.model.chat.request.ChatRequest request, StreamingChatResponseHandler handler) {
        executor.execute(() -> {
          for (String piece : List.of("one ", "two ", "three")) {
            handler.onPartialResponse(new PartialResponse(piece), new PartialResponseContext(new Handle()));
          }
          handler.onCompleteResponse(response("one two three", "m"));
        });
      }
    };
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = LangChain4jGateway.builder().streamingChatModel(model).executor(executor).build()
        .stream(ChatRequest.of("m", "count"), chunks::add).join();

    assertThat(chunks).containsExactly(new ChatChunk(0, "one "), new ChatChunk(1, "two "), new ChatChunk(2, "three"));
    assertThat(reply.text()).isEqualTo("one two three");
  }

  @Test
  void cancelling_a_stream_cancels_it_through_the_streaming_handle() throws InterruptedException {
    Handle handle = new Handle();
    CountDownLatch firstChunk = new CountDownLatch(1);
    AtomicReference<StreamingChatResponseHandler> handlerRef = new AtomicReference<>();
    StreamingChatModel model = new StreamingChatModel() {
      @Override
      public void doChat(dev.langchain4j.model.chat.request.ChatRequest request, StreamingChatResponseHandler handler) {
        handlerRef.set(handler);
        handler.onPartialResponse(new PartialResponse("first"), new PartialResponseContext(handle));
      }
    };
    CompletableFuture<ChatReply> call = LangChain4jGateway.builder().streamingChatModel(model).executor(executor)
        .build().stream(ChatRequest.of("m", "go"), chunk -> firstChunk.countDown());
    assertThat(firstChunk.await(5, TimeUnit.SECONDS)).isTrue();

    call.cancel(true);

    assertThat(handle.cancelled.get()).isTrue();
  }

  @Test
  void a_chunk_listener_that_throws_fails_the_call_and_stops_the_stream() {
    Handle handle = new Handle();
    StreamingChatModel model = new StreamingChatModel() {
      @Override
      public void doChat(dev.langchain4j.model.chat.request.ChatRequest request, StreamingChatResponseHandler handler) {
        handler.onPartialResponse(new PartialResponse("boom"), new PartialResponseContext(handle));
      }
    };

    CompletableFuture<ChatReply> call = LangChain4jGateway.builder().streamingChatModel(model).executor(executor)
        .build().stream(ChatRequest.of("m", "go"), chunk -> {
          throw new IllegalStateException("listener bug");
        });

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(NonRetriableException.class).withMessageContaining("listener bug");
    // The stream is cancelled by a callback of the failed future, run by the thread that failed it,
    // possibly after this thread was already woken by the failure: wait for it, boundedly.
    assertThat(handle.cancellation).as("the stream is cancelled").succeedsWithin(WAIT);
  }

  @Test
  void langchain4j_failures_become_zen_exceptions_naming_the_gateway() {
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        throw new dev.langchain4j.exception.AuthenticationException("401 unauthorized");
      }
    };

    CompletableFuture<ChatReply> call = LangChain4jGateway.builder().chatModel(model).executor(executor)
        .description("Ollama at http://localhost:11434").build().complete(ChatRequest.of("llama3.2", "hi"));

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(AuthenticationException.class)
        .withMessageContaining("Ollama at http://localhost:11434 rejected the credentials for model 'llama3.2'");
  }

  @Test
  void a_chat_model_alone_streams_its_whole_answer_as_one_chunk() {
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        return response("all at once", "m");
      }
    };
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    LangChain4jGateway.builder().chatModel(model).executor(executor).build()
        .stream(ChatRequest.of("m", "hi"), chunks::add).join();

    assertThat(chunks).containsExactly(new ChatChunk(0, "all at once"));
  }

  @Test
  void a_streaming_model_alone_answers_complete_by_collecting_the_stream() {
    StreamingChatModel model = new StreamingChatModel() {
      @Override
      public void doChat(dev.langchain4j.model.chat.request.ChatRequest request, StreamingChatResponseHandler handler) {
        handler.onPartialResponse(new PartialResponse("collected"), new PartialResponseContext(new Handle()));
        handler.onCompleteResponse(response("collected", "m"));
      }
    };

    ChatReply reply = LangChain4jGateway.builder().streamingChatModel(model).executor(executor).models("m").build()
        .complete(ChatRequest.of("m", "hi")).join();

    assertThat(reply.text()).isEqualTo("collected");
  }

  static Stream<Arguments> unusableAnswers() {
    return Stream.of(
        Arguments.of(ChatResponse.builder().aiMessage(AiMessage.from(" ")).finishReason(FinishReason.STOP).build(),
            "the answer was empty"),
        Arguments.of(ChatResponse.builder().aiMessage(AiMessage.from(List.of(ToolExecutionRequest.builder()
            .name("get_weather").arguments("{}").build()))).finishReason(FinishReason.TOOL_EXECUTION).build(),
            "tool calls (get_weather)"),
        Arguments.of(ChatResponse.builder().aiMessage(AiMessage.builder().text("").thinking("let me think").build())
            .finishReason(FinishReason.LENGTH).build(), "only reasoned"),
        Arguments.of(ChatResponse.builder().aiMessage(AiMessage.from("half an ans"))
            .finishReason(FinishReason.CONTENT_FILTER).build(), "content filter"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unusableAnswers")
  void an_answer_without_text_or_withheld_by_a_filter_fails_the_call_saying_which(ChatResponse answer, String which) {
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
        return answer;
      }
    };
    LangChain4jGateway gateway = LangChain4jGateway.builder().chatModel(model).executor(executor)
        .description("Ollama at http://localhost:11434").build();

    for (CompletableFuture<ChatReply> call : List.of(gateway.complete(ChatRequest.of("llama3.2", "hi")),
        gateway.stream(ChatRequest.of("llama3.2", "hi"), chunk -> {}))) {
      assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingCause()
          .isInstanceOf(NonRetriableException.class).withMessageContaining(which)
          .withMessageContaining("llama3.2");
    }
  }

  @Test
  void models_reports_the_configured_names_and_the_builder_needs_a_model() {
    ChatModel model = new ChatModel() {};

    assertThat(LangChain4jGateway.builder().chatModel(model).models("a", "b").build().models().join())
        .containsExactly(new ModelInfo("a"), new ModelInfo("b"));
    assertThatThrownBy(() -> LangChain4jGateway.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chatModel");
  }

  private static final class Handle implements StreamingHandle {
    final AtomicBoolean cancelled = new AtomicBoolean();
    /** Completes when the stream is cancelled, for tests where another thread cancels it. */
    final CompletableFuture<Void> cancellation = new CompletableFuture<>();

    @Override
    public void cancel() {
      cancelled.set(true);
      cancellation.complete(null);
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }
  }
}
