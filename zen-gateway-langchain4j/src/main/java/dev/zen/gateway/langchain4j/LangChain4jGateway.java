package dev.zen.gateway.langchain4j;

import dev.zen.internal.Futures;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.zen.NonRetriableException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenExecutors;
import dev.zen.gateway.internal.TraceContext;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ContentPart;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelGateway} over any langchain4j {@link ChatModel} and/or {@link StreamingChatModel}.
 *
 * <p>langchain4j's chat API is synchronous, so {@link #complete} runs the model on the runtime
 * executor ({@link ZenExecutors#defaultRuntime()} unless another is given: virtual threads on JDK
 * 21+) and never on the caller's thread, with the caller's trace context current there (so spans
 * that langchain4j's listeners or an instrumented HTTP client make are the caller's children).
 * {@link #stream} completes from langchain4j's streaming handler. Cancelling a returned future interrupts a synchronous call and cancels a stream through
 * langchain4j's {@code StreamingHandle} as soon as the model hands one out (with its first chunk);
 * a gateway built by {@link OpenAiCompatibleGateway} aborts the HTTP exchange itself, at any point.
 *
 * <p>With only a chat model, {@code stream} delivers the whole answer as one chunk; with only a
 * streaming model, {@code complete} collects the stream. Each request's model name, temperature
 * and output cap are passed to langchain4j as request parameters. Failures complete the future
 * with {@link dev.zen.ZenException} subclasses.
 *
 * <pre>{@code
 * ModelGateway gateway = LangChain4jGateway.builder()
 *     .chatModel(OllamaChatModel.builder().baseUrl("http://localhost:11434").modelName("llama3.2").build())
 *     .models("llama3.2")
 *     .build();
 * }</pre>
 */
public final class LangChain4jGateway implements ModelGateway {
  private final @Nullable ChatModel chatModel;
  private final @Nullable StreamingChatModel streamingModel;
  private final Executor executor;
  private final List<ModelInfo> models;
  private final Function<ChatRequest, ChatRequestParameters> parameters;
  private final GatewayErrors errors;

  private LangChain4jGateway(Builder builder, Function<ChatRequest, ChatRequestParameters> parameters,
      GatewayErrors errors) {
    this.chatModel = builder.chatModel;
    this.streamingModel = builder.streamingModel;
    this.executor = builder.executor;
    this.models = List.copyOf(builder.models);
    this.parameters = parameters;
    this.errors = errors;
  }

  /** Starts a gateway over langchain4j models. */
  public static Builder builder() {
    return new Builder();
  }

  /** A gateway over one synchronous chat model, on the default runtime executor. */
  public static LangChain4jGateway of(ChatModel chatModel) {
    return builder().chatModel(chatModel).build();
  }

  /** What {@link OpenAiCompatibleGateway} builds on: its own parameters and error wording. */
  static LangChain4jGateway create(Builder builder, Function<ChatRequest, ChatRequestParameters> parameters,
      GatewayErrors errors) {
    builder.check();
    return new LangChain4jGateway(builder, parameters, errors);
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    ChatModel model = chatModel;
    if (model == null) {
      return stream(request, chunk -> {});
    }
    CompletableFuture<ChatReply> result = new CompletableFuture<>();
    CallScope scope = new CallScope();
    TraceContext trace = TraceContext.capture();
    long started = System.nanoTime();
    FutureTask<Void> task = new FutureTask<>(() -> {
      if (result.isDone()) {
        return;
      }
      scope.enter();
      try {
        ChatResponse response = model.chat(toLangChain4j(request));
        result.complete(toReply(request, response, started, errors.where()));
      } catch (Throwable e) {
        result.completeExceptionally(errors.map(e, request.model()));
      } finally {
        scope.exit();
      }
    }, null);
    result.whenComplete((reply, error) -> {
      if (result.isCancelled()) {
        scope.cancel();
        task.cancel(true);
      }
    });
    submit(task, result, request, trace);
    return result;
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onChunk, "onChunk");
    StreamingChatModel model = streamingModel;
    if (model == null) {
      return wholeAnswerAsOneChunk(request, onChunk);
    }
    CompletableFuture<ChatReply> result = new CompletableFuture<>();
    CallScope scope = new CallScope();
    TraceContext trace = TraceContext.capture();
    long started = System.nanoTime();
    Handler handler = new Handler(request, onChunk, result, scope, started);
    FutureTask<Void> task = new FutureTask<>(() -> {
      if (result.isDone()) {
        return;
      }
      scope.enter();
      try {
        model.chat(toLangChain4j(request), handler);
      } catch (Throwable e) {
        result.completeExceptionally(errors.map(e, request.model()));
      } finally {
        scope.exit();
      }
    }, null);
    result.whenComplete((reply, error) -> {
      // A failed or cancelled stream may still be open: stop reading it.
      if (error != null) {
        scope.cancel();
        task.cancel(true);
      }
    });
    submit(task, result, request, trace);
    return result;
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    return CompletableFuture.completedFuture(models);
  }

  private CompletableFuture<ChatReply> wholeAnswerAsOneChunk(ChatRequest request, Consumer<ChatChunk> onChunk) {
    CompletableFuture<ChatReply> whole = complete(request);
    CompletableFuture<ChatReply> result = new CompletableFuture<>();
    whole.whenComplete((reply, error) -> {
      if (error != null) {
        result.completeExceptionally(Futures.unwrap(error));
        return;
      }
      try {
        if (!reply.text().isEmpty()) {
          onChunk.accept(new ChatChunk(0, reply.text()));
        }
        result.complete(reply);
      } catch (RuntimeException e) {
        result.completeExceptionally(listenerFailed(request, e));
      }
    });
    Futures.cancelling(result, whole);
    return result;
  }

  /** Runs {@code task} on the executor, with the caller's trace context current (langchain4j's listeners see it). */
  private void submit(FutureTask<Void> task, CompletableFuture<ChatReply> result, ChatRequest request, TraceContext trace) {
    try {
      executor.execute(trace.wrap(task));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new ServiceUnavailableException("the executor for model calls rejected the call "
          + "to model '" + request.model() + "' (is it shut down?); give the gateway a running executor", e));
    }
  }

  private static UserMessage userMessage(ChatMessage message) {
    if (message.images().isEmpty()) {
      return UserMessage.from(message.text());
    }
    List<Content> contents = new ArrayList<>(message.parts().size());
    for (ContentPart part : message.parts()) {
      if (part instanceof ContentPart.Text text) {
        contents.add(TextContent.from(text.text()));
      } else if (part instanceof ContentPart.Image image) {
        contents.add(image.inline()
            ? ImageContent.from(image.base64Data().orElseThrow(), image.mediaType().orElseThrow())
            : ImageContent.from(image.url()));
      }
    }
    return UserMessage.from(contents);
  }

  dev.langchain4j.model.chat.request.ChatRequest toLangChain4j(ChatRequest request) {
    List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>(request.messages().size());
    for (ChatMessage message : request.messages()) {
      switch (message.role()) {
        case SYSTEM -> messages.add(SystemMessage.from(message.text()));
        case USER -> messages.add(userMessage(message));
        case ASSISTANT -> messages.add(AiMessage.from(message.text()));
        default -> throw new IllegalStateException("unknown role " + message.role());
      }
    }
    return dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(messages)
        .parameters(parameters.apply(request))
        .build();
  }

  static ChatRequestParameters defaultParameters(ChatRequest request) {
    return ChatRequestParameters.builder()
        .modelName(request.model())
        .temperature(request.temperature().orElse(null))
        .maxOutputTokens(request.maxOutputTokens().orElse(null))
        .build();
  }

  /**
   * The reply to {@code request}: an answer has text. An empty answer or one withheld by a content
   * filter is a failure saying which (a caller that stores answers must not store it); one cut at
   * the output limit carries a notice saying so at its end.
   *
   * @throws NonRetriableException when the answer holds no text a caller can use
   */
  static ChatReply toReply(ChatRequest request, ChatResponse response, long startedNanos, String where) {
    Duration latency = Duration.ofNanos(System.nanoTime() - startedNanos);
    AiMessage message = response.aiMessage();
    String text = message == null || message.text() == null ? "" : message.text();
    String model = response.modelName() == null || response.modelName().isBlank()
        ? request.model() : response.modelName();
    FinishReason reason = response.finishReason();
    if (reason == FinishReason.CONTENT_FILTER) {
      throw new NonRetriableException("the content filter of " + where + " withheld the answer of model '"
          + request.model() + "' (finish reason content_filter" + (text.isEmpty() ? "" : ", after "
          + text.length() + " characters") + "); rephrase the request or pick another model");
    }
    if (text.isBlank()) {
      throw new NonRetriableException(where + " answered model '" + request.model() + "' with no text ("
          + emptyBecause(message) + (reason == null ? "" : ", finish reason " + finishReason(reason))
          + "); rephrase the request or pick another model");
    }
    if (reason == FinishReason.LENGTH) {
      text = text + truncationNotice(request.model());
    }
    return new ChatReply(model, text, usage(response.tokenUsage()), latency, finishReason(reason));
  }

  /** Why an answer without text has none, from what the message holds instead. */
  private static String emptyBecause(@Nullable AiMessage message) {
    if (message != null && message.hasToolExecutionRequests()) {
      return "it answered only with tool calls ("
          + String.join(", ", message.toolExecutionRequests().stream().map(call -> call.name()).toList())
          + "), which Zen does not offer";
    }
    if (message != null && message.thinking() != null && !message.thinking().isBlank()) {
      return "it only reasoned (" + message.thinking().length() + " characters) and gave no answer";
    }
    return "the answer was empty";
  }

  /** Appended to an answer cut at the output limit, so neither a user nor a model mistakes it for whole. */
  static String truncationNotice(String model) {
    return "\n\n[Answer truncated: model '" + model + "' reached its output limit (finish_reason \"length\"). "
        + "Ask it to continue, or allow more output tokens.]";
  }

  private static TokenUsage usage(dev.langchain4j.model.output.@Nullable TokenUsage usage) {
    if (usage == null) {
      return TokenUsage.ZERO;
    }
    Integer input = usage.inputTokenCount();
    Integer output = usage.outputTokenCount();
    return new TokenUsage(input == null ? 0 : Math.max(0, input), output == null ? 0 : Math.max(0, output));
  }

  private static @Nullable String finishReason(@Nullable FinishReason reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case TOOL_EXECUTION -> "tool_calls";
      default -> reason.name().toLowerCase(Locale.ROOT);
    };
  }

  private static NonRetriableException listenerFailed(ChatRequest request, RuntimeException e) {
    return new NonRetriableException("the chunk listener of the stream from model '" + request.model()
        + "' threw " + e + "; the stream was cancelled. Listeners must not throw", e);
  }

  /** Turns langchain4j's streaming callbacks into chunks and the reply. */
  private final class Handler implements StreamingChatResponseHandler {
    private final ChatRequest request;
    private final Consumer<ChatChunk> onChunk;
    private final CompletableFuture<ChatReply> result;
    private final CallScope scope;
    private final long started;
    private final AtomicInteger index = new AtomicInteger();
    private volatile boolean handleRegistered;

    Handler(ChatRequest request, Consumer<ChatChunk> onChunk, CompletableFuture<ChatReply> result, CallScope scope,
        long started) {
      this.request = request;
      this.onChunk = onChunk;
      this.result = result;
      this.scope = scope;
      this.started = started;
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
      if (!handleRegistered) {
        handleRegistered = true;
        // Models that cannot abort their HTTP call still stop here once the first chunk arrives.
        scope.onCancel(() -> context.streamingHandle().cancel());
      }
      if (result.isDone()) {
        context.streamingHandle().cancel();
        return;
      }
      String text = partial.text();
      if (text == null || text.isEmpty()) {
        return;
      }
      try {
        onChunk.accept(new ChatChunk(index.getAndIncrement(), text));
      } catch (RuntimeException e) {
        result.completeExceptionally(listenerFailed(request, e));
      }
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      // Only called by models without contexts; the two-argument variant above covers the rest.
      onPartialResponse(new PartialResponse(partialResponse),
          new PartialResponseContext(new dev.langchain4j.model.chat.response.StreamingHandle() {
            @Override
            public void cancel() {}

            @Override
            public boolean isCancelled() {
              return false;
            }
          }));
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      try {
        result.complete(toReply(request, response, started, errors.where()));
      } catch (RuntimeException e) {
        result.completeExceptionally(errors.map(e, request.model()));
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(errors.map(error, request.model()));
    }
  }

  /**
   * Builds a {@link LangChain4jGateway}; setters validate at once, {@link #build()} only assembles.
   */
  public static final class Builder {
    private @Nullable ChatModel chatModel;
    private @Nullable StreamingChatModel streamingModel;
    private Executor executor = ZenExecutors.defaultRuntime();
    private final List<ModelInfo> models = new ArrayList<>();
    private String description = "the langchain4j model";

    private Builder() {}

    /** The model {@code complete} calls (and {@code stream}, when no streaming model is set). */
    public Builder chatModel(ChatModel chatModel) {
      this.chatModel = Objects.requireNonNull(chatModel, "chatModel");
      return this;
    }

    /** The model {@code stream} calls (and {@code complete}, when no chat model is set). */
    public Builder streamingChatModel(StreamingChatModel streamingModel) {
      this.streamingModel = Objects.requireNonNull(streamingModel, "streamingModel");
      return this;
    }

    /**
     * Where synchronous model calls run; default {@link ZenExecutors#defaultRuntime()}. Each call
     * holds one of its threads while it waits, so give it room (virtual threads need none).
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The model names {@link #models()} reports (langchain4j cannot list them). */
    public Builder models(String... names) {
      for (String name : names) {
        models.add(new ModelInfo(Objects.requireNonNull(name, "name")));
      }
      return this;
    }

    /** How error messages name this gateway, e.g. {@code "Ollama at http://localhost:11434"}. */
    public Builder description(String description) {
      if (description == null || description.isBlank()) {
        throw new IllegalArgumentException("description must not be blank");
      }
      this.description = description;
      return this;
    }

    public LangChain4jGateway build() {
      check();
      return new LangChain4jGateway(this, LangChain4jGateway::defaultParameters,
          new GatewayErrors(description, "check the credentials the langchain4j model was built with", null));
    }

    private void check() {
      if (chatModel == null && streamingModel == null) {
        throw new IllegalStateException("set a chatModel, a streamingChatModel, or both");
      }
    }
  }
}
