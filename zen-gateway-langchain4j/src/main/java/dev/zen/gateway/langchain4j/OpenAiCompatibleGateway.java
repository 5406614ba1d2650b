package dev.zen.gateway.langchain4j;

import dev.zen.internal.Futures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenExecutors;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelGateway} for any endpoint that speaks OpenAI's chat-completions API: OpenAI itself,
 * LiteLLM, Bifrost, OpenRouter, vLLM, Ollama, LM Studio.
 *
 * <pre>{@code
 * try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder("http://localhost:4000/v1")
 *     .apiKey(System.getenv("LITELLM_KEY"))
 *     .build()) {
 *   ModelGateway resilient = GatewayResilience.defaults().applyTo(gateway);
 *   ChatReply reply = resilient.complete(ChatRequest.of("gpt-5", "Review this diff ...")).join();
 * }
 * }</pre>
 *
 * <p>Built on langchain4j-open-ai with its own retry loop turned off (it sleeps on the calling
 * thread); add retries, timeouts and a concurrency limit with {@link dev.zen.gateway.GatewayResilience}. All calls
 * share one JDK {@link HttpClient}, so connections are pooled. {@code complete} runs langchain4j's
 * synchronous call on the runtime executor; {@code stream} reads the event stream without holding a
 * thread. Cancelling a returned future aborts the HTTP exchange (the server sees the connection
 * close), whether the server is still thinking or already streaming.
 *
 * <p>The model name, temperature and output cap come from each {@link ChatRequest}. Replies carry
 * token usage and latency. Failures complete the future with {@link dev.zen.ZenException}
 * subclasses whose messages name this gateway's URL. {@link #models()} asks {@code GET /models}.
 *
 * <p>Lifecycle: the gateway owns its HTTP client; {@link #close()} releases it (on JDK 21+ it also
 * aborts exchanges still open). It does not own the executor.
 */
public final class OpenAiCompatibleGateway implements ModelGateway {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleGateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Default per-request HTTP timeout (until response headers arrive); reasoning models are slow. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  /** Default timeout for opening a connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final String baseUrl;
  private final @Nullable String apiKey;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final HttpClient http;
  private final LangChain4jGateway delegate;
  private final GatewayErrors errors;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenAiCompatibleGateway(Builder builder) {
    this.baseUrl = builder.baseUrl;
    this.apiKey = builder.apiKey;
    this.headers = Map.copyOf(builder.headers);
    this.timeout = builder.timeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(builder.connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    String keyHint = apiKey == null
        ? "no API key was set: pass one with OpenAiCompatibleGateway.builder(url).apiKey(...)"
        : "pass a valid key with OpenAiCompatibleGateway.builder(url).apiKey(...)";
    this.errors = new GatewayErrors("the gateway at " + baseUrl, keyHint, timeout);

    OpenAiChatModel chat = OpenAiChatModel.builder()
        .httpClientBuilder(new ZenHttpClient.Builder(http, timeout))
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .customHeaders(headers)
        .timeout(timeout)
        .maxRetries(0)
        .build();
    OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
        .httpClientBuilder(new ZenHttpClient.Builder(http, timeout))
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .customHeaders(headers)
        .timeout(timeout)
        .build();
    boolean maxCompletionTokens = builder.maxCompletionTokens;
    LangChain4jGateway.Builder models = LangChain4jGateway.builder()
        .chatModel(chat)
        .streamingChatModel(streaming)
        .executor(builder.executor);
    this.delegate = LangChain4jGateway.create(models, request -> parameters(request, maxCompletionTokens), errors);
  }

  /**
   * Starts a gateway for the API root at {@code baseUrl}, the URL that {@code /chat/completions}
   * and {@code /models} are appended to (for example {@code https://api.openai.com/v1} or
   * {@code http://localhost:11434/v1}).
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /** The API root this gateway calls. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    return delegate.complete(request);
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    return delegate.stream(request, onChunk);
  }

  /** The models the endpoint lists at {@code GET /models}, in its order. */
  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/models"))
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET();
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    headers.forEach(request::header);
    HttpRequest built = request.build();
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    CompletableFuture<List<ModelInfo>> listed = exchange.thenApply(response -> {
      if (response.statusCode() / 100 != 2) {
        throw new HttpStatusException(response.statusCode(), response.body(), response.headers().map(), built.uri());
      }
      return parseModels(response.body());
    });
    Futures.cancelling(listed, exchange);
    return Futures.mapFailure(listed, error -> errors.map(error, "(model listing)"));
  }

  private List<ModelInfo> parseModels(String body) {
    try {
      JsonNode data = JSON.readTree(body).path("data");
      List<ModelInfo> models = new ArrayList<>();
      for (JsonNode model : data) {
        String id = model.path("id").asText("");
        if (!id.isBlank()) {
          models.add(new ModelInfo(id));
        }
      }
      return List.copyOf(models);
    } catch (IOException e) {
      throw new ServiceUnavailableException(errors.where() + " answered GET /models with a body that is not "
          + "OpenAI's model list (" + e.getMessage() + "); check the base URL", e);
    }
  }

  /** Releases the HTTP client. Calls still running may fail; the executor is left alone. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // JDK 21 made HttpClient closeable; on 17 its threads end once it is unreachable.
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(http);
    } catch (NoSuchMethodException onJdk17) {
      LOG.trace("HttpClient.shutdownNow() needs JDK 21; the client is released when unreachable");
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("could not shut down the HTTP client of {}", baseUrl, e);
    }
  }

  @Override
  public String toString() {
    return "OpenAiCompatibleGateway[" + baseUrl + "]";
  }

  private static ChatRequestParameters parameters(ChatRequest request, boolean maxCompletionTokens) {
    OpenAiChatRequestParameters.Builder parameters = OpenAiChatRequestParameters.builder()
        .modelName(request.model())
        .temperature(request.temperature().orElse(null));
    if (maxCompletionTokens) {
      parameters.maxCompletionTokens(request.maxOutputTokens().orElse(null));
    } else {
      parameters.maxOutputTokens(request.maxOutputTokens().orElse(null));
    }
    request.reasoningEffort().ifPresent(parameters::reasoningEffort);
    // OpenAI's API has no thinking budget; proxies in front of models that take one (LiteLLM for
    // Anthropic and Gemini, vLLM) read Anthropic's "thinking" object.
    request.thinkingBudgetTokens().ifPresent(budget -> parameters.customParameters(
        Map.of("thinking", Map.of("type", "enabled", "budget_tokens", budget))));
    return parameters.build();
  }

  /**
   * Builds an {@link OpenAiCompatibleGateway}. Setters validate at once; {@link #build()} creates
   * the HTTP client and nothing else (no connection is opened until the first call).
   */
  public static final class Builder {
    private final String baseUrl;
    private @Nullable String apiKey;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Executor executor = ZenExecutors.defaultRuntime();
    private boolean maxCompletionTokens;

    private Builder(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String trimmed = baseUrl.trim();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      try {
        URI uri = new URI(trimmed);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
          throw new IllegalArgumentException("baseUrl must be an http(s) URL such as http://localhost:4000/v1, was '"
              + baseUrl + "'");
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl is not a URL: '" + baseUrl + "'", e);
      }
      this.baseUrl = trimmed;
    }

    /** The bearer token sent as {@code Authorization: Bearer ...}; none by default (local servers). */
    public Builder apiKey(@Nullable String apiKey) {
      if (apiKey != null && apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank; pass null for none");
      }
      this.apiKey = apiKey;
      return this;
    }

    /** An extra header sent with every request (a routing key, an organisation, a tag). */
    public Builder header(String name, String value) {
      if (name == null || name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':')) {
        throw new IllegalArgumentException("header name must be a token, was '" + name + "'");
      }
      if (name.equalsIgnoreCase("authorization")) {
        throw new IllegalArgumentException("set the bearer token with apiKey(...), not as a header");
      }
      headers.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * How long one HTTP request may wait for the response headers; default {@link #DEFAULT_TIMEOUT}.
     * A streamed answer may take longer in total. Bound whole calls with {@link dev.zen.gateway.GatewayResilience}.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** How long opening a connection may take; default {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Where {@code complete} runs langchain4j's blocking call; default
     * {@link ZenExecutors#defaultRuntime()}. Not shut down by {@link #close()}.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sends the output cap as {@code max_completion_tokens} (what OpenAI's reasoning models require)
     * instead of {@code max_tokens} (what most compatible servers read). Default {@code false}.
     */
    public Builder maxCompletionTokens(boolean useMaxCompletionTokens) {
      this.maxCompletionTokens = useMaxCompletionTokens;
      return this;
    }

    public OpenAiCompatibleGateway build() {
      return new OpenAiCompatibleGateway(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + duration);
      }
      return duration;
    }
  }
}
