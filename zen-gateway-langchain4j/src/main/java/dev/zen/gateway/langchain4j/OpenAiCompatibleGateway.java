package dev.zen.gateway.langchain4j;

import dev.zen.gateway.internal.JsonMappers;
import dev.zen.internal.Futures;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.internal.OpenAiUtils;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenExecutors;
import dev.zen.gateway.GatewayResilience;
import dev.zen.gateway.SettingNames;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * thread); add retries, a per-call deadline and a concurrency limit with {@link GatewayResilience}.
 * All calls share one JDK {@link HttpClient}, so connections are pooled. Neither call holds a
 * thread while the model works: {@code complete} sends langchain4j's request on the client's
 * asynchronous exchange and maps the whole answer as langchain4j does; {@code stream} reads the
 * event stream as it arrives. Cancelling a returned future aborts the HTTP exchange (the server sees
 * the connection close), whether the server is still thinking or already streaming.
 *
 * <p><b>Timeouts</b>, each its own: opening a connection ({@link Builder#connectTimeout}), the
 * wait for the answer to start ({@link Builder#firstByteTimeout}: a non-streamed answer from a
 * reasoning model arrives all at once, after minutes), and every pause within an answer
 * ({@link Builder#idleTimeout}: keep-alive comments count as activity). A call that keeps
 * trickling is ended by {@link GatewayResilience}'s deadline.
 *
 * <p><b>What counts as an answer.</b> Endpoints in the wild stray from OpenAI's format; this gateway
 * accepts what is a valid answer in another form and fails the call on what is not an answer:
 * <ul>
 *   <li>Accepted: a stream that ends after its final {@code finish_reason} without
 *       {@code [DONE]}; a plain JSON completion where a stream was asked for; content given as an
 *       array of parts; a gzip body nobody asked for; SSE comments and keep-alives. An answer cut at
 *       the output limit ({@code finish_reason: "length"}) is returned with a notice saying so.
 *   <li>Failed, never retried by {@link GatewayResilience} (the endpoint answered, and may have
 *       charged): an error inside a 200 answer (an {@code error} event or body, an event named
 *       {@code error}, {@code finish_reason: "error"}), which fails with the kind it names
 *       (authentication, rate limit, context length, server) and the endpoint's own words; an
 *       answer without text (no choices, null content, tool calls only, reasoning only) or withheld
 *       by a content filter ({@link dev.zen.NonRetriableException} saying which); an HTML page.
 * </ul>
 *
 * <p><b>Credentials</b> go to the configured origin only. Redirects are not followed: the call fails
 * naming the target ({@link Builder#followSameOriginRedirects} allows those within the base URL's
 * origin). A base URL with credentials in it ({@code http://user:pass@host}) is refused; URLs in
 * messages never show user-info.
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
  private static final ObjectMapper JSON = JsonMappers.create();
  /**
   * langchain4j's own mapper settings for its wire types, without the indentation it adds to every
   * request it sends.
   */
  private static final ObjectMapper WIRE = JsonMappers.builder()
      .disable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
      .build();

  /** Default timeout for opening a connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Default time the answer may take to start (its response headers): long, because a
   * non-streamed answer of a reasoning model arrives all at once, after the model thought.
   */
  public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofMinutes(5);
  /**
   * Default longest pause within an answer: a reasoning model may stream nothing while it thinks
   * (endpoints that send keep-alive comments never pause that long).
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

  private final String baseUrl;
  private final @Nullable String apiKey;
  private final Map<String, String> headers;
  private final HttpClient http;
  private final ExecutorService httpExecutor;
  private final ZenHttpClient client;
  private final LangChain4jGateway delegate;
  private final OpenAiChatModel chat;
  private final URI completions;
  private final Map<String, String> completionHeaders;
  private final GatewayErrors errors;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenAiCompatibleGateway(Builder builder) {
    this.baseUrl = builder.baseUrl;
    this.apiKey = builder.apiKey;
    this.headers = Map.copyOf(builder.headers);
    // Redirects are the client's business (ZenHttpClient): the JDK's would resend the key anywhere.
    // The client's own executor runs only short callbacks (body chunks, completions; the graph's
    // work is handed on to the runtime executor), so a few threads serve any number of calls. Its
    // default, a cached pool, started a thread for nearly every concurrent exchange (256 under
    // 1,000 calls) and moved each callback to whichever thread was free.
    this.httpExecutor = Executors.newFixedThreadPool(HTTP_THREADS, runnable -> {
      Thread thread = new Thread(runnable, "zen-http-" + HTTP_POOLS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.http = HttpClient.newBuilder()
        .connectTimeout(builder.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(httpExecutor)
        .build();
    ZenHttpClient.Options options = new ZenHttpClient.Options(builder.firstByteTimeout, builder.idleTimeout,
        builder.followSameOriginRedirects);
    this.client = new ZenHttpClient(http, options);
    SettingNames names = builder.settingNames;
    String keyHint = names.of(SettingNames.Setting.API_KEY)
        .map(name -> apiKey == null ? "no API key was set: pass one with " + name : "pass a valid key with " + name)
        .orElse("check the credentials of the endpoint");
    this.errors = new GatewayErrors("the gateway at " + baseUrl, keyHint, names, builder.connectTimeout,
        builder.firstByteTimeout);

    this.chat = OpenAiChatModel.builder()
        .httpClientBuilder(new ZenHttpClient.Builder(http, options))
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .customHeaders(headers)
        .maxRetries(0)
        .build();
    OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
        .httpClientBuilder(new ZenHttpClient.Builder(http, options))
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .customHeaders(headers)
        .build();
    this.completions = URI.create(baseUrl + "/chat/completions");
    // The headers langchain4j's client sends: its defaults, then the custom ones over them.
    Map<String, String> sent = new LinkedHashMap<>();
    sent.put("Content-Type", "application/json");
    if (apiKey != null) {
      sent.put("Authorization", "Bearer " + apiKey);
    }
    sent.put("User-Agent", OpenAiUtils.DEFAULT_USER_AGENT);
    sent.putAll(headers);
    this.completionHeaders = Map.copyOf(sent);
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

  /**
   * Asks for a non-streamed answer without a thread waiting for it: the request is langchain4j's
   * (the same body {@code OpenAiChatModel} sends), the exchange is the HTTP client's asynchronous
   * one, and the answer goes through the same checks and langchain4j's own mapping before it
   * becomes a reply. langchain4j's synchronous {@code ChatModel} call would hold a runtime thread
   * for the whole model call: one platform thread per call in flight on JDK 17.
   */
  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    long started = System.nanoTime();
    byte[] body;
    try {
      body = completionRequest(request);
    } catch (RuntimeException | IOException e) {
      return CompletableFuture.failedFuture(errors.map(e, request.model()));
    }
    CompletableFuture<ZenHttpClient.Answer> exchange;
    try {
      exchange = client.post(completions, completionHeaders, body);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(errors.map(e, request.model()));
    }
    CompletableFuture<ChatReply> reply = exchange.thenApply(response -> toReply(request, response, started));
    Futures.cancelling(reply, exchange);
    return Futures.mapFailure(reply, error -> errors.map(error, request.model()));
  }

  /** The JSON body langchain4j's {@code OpenAiChatModel} would send for {@code request}. */
  private byte[] completionRequest(ChatRequest request) throws IOException {
    dev.langchain4j.model.chat.request.ChatRequest asked = delegate.toLangChain4j(request);
    // What ChatModel.chat does before doChat: the model's defaults, overridden by the request's.
    ChatRequestParameters parameters = chat.defaultRequestParameters().overrideWith(asked.parameters());
    OpenAiUtils.validate(parameters);
    dev.langchain4j.model.chat.request.ChatRequest merged = dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(asked.messages())
        .parameters(parameters)
        .build();
    // OpenAiChatModel's defaults: no thinking sent, its field name, no strict tools or schema; and
    // "stream": false, as its client sets it.
    ChatCompletionRequest completion = OpenAiUtils.toOpenAiChatRequest(merged,
        (OpenAiChatRequestParameters) parameters, false, "reasoning_content", false, false, false)
        .stream(false)
        .build();
    return WIRE.writeValueAsBytes(completion);
  }

  /** The reply in a whole answer, as langchain4j's {@code OpenAiChatModel} maps it, then as the gateway checks it. */
  private ChatReply toReply(ChatRequest request, ZenHttpClient.Answer response, long started) {
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new HttpStatusException(status, ZenHttpClient.text(response.body()), response.headers().map(),
          response.uri());
    }
    ChatCompletionResponse completion;
    try {
      byte[] checked = OpenAiWire.completion(response.body(),
          response.headers().firstValue("content-type").orElse(null));
      completion = WIRE.readValue(checked, ChatCompletionResponse.class);
    } catch (IOException e) {
      throw ZenHttpClient.toRuntime(e);
    }
    if (completion == null || completion.choices() == null || completion.choices().isEmpty()) {
      // As OpenAiChatModel.doChat (OpenAiWire reports a JSON answer without choices first).
      throw new dev.langchain4j.exception.InternalServerException("Response does not contain any choices");
    }
    ChatResponse mapped = ChatResponse.builder()
        .aiMessage(OpenAiUtils.aiMessageFrom(completion, false))
        .id(completion.id())
        .modelName(completion.model())
        .tokenUsage(OpenAiUtils.tokenUsageFrom(completion.usage()))
        .finishReason(OpenAiUtils.finishReasonFrom(completion.choices().get(0).finishReason()))
        .build();
    return LangChain4jGateway.toReply(request, mapped, started, errors.where());
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    return delegate.stream(request, onChunk);
  }

  /** The models the endpoint lists at {@code GET /models}, in its order. */
  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    Map<String, String> sent = new LinkedHashMap<>(headers);
    sent.put("Accept", "application/json");
    if (apiKey != null) {
      sent.put("Authorization", "Bearer " + apiKey);
    }
    URI uri = URI.create(baseUrl + "/models");
    CompletableFuture<HttpResponse<byte[]>> exchange = client.get(uri, sent);
    CompletableFuture<List<ModelInfo>> listed = exchange.thenApply(response -> {
      String body = ZenHttpClient.text(response.body());
      if (response.statusCode() / 100 != 2) {
        throw new HttpStatusException(response.statusCode(), body, response.headers().map(), uri);
      }
      return parseModels(body);
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

  /** Threads of each gateway's HTTP client executor. */
  private static final int HTTP_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
  private static final AtomicInteger HTTP_POOLS = new AtomicInteger();

  /**
   * Releases the HTTP client and its own executor. Calls still running may fail; the runtime
   * executor given to the builder is left alone.
   */
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
    httpExecutor.shutdown();
  }

  @Override
  public String toString() {
    return "OpenAiCompatibleGateway[" + Urls.redact(baseUrl) + "]";
  }

  static ChatRequestParameters parameters(ChatRequest request, boolean maxCompletionTokens) {
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
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration firstByteTimeout = DEFAULT_FIRST_BYTE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private boolean followSameOriginRedirects;
    private SettingNames settingNames = SettingNames.builderMethods();
    private Executor executor = ZenExecutors.defaultRuntime();
    private boolean maxCompletionTokens;

    private Builder(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String trimmed = baseUrl.trim();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      URI uri;
      try {
        uri = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl is not a URL: '" + Urls.redact(baseUrl) + "'", e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must be an http(s) URL such as http://localhost:4000/v1, was '"
            + Urls.redact(baseUrl) + "'");
      }
      if (Urls.hasUserInfo(uri)) {
        // Refused rather than sent as basic auth: OpenAI-compatible endpoints take a bearer key, and
        // a URL is printed in too many places (logs, messages, process lists) to hold a password.
        throw new IllegalArgumentException("baseUrl must not carry credentials ('" + Urls.redact(baseUrl)
            + "'): remove them from the URL and pass the key with apiKey(...)");
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

    /** How long opening a connection may take; default {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long the answer may take to start (until its response headers arrive); default
     * {@link #DEFAULT_FIRST_BYTE_TIMEOUT}. A non-streamed answer arrives whole, so for
     * {@code complete} this is how long the model may think.
     */
    public Builder firstByteTimeout(Duration firstByteTimeout) {
      this.firstByteTimeout = positive(firstByteTimeout, "firstByteTimeout");
      return this;
    }

    /**
     * How long an answer may pause between two pieces once it started; default
     * {@link #DEFAULT_IDLE_TIMEOUT}. Keep-alive comments count as pieces. A whole call is bounded
     * by {@link GatewayResilience.Builder#deadline(Duration)}.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * Follows redirects whose target has the base URL's origin (scheme, host and port), resending
     * the same request, key included; default {@code false}: no redirect is followed, and the call
     * fails naming the target. Redirects to another origin are never followed, nor 303s.
     */
    public Builder followSameOriginRedirects(boolean follow) {
      this.followSameOriginRedirects = follow;
      return this;
    }

    /**
     * How failure messages name the settings that would fix them; default
     * {@link SettingNames#builderMethods()}. An application that reads its settings from the
     * environment passes its variable names, so its users are not told about Java builders.
     */
    public Builder settingNames(SettingNames settingNames) {
      this.settingNames = Objects.requireNonNull(settingNames, "settingNames");
      return this;
    }

    /**
     * Where {@code stream} hands the request to langchain4j (a short task: the exchange itself
     * holds no thread); default {@link ZenExecutors#defaultRuntime()}. Not shut down by
     * {@link #close()}.
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
