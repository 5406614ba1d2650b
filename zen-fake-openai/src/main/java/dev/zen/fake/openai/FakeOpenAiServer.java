package dev.zen.fake.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ContentPart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenAI-compatible HTTP server on a free loopback port, scripted, with latency and faults
 * on demand: what gateway tests talk to instead of a mock, and what Zen's offline demo answers
 * with.
 *
 * <p>It speaks {@code POST /v1/chat/completions} (JSON, and {@code "stream": true} server-sent
 * events ending with a usage chunk when {@code stream_options.include_usage} is set, then
 * {@code data: [DONE]}) and {@code GET /v1/models}, and checks a bearer key when one is set.
 *
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.builder()
 *     .apiKey("test-key")
 *     .models("gpt-5", "o3")
 *     .reply("gpt-5", "(?i)capital of france", "Paris.")
 *     .latency("o3", Duration.ofMillis(300))
 *     .start()) {
 *   server.failNext(2, "gpt-5", FakeOpenAiServer.Fault.serverError());
 *   // point a gateway at server.baseUrl() with key "test-key" ...
 *   assertThat(server.chatRequests()).hasSize(3);
 * }
 * }</pre>
 *
 * <p><b>Answers.</b> A chat request gets the text of the first {@link Builder#reply scripted
 * reply} whose model matches and whose regex is found in the last user message; otherwise the
 * default answer, which names the model that answered ({@link Builder#answer} replaces it). With
 * {@link Builder#models} set, other models get OpenAI's 404 {@code model_not_found}; without it any
 * model answers. Usage counts words as tokens ({@link #countTokens}): the prompt is every
 * message's words, the completion the answer's. A stream sends one word per chunk.
 *
 * <p><b>Time.</b> {@link Builder#latency} delays the answer (the first byte of a stream) per model,
 * and {@link Builder#chunkInterval} spaces stream chunks. Delays are timers on the server's single
 * I/O thread, never a sleeping thread per request, so thousands of concurrent slow requests cost
 * nothing.
 *
 * <p><b>Faults.</b> {@link #failNext(int, String, Fault)} makes the next requests to a model (or
 * to any model) fail with a {@link Fault}: an HTTP status (500, 429 with {@code Retry-After}, 401,
 * context length...), a connection reset, a hang that never answers, malformed JSON, or a stream
 * that stops early.
 *
 * <p><b>Observations.</b> Every request is recorded ({@link #requests()}: model, messages,
 * headers, stream flag, arrival time, connection); the server counts open connections and
 * requests in progress, with their peaks; and it records when a client hangs up on a request it
 * has not finished answering ({@link #aborts()}, {@link #awaitAborts}), which is how a test sees
 * that cancelling a call really closed the connection.
 *
 * <p>Lifecycle: {@link Builder#start()} binds and starts the I/O thread; {@link #close()} stops it
 * and closes every connection.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WORD_WITH_SPACE = Pattern.compile("(?<=\\s)(?=\\S)");
  /**
   * Default time an idle keep-alive connection stays open (a minute, like common reverse proxies):
   * longer than clients keep theirs, so a client never sends on a connection the server is closing.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final @Nullable String apiKey;
  private final List<String> listedModels;
  private final boolean onlyListedModels;
  private final List<Script> scripts;
  private final Function<RecordedRequest, String> answer;
  private final Duration defaultLatency;
  private final Map<String, Duration> latencies;
  private final Duration chunkInterval;
  private final FakeHttpLoop loop;
  private final List<FaultRule> faults = new ArrayList<>();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final List<ClientAbort> aborts = new ArrayList<>();
  private final AtomicLong requestIds = new AtomicLong();
  private final long created = Instant.now().getEpochSecond();

  private FakeOpenAiServer(Builder builder) throws IOException {
    this.apiKey = builder.apiKey;
    this.onlyListedModels = !builder.models.isEmpty();
    Set<String> listed = new LinkedHashSet<>(builder.models);
    if (!onlyListedModels) {
      builder.scripts.stream().map(Script::model).filter(Objects::nonNull).forEach(listed::add);
      listed.addAll(builder.latencies.keySet());
    }
    this.listedModels = List.copyOf(listed);
    this.scripts = List.copyOf(builder.scripts);
    this.answer = builder.answer;
    this.defaultLatency = builder.defaultLatency;
    this.latencies = builder.latencies.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
    this.chunkInterval = builder.chunkInterval;
    this.loop = new FakeHttpLoop(builder.port, builder.idleTimeout, new Handler());
    loop.start();
  }

  /** Starts configuring a server. */
  public static Builder builder() {
    return new Builder();
  }

  /** A server with no key, no latency, answering any model with the default answer. */
  public static FakeOpenAiServer start() {
    return builder().start();
  }

  /** The API root to configure clients with: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public int port() {
    return loop.port();
  }

  /** The bearer key the server requires, when it requires one. */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** The model ids {@code GET /v1/models} lists. */
  public List<String> models() {
    return listedModels;
  }

  /** Makes the next {@code times} chat requests, to any model, fail with {@code fault}. */
  public void failNext(int times, Fault fault) {
    addFault(times, null, fault);
  }

  /** Makes the next {@code times} chat requests to {@code model} fail with {@code fault}. */
  public void failNext(int times, String model, Fault fault) {
    addFault(times, Objects.requireNonNull(model, "model"), fault);
  }

  /** Forgets faults that have not been used up. */
  public void clearFaults() {
    synchronized (faults) {
      faults.clear();
    }
  }

  /** Every request received so far (chat completions, model listings, anything else), in order. */
  public List<RecordedRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** The chat-completion requests received so far, in order. */
  public List<RecordedRequest> chatRequests() {
    return requests().stream().filter(RecordedRequest::isChatCompletion).collect(Collectors.toUnmodifiableList());
  }

  /** The requests whose client hung up before the answer was complete, in order. */
  public List<ClientAbort> aborts() {
    synchronized (aborts) {
      return List.copyOf(aborts);
    }
  }

  /** Waits until at least {@code count} aborts were seen; returns whether that happened in time. */
  public boolean awaitAborts(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (aborts) {
      while (aborts.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(aborts, left);
      }
      return true;
    }
  }

  /** Connections open right now. */
  public int openConnections() {
    return loop.openConnections.get();
  }

  /** The most connections open at once since start (or {@link #resetPeaks()}). */
  public int peakConnections() {
    return loop.peakConnections.get();
  }

  /** Connections accepted since start. */
  public int acceptedConnections() {
    return loop.acceptedConnections.get();
  }

  /** Requests received and not yet fully answered (or abandoned) right now. */
  public int activeRequests() {
    return loop.activeExchanges.get();
  }

  /** The most requests in progress at once since start (or {@link #resetPeaks()}). */
  public int peakActiveRequests() {
    return loop.peakExchanges.get();
  }

  /** Starts the peaks over from the current counts. */
  public void resetPeaks() {
    loop.peakConnections.set(loop.openConnections.get());
    loop.peakExchanges.set(loop.activeExchanges.get());
  }

  /** Forgets recorded requests and aborts, and {@link #resetPeaks() resets the peaks}. */
  public void clearRecords() {
    synchronized (requests) {
      requests.clear();
    }
    synchronized (aborts) {
      aborts.clear();
    }
    resetPeaks();
  }

  /** Stops the server and closes every connection (clients waiting on one see it close). */
  @Override
  public void close() {
    loop.close();
  }

  @Override
  public String toString() {
    return "FakeOpenAiServer[" + baseUrl() + "]";
  }

  /** The token count this server reports for {@code text}: its whitespace-separated words. */
  public static int countTokens(String text) {
    String trimmed = text.trim();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }

  private void addFault(int times, @Nullable String model, Fault fault) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, was " + times);
    }
    Objects.requireNonNull(fault, "fault");
    synchronized (faults) {
      faults.add(new FaultRule(model, fault, times));
    }
  }

  private @Nullable Fault takeFault(@Nullable String model) {
    synchronized (faults) {
      for (FaultRule rule : faults) {
        if (rule.remaining > 0 && (rule.model == null || rule.model.equalsIgnoreCase(String.valueOf(model)))) {
          rule.remaining--;
          if (rule.remaining == 0) {
            faults.remove(rule);
          }
          return rule.fault;
        }
      }
      return null;
    }
  }

  private Duration latencyFor(String model) {
    return latencies.getOrDefault(model.toLowerCase(Locale.ROOT), defaultLatency);
  }

  private String answerFor(RecordedRequest request) {
    String prompt = request.lastUserText();
    for (Script script : scripts) {
      boolean modelMatches = script.model() == null || script.model().equalsIgnoreCase(request.model());
      if (modelMatches && script.prompt().matcher(prompt).find()) {
        return script.text();
      }
    }
    return answer.apply(request);
  }

  /** The answer used when no script matches: helpful-sounding, and naming the model. */
  static String defaultAnswer(RecordedRequest request) {
    String prompt = request.lastUserText().replaceAll("\\s+", " ").trim();
    String topic = prompt.length() > 80 ? prompt.substring(0, 77) + "..." : prompt;
    return "[" + request.model() + "] Here is my take on \"" + topic + "\": the approach is sound overall. "
        + "Check the edge cases (empty input, timeouts, concurrent callers), keep the change small, and add a "
        + "test for each failure path before merging. (Canned answer from Zen's fake OpenAI server; model "
        + request.model() + " answered.)";
  }

  // ---------------------------------------------------------------------------------------------
  // Request handling, on the loop thread

  private final class Handler implements FakeHttpLoop.Handler {
    @Override
    public void onRequest(FakeHttpLoop.Exchange exchange) {
      FakeHttpLoop.Request request = exchange.request;
      RecordedRequest recorded;
      try {
        recorded = record(exchange);
      } catch (JsonProcessingException e) {
        RecordedRequest raw = rawRecord(exchange);
        exchange.attachment = raw;
        remember(raw);
        error(exchange, 400, "invalid_request_error", null, "the body is not valid JSON: " + e.getOriginalMessage(),
            Map.of());
        return;
      }
      exchange.attachment = recorded;
      remember(recorded);
      String path = request.path();
      boolean chat = path.equals("/v1/chat/completions") || path.equals("/chat/completions");
      boolean models = path.equals("/v1/models") || path.equals("/models");
      if (!chat && !models) {
        error(exchange, 404, "invalid_request_error", "not_found", "no route for " + request.method() + " " + path
            + "; this fake serves POST /v1/chat/completions and GET /v1/models", Map.of());
        return;
      }
      if (chat != request.method().equals("POST") || models != request.method().equals("GET")) {
        error(exchange, 405, "invalid_request_error", null, request.method() + " is not allowed on " + path, Map.of());
        return;
      }
      if (apiKey != null && !("Bearer " + apiKey).equals(request.header("authorization"))) {
        error(exchange, 401, "invalid_request_error", "invalid_api_key",
            "Incorrect API key provided. You can find your API key in your account settings.", Map.of());
        return;
      }
      if (models) {
        listModels(exchange);
        return;
      }
      if (recorded.model() == null || recorded.messages().isEmpty()) {
        error(exchange, 400, "invalid_request_error", null, "'model' and 'messages' are required", Map.of());
        return;
      }
      Fault fault = takeFault(recorded.model());
      if (fault != null) {
        applyFault(exchange, recorded, fault);
        return;
      }
      if (onlyListedModels && listedModels.stream().noneMatch(m -> m.equals(recorded.model()))) {
        error(exchange, 404, "invalid_request_error", "model_not_found", "The model `" + recorded.model()
            + "` does not exist or you do not have access to it.", Map.of());
        return;
      }
      String text = answerFor(recorded);
      loop.schedule(latencyFor(recorded.model()).toNanos(), () -> answer(exchange, recorded, text, null));
    }

    @Override
    public void onAbort(FakeHttpLoop.Exchange exchange, boolean streaming) {
      Object attachment = exchange.attachment;
      if (!(attachment instanceof RecordedRequest request)) {
        return;
      }
      ClientAbort abort = new ClientAbort(request, streaming ? ClientAbort.Phase.STREAMING : ClientAbort.Phase.WAITING,
          Duration.ofNanos(System.nanoTime() - request.receivedNanos()));
      synchronized (aborts) {
        aborts.add(abort);
        aborts.notifyAll();
      }
    }

    private void applyFault(FakeHttpLoop.Exchange exchange, RecordedRequest request, Fault fault) {
      String model = String.valueOf(request.model());
      long latency = latencyFor(model).toNanos();
      switch (fault.kind) {
        case STATUS -> error(exchange, fault.status, fault.type, fault.code, fault.message.replace("{model}", model),
            fault.retryAfter == null ? Map.of() : retryAfterHeaders(fault.retryAfter));
        case RESET -> exchange.reset();
        case HANG -> {
          // Never answer: the client's timeout or cancel ends it, which onAbort records.
        }
        case STALL_AFTER_HEADERS -> loop.schedule(latency, () -> {
          exchange.startChunked(200, request.stream() ? streamHeaders() : jsonHeaders());
          exchange.connection.flush();
          // Then nothing: the client's idle timeout or cancel ends it, which onAbort records.
        });
        case REDIRECT -> exchange.respond(fault.status, Map.of("Location", String.valueOf(fault.location),
            "Content-Type", "text/plain"), ("Moved to " + fault.location).getBytes(StandardCharsets.UTF_8));
        case HTML -> exchange.respond(fault.status, Map.of("Content-Type", "text/html; charset=utf-8"),
            HTML_PAGE.getBytes(StandardCharsets.UTF_8));
        case MALFORMED_JSON -> loop.schedule(latency, () -> answer(exchange, request, "", fault));
        default -> loop.schedule(latency, () -> answer(exchange, request, answerFor(request), fault));
      }
    }

    private void listModels(FakeHttpLoop.Exchange exchange) {
      ObjectNode root = JSON.createObjectNode().put("object", "list");
      ArrayNode data = root.putArray("data");
      for (String id : listedModels) {
        data.addObject().put("id", id).put("object", "model").put("created", created).put("owned_by", "zen-fake");
      }
      exchange.respond(200, jsonHeaders(), bytes(root));
    }

    /** Sends the answer {@code text} to {@code request}: as asked, or as {@code fault} shapes it. */
    private void answer(FakeHttpLoop.Exchange exchange, RecordedRequest request, String text, @Nullable Fault fault) {
      if (!exchange.isOpen()) {
        return;
      }
      Fault.Kind kind = fault == null ? null : fault.kind;
      Duration interval = kind == Fault.Kind.DRIP ? Objects.requireNonNull(fault.interval) : null;
      boolean gzip = kind == Fault.Kind.GZIP;
      boolean json = kind == Fault.Kind.PLAIN_JSON
          || kind == Fault.Kind.ERROR_IN_ANSWER && fault.variant == Fault.ErrorPlacement.JSON_BODY;
      if ((request.stream() || kind == Fault.Kind.ALWAYS_STREAM) && !json) {
        List<byte[]> pieces = streamEvents(request, text, fault);
        if (kind == Fault.Kind.CRLF) {
          pieces = pieces.stream().map(piece -> new String(piece, StandardCharsets.UTF_8).replace("\n", "\r\n")
              .getBytes(StandardCharsets.UTF_8)).toList();
        }
        if (kind == Fault.Kind.KEEP_ALIVES) {
          List<byte[]> withComments = new ArrayList<>();
          for (byte[] event : pieces) {
            withComments.add(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            withComments.add(event);
          }
          pieces = withComments;
        }
        send(exchange, streamHeaders(), pieces, gzip, interval == null ? chunkInterval : interval, interval != null,
            kind != Fault.Kind.DONE_THEN_HOLD);
        return;
      }
      if (kind == Fault.Kind.TRUNCATED) {
        byte[] body = completion(request, text);
        exchange.respondCut(200, jsonHeaders(), body, body.length / 2);
        return;
      }
      byte[] body = jsonAnswer(request, text, fault);
      if (gzip || interval != null) {
        send(exchange, jsonHeaders(), List.of(body), gzip, interval == null ? Duration.ZERO : interval, interval != null,
            true);
      } else {
        exchange.respond(200, jsonHeaders(), body);
      }
    }

    /** The events of a stream answering {@code text}, shaped by {@code fault}. */
    private List<byte[]> streamEvents(RecordedRequest request, String text, @Nullable Fault fault) {
      String model = String.valueOf(request.model());
      Fault.Kind kind = fault == null ? null : fault.kind;
      List<String> words = words(text);
      List<byte[]> events = new ArrayList<>();
      if (kind == Fault.Kind.ERROR_IN_ANSWER) {
        ObjectNode error = errorObject(fault, model);
        List<String> half = words.subList(0, words.size() / 2);
        switch ((Fault.ErrorPlacement) Objects.requireNonNull(fault.variant)) {
          case FIRST_THEN_DONE -> {
            events.add(event(bytes(JSON.createObjectNode().set("error", error))));
            events.add(event("[DONE]"));
          }
          case NAMED_EVENT -> events.add(("event: error\ndata: "
              + new String(bytes(JSON.createObjectNode().set("error", error)), StandardCharsets.UTF_8) + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
          case AFTER_CONTENT -> {
            events.add(event(chunk(request, model, roleDelta(""), null)));
            half.forEach(word -> events.add(event(chunk(request, model, JSON.createObjectNode().put("content", word),
                null))));
            events.add(event(bytes(JSON.createObjectNode().set("error", error))));
          }
          case FINISH_REASON_ERROR -> {
            events.add(event(chunk(request, model, roleDelta(""), null)));
            half.forEach(word -> events.add(event(chunk(request, model, JSON.createObjectNode().put("content", word),
                null))));
            ObjectNode last = chunkNode(request, model, JSON.createObjectNode(), "error");
            last.set("error", error);
            events.add(event(bytes(last)));
            events.add(event("[DONE]"));
          }
          case OBJECT_ERROR -> {
            ObjectNode vllm = error.deepCopy().put("object", "error").put("type", "BadRequestError");
            events.add(event(bytes(vllm)));
          }
          default -> throw new IllegalStateException("unknown placement " + fault.variant);
        }
        return events;
      }
      if (kind == Fault.Kind.EMPTY) {
        emptyStream(events, request, model, text, (Fault.EmptyAnswer) Objects.requireNonNull(fault.variant));
        return events;
      }
      events.add(event(chunk(request, model, roleDelta(""), null)));
      if (kind == Fault.Kind.MALFORMED_JSON) {
        events.add(event("{\"id\": \"chatcmpl-" + request.id() + "\", \"choices\": [ {\"delta\": {\"content\": "));
      }
      int count = kind == Fault.Kind.TRUNCATED ? Math.max(1, words.size() / 2)
          : kind == Fault.Kind.FINISH_REASON ? Math.min(fault.words, words.size()) : words.size();
      List<String> sent = words.subList(0, Math.min(count, words.size()));
      for (String word : sent) {
        ObjectNode delta = JSON.createObjectNode();
        if (kind == Fault.Kind.CONTENT_PARTS) {
          delta.putArray("content").addObject().put("type", "text").put("text", word);
        } else {
          delta.put("content", word);
        }
        events.add(event(chunk(request, model, delta, null)));
      }
      if (kind == Fault.Kind.TRUNCATED) {
        return events;
      }
      String finish = kind == Fault.Kind.FINISH_REASON ? (String) fault.variant : "stop";
      events.add(event(chunk(request, model, JSON.createObjectNode(), finish)));
      if (request.includeUsage() || kind == Fault.Kind.ALWAYS_STREAM) {
        events.add(event(bytes(usageChunk(request, model, String.join("", sent), true))));
      }
      if (kind != Fault.Kind.NO_DONE) {
        events.add(event("[DONE]"));
      }
      return events;
    }

    private void emptyStream(List<byte[]> events, RecordedRequest request, String model, String text,
        Fault.EmptyAnswer shape) {
      switch (shape) {
        case NO_CHOICES -> events.add(event(bytes(base(request, model, "chat.completion.chunk"))));
        case EMPTY_CHOICES -> {
          ObjectNode chunk = base(request, model, "chat.completion.chunk");
          chunk.putArray("choices");
          events.add(event(bytes(chunk)));
        }
        case NULL_CONTENT -> {
          events.add(event(chunk(request, model, roleDelta(null), null)));
          events.add(event(chunk(request, model, JSON.createObjectNode(), "stop")));
        }
        case TOOL_CALLS_ONLY -> {
          events.add(event(chunk(request, model, roleDelta(null), null)));
          ObjectNode start = JSON.createObjectNode();
          start.putArray("tool_calls").addObject().put("index", 0).put("id", "call_1").put("type", "function")
              .putObject("function").put("name", "get_weather").put("arguments", "");
          events.add(event(chunk(request, model, start, null)));
          ObjectNode arguments = JSON.createObjectNode();
          arguments.putArray("tool_calls").addObject().put("index", 0).putObject("function")
              .put("arguments", "{\"city\":\"Paris\"}");
          events.add(event(chunk(request, model, arguments, null)));
          events.add(event(chunk(request, model, JSON.createObjectNode(), "tool_calls")));
        }
        case REASONING_ONLY -> {
          events.add(event(chunk(request, model, roleDelta(""), null)));
          for (String word : words(text)) {
            events.add(event(chunk(request, model, JSON.createObjectNode().put("reasoning_content", word), null)));
          }
          events.add(event(chunk(request, model, JSON.createObjectNode(), "stop")));
        }
        default -> throw new IllegalStateException("unknown shape " + shape);
      }
      if (request.includeUsage()) {
        events.add(event(bytes(usageChunk(request, model, "", shape != Fault.EmptyAnswer.NO_CHOICES))));
      }
      events.add(event("[DONE]"));
    }

    /** The JSON answer to a request that did not ask for a stream (or got none), shaped by {@code fault}. */
    private byte[] jsonAnswer(RecordedRequest request, String text, @Nullable Fault fault) {
      String model = String.valueOf(request.model());
      Fault.Kind kind = fault == null ? null : fault.kind;
      if (kind == null) {
        return completion(request, text);
      }
      switch (kind) {
        case MALFORMED_JSON -> {
          return ("{\"id\":\"chatcmpl-" + request.id() + "\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
              + "\"message\":{\"role\":\"assistant\",\"content\":\"unterminated").getBytes(StandardCharsets.UTF_8);
        }
        case ERROR_IN_ANSWER -> {
          ObjectNode error = errorObject(fault, model);
          if (fault.variant == Fault.ErrorPlacement.OBJECT_ERROR) {
            return bytes(error.deepCopy().put("object", "error").put("type", "BadRequestError"));
          }
          if (fault.variant != Fault.ErrorPlacement.FINISH_REASON_ERROR) {
            return bytes(JSON.createObjectNode().set("error", error));
          }
          List<String> words = words(text);
          ObjectNode root = completionNode(request, String.join("", words.subList(0, words.size() / 2)), "error");
          root.set("error", error);
          return bytes(root);
        }
        case FINISH_REASON -> {
          List<String> words = words(text);
          return bytes(completionNode(request, String.join("", words.subList(0, Math.min(fault.words, words.size()))),
              (String) fault.variant));
        }
        case CONTENT_PARTS -> {
          ObjectNode root = completionNode(request, text, "stop");
          ObjectNode message = (ObjectNode) root.at("/choices/0/message");
          int middle = text.length() / 2;
          ArrayNode parts = message.putArray("content");
          parts.addObject().put("type", "text").put("text", text.substring(0, middle));
          parts.addObject().put("type", "text").put("text", text.substring(middle));
          return bytes(root);
        }
        case EMPTY -> {
          return bytes(emptyCompletion(request, model, text, (Fault.EmptyAnswer) Objects.requireNonNull(fault.variant)));
        }
        default -> {
          return completion(request, text);
        }
      }
    }

    private ObjectNode emptyCompletion(RecordedRequest request, String model, String text, Fault.EmptyAnswer shape) {
      ObjectNode root = base(request, model, "chat.completion");
      if (shape == Fault.EmptyAnswer.NO_CHOICES || shape == Fault.EmptyAnswer.EMPTY_CHOICES) {
        if (shape == Fault.EmptyAnswer.EMPTY_CHOICES) {
          root.putArray("choices");
        }
        root.set("usage", usage(request, ""));
        return root;
      }
      ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
      ObjectNode message = choice.putObject("message").put("role", "assistant");
      switch (shape) {
        case NULL_CONTENT -> {
          message.putNull("content");
          choice.put("finish_reason", "stop");
        }
        case TOOL_CALLS_ONLY -> {
          message.putNull("content");
          message.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
              .putObject("function").put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}");
          choice.put("finish_reason", "tool_calls");
        }
        case REASONING_ONLY -> {
          message.put("content", "");
          message.put("reasoning_content", text);
          choice.put("finish_reason", "stop");
        }
        default -> throw new IllegalStateException("unknown shape " + shape);
      }
      root.set("usage", usage(request, ""));
      return root;
    }

    /**
     * Writes {@code pieces} as a chunked 200 answer: gzip-compressed when asked (each piece flushed,
     * so it can be read as it arrives), and one byte at a time when {@code dripping}.
     */
    private void send(FakeHttpLoop.Exchange exchange, Map<String, String> headers, List<byte[]> pieces, boolean gzip,
        Duration interval, boolean dripping, boolean end) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      List<byte[]> out = pieces;
      if (gzip) {
        all.put("Content-Encoding", "gzip");
        out = gzipped(pieces);
      }
      if (dripping) {
        List<byte[]> bytes = new ArrayList<>();
        for (byte[] piece : out) {
          for (byte b : piece) {
            bytes.add(new byte[] {b});
          }
        }
        out = bytes;
      }
      exchange.startChunked(200, all);
      emit(exchange, out, 0, interval, end);
    }

    /** Writes {@code events} from {@code from}, {@code interval} apart; ends the body when {@code end}. */
    private void emit(FakeHttpLoop.Exchange exchange, List<byte[]> events, int from, Duration interval, boolean end) {
      int index = from;
      while (index < events.size() && exchange.isOpen()) {
        exchange.writeChunk(events.get(index++));
        if (!interval.isZero() && index < events.size()) {
          int next = index;
          exchange.connection.flush();
          loop.schedule(interval.toNanos(), () -> emit(exchange, events, next, interval, end));
          return;
        }
      }
      if (end) {
        exchange.endChunked();
      } else {
        exchange.connection.flush();
      }
    }

    private byte[] completion(RecordedRequest request, String text) {
      return bytes(completionNode(request, text, "stop"));
    }

    private ObjectNode completionNode(RecordedRequest request, String text, String finishReason) {
      String model = String.valueOf(request.model());
      ObjectNode root = base(request, model, "chat.completion");
      ObjectNode choice = root.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", text);
      choice.put("finish_reason", finishReason);
      root.set("usage", usage(request, text));
      return root;
    }

    private ObjectNode usageChunk(RecordedRequest request, String model, String text, boolean withChoices) {
      ObjectNode usage = base(request, model, "chat.completion.chunk");
      if (withChoices) {
        usage.putArray("choices");
      }
      usage.set("usage", usage(request, text));
      return usage;
    }

    private ObjectNode errorObject(Fault fault, String model) {
      ObjectNode error = JSON.createObjectNode().put("message", fault.message.replace("{model}", model));
      String code = String.valueOf(fault.code);
      if (code.matches("\\d{1,3}")) {
        error.put("code", Integer.parseInt(code));
      } else {
        error.put("code", code);
      }
      return error;
    }

    private byte[] chunk(RecordedRequest request, String model, ObjectNode delta, @Nullable String finishReason) {
      return bytes(chunkNode(request, model, delta, finishReason));
    }

    private ObjectNode chunkNode(RecordedRequest request, String model, ObjectNode delta, @Nullable String finishReason) {
      ObjectNode root = base(request, model, "chat.completion.chunk");
      ObjectNode choice = root.putArray("choices").addObject();
      choice.put("index", 0);
      choice.set("delta", delta);
      if (finishReason == null) {
        choice.putNull("finish_reason");
      } else {
        choice.put("finish_reason", finishReason);
      }
      return root;
    }

    private ObjectNode base(RecordedRequest request, String model, String object) {
      return JSON.createObjectNode()
          .put("id", "chatcmpl-" + request.id())
          .put("object", object)
          .put("created", created)
          .put("model", model);
    }

    private ObjectNode usage(RecordedRequest request, String text) {
      int prompt = request.messages().stream().mapToInt(m -> countTokens(m.text())).sum();
      int completion = countTokens(text);
      return JSON.createObjectNode()
          .put("prompt_tokens", prompt)
          .put("completion_tokens", completion)
          .put("total_tokens", prompt + completion);
    }

    private void error(FakeHttpLoop.Exchange exchange, int status, String type, @Nullable String code,
        String message, Map<String, String> extraHeaders) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode error = root.putObject("error").put("message", message).put("type", type);
      error.putNull("param");
      if (code == null) {
        error.putNull("code");
      } else {
        error.put("code", code);
      }
      Map<String, String> headers = new LinkedHashMap<>(jsonHeaders());
      headers.putAll(extraHeaders);
      exchange.respond(status, headers, bytes(root));
    }
  }

  private static byte[] event(byte[] json) {
    return event(new String(json, StandardCharsets.UTF_8));
  }

  private static byte[] event(String data) {
    return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> retryAfterHeaders(Duration retryAfter) {
    long millis = retryAfter.toMillis();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Retry-After", Long.toString((millis + 999) / 1000));
    if (millis % 1000 != 0) {
      headers.put("retry-after-ms", Long.toString(millis));
    }
    return headers;
  }

  private static Map<String, String> jsonHeaders() {
    return Map.of("Content-Type", "application/json");
  }

  private static Map<String, String> streamHeaders() {
    return Map.of("Content-Type", "text/event-stream", "Cache-Control", "no-cache");
  }

  private static ObjectNode roleDelta(@Nullable String content) {
    ObjectNode delta = JSON.createObjectNode().put("role", "assistant");
    if (content == null) {
      delta.putNull("content");
    } else {
      delta.put("content", content);
    }
    return delta;
  }

  /** The words of {@code text}, each with the whitespace before the next one (joined, they are the text). */
  private static List<String> words(String text) {
    return text.isEmpty() ? List.of() : List.of(WORD_WITH_SPACE.split(text));
  }

  /** {@code pieces} as one gzip stream, flushed after each piece so a reader can inflate it as it arrives. */
  private static List<byte[]> gzipped(List<byte[]> pieces) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    List<byte[]> out = new ArrayList<>();
    try (GZIPOutputStream gzip = new GZIPOutputStream(sink, true)) {
      for (byte[] piece : pieces) {
        gzip.write(piece);
        gzip.flush();
        out.add(sink.toByteArray());
        sink.reset();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.add(sink.toByteArray());
    return out;
  }

  private static final String HTML_PAGE = "<!DOCTYPE html>\n<html><head><title>Sign in - Corporate Proxy</title></head>"
      + "<body><h1>Sign in</h1><p>Your session has expired. Please sign in to continue.</p></body></html>\n";

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void remember(RecordedRequest request) {
    synchronized (requests) {
      requests.add(request);
    }
  }

  private RecordedRequest rawRecord(FakeHttpLoop.Exchange exchange) {
    FakeHttpLoop.Request request = exchange.request;
    return new RecordedRequest(requestIds.incrementAndGet(), request.method(), request.path(), request.headers(),
        new String(request.body(), StandardCharsets.UTF_8), null, List.of(), false, false, null, null, Instant.now(),
        exchange.receivedNanos, exchange.connectionId());
  }

  private RecordedRequest record(FakeHttpLoop.Exchange exchange) throws JsonProcessingException {
    FakeHttpLoop.Request request = exchange.request;
    String body = new String(request.body(), StandardCharsets.UTF_8);
    String model = null;
    List<ChatMessage> messages = new ArrayList<>();
    boolean stream = false;
    boolean includeUsage = false;
    Double temperature = null;
    Integer maxTokens = null;
    if (!body.isBlank()) {
      JsonNode root = JSON.readTree(body);
      if (root != null && root.isObject()) {
        model = root.path("model").isTextual() ? root.get("model").asText() : null;
        stream = root.path("stream").asBoolean(false);
        includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
        temperature = root.path("temperature").isNumber() ? root.get("temperature").asDouble() : null;
        JsonNode max = root.has("max_completion_tokens") ? root.get("max_completion_tokens") : root.get("max_tokens");
        maxTokens = max != null && max.isIntegralNumber() ? max.asInt() : null;
        for (JsonNode message : root.path("messages")) {
          ChatMessage.Role role = role(message.path("role").asText("user"));
          messages.add(new ChatMessage(role, role == ChatMessage.Role.USER ? parts(message.path("content"))
              : List.of(new ContentPart.Text(content(message.path("content"))))));
        }
      }
    }
    return new RecordedRequest(requestIds.incrementAndGet(), request.method(), request.path(), request.headers(),
        body, model, messages, stream, includeUsage, temperature, maxTokens, Instant.now(), exchange.receivedNanos,
        exchange.connectionId());
  }

  private static ChatMessage.Role role(String role) {
    return switch (role.toLowerCase(Locale.ROOT)) {
      case "system", "developer" -> ChatMessage.Role.SYSTEM;
      case "assistant" -> ChatMessage.Role.ASSISTANT;
      default -> ChatMessage.Role.USER;
    };
  }

  /** A user message's parts as sent: text parts and {@code image_url} parts, in order. */
  private static List<ContentPart> parts(JsonNode content) {
    if (content.isTextual() || !content.isArray()) {
      return List.of(new ContentPart.Text(content.asText("")));
    }
    List<ContentPart> parts = new ArrayList<>();
    for (JsonNode part : content) {
      if (part.path("text").isTextual()) {
        parts.add(new ContentPart.Text(part.get("text").asText()));
      } else if (part.path("image_url").path("url").isTextual()) {
        try {
          parts.add(new ContentPart.Image(URI.create(part.path("image_url").path("url").asText())));
        } catch (IllegalArgumentException notAnImage) {
          // Recorded as sent in the body; a client's malformed image is its tests' business.
        }
      }
    }
    return parts.isEmpty() ? List.of(new ContentPart.Text("")) : parts;
  }

  private static String content(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      if (part.path("text").isTextual()) {
        text.append(part.get("text").asText());
      }
    }
    return text.toString();
  }

  private record Script(@Nullable String model, Pattern prompt, String text) {}

  private static final class FaultRule {
    final @Nullable String model;
    final Fault fault;
    int remaining;

    FaultRule(@Nullable String model, Fault fault, int remaining) {
      this.model = model;
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Public values

  /**
   * One request as the server received it.
   *
   * @param id sequence number, from 1
   * @param headers header names in lower case
   * @param model the {@code model} of a chat request
   * @param messages its messages (roles other than system and assistant count as user; text parts
   *     of multi-part contents are joined)
   * @param includeUsage whether a stream asked for a usage chunk
   * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}
   * @param receivedNanos {@link System#nanoTime()} when the request was complete, for intervals
   * @param connectionId which connection carried it (numbered from 1 in accept order)
   */
  public record RecordedRequest(
      long id,
      String method,
      String path,
      Map<String, List<String>> headers,
      String body,
      @Nullable String model,
      List<ChatMessage> messages,
      boolean stream,
      boolean includeUsage,
      @Nullable Double temperature,
      @Nullable Integer maxTokens,
      Instant receivedAt,
      long receivedNanos,
      int connectionId) {

    public RecordedRequest {
      headers = Map.copyOf(headers);
      messages = List.copyOf(messages);
    }

    /** The first value of a header, case-insensitively. */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Whether this is a chat-completion request. */
    public boolean isChatCompletion() {
      return path.endsWith("/chat/completions");
    }

    /** The text of the last user message, or the empty string. */
    public String lastUserText() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (messages.get(i).role() == ChatMessage.Role.USER) {
          return messages.get(i).text();
        }
      }
      return "";
    }
  }

  /**
   * A client that hung up before its answer was complete.
   *
   * @param phase whether it left while the server was still preparing the answer or mid-stream
   * @param afterReceipt how long after the request arrived
   */
  public record ClientAbort(RecordedRequest request, Phase phase, Duration afterReceipt) {
    /** Where the answer was when the client left. */
    public enum Phase {
      /** Before any byte of the answer was sent (latency, or a hang). */
      WAITING,
      /** After the stream had started. */
      STREAMING
    }
  }

  /**
   * A failure or a misbehaviour the server produces on demand; see
   * {@link #failNext(int, String, Fault)}. Besides HTTP errors and broken connections there are the
   * ways real gateways get the protocol wrong: errors inside a 200 answer, empty or filtered
   * answers, plain JSON where a stream was asked for, HTML pages, redirects, streams without
   * {@code [DONE]}, content as an array of parts, gzip nobody asked for, keep-alive comments, and
   * answers that drip or stall.
   */
  public static final class Fault {
    enum Kind {
      STATUS,
      RESET,
      HANG,
      MALFORMED_JSON,
      TRUNCATED,
      ERROR_IN_ANSWER,
      FINISH_REASON,
      EMPTY,
      PLAIN_JSON,
      ALWAYS_STREAM,
      HTML,
      REDIRECT,
      NO_DONE,
      DONE_THEN_HOLD,
      CONTENT_PARTS,
      CRLF,
      GZIP,
      KEEP_ALIVES,
      DRIP,
      STALL_AFTER_HEADERS
    }

    /** Where an error goes in an answer the server otherwise sends with status 200. */
    public enum ErrorPlacement {
      /**
       * A stream whose first event is {@code data: {"error": {...}}}, followed by {@code [DONE]}
       * (as LiteLLM sends when its upstream fails); a JSON answer that is the error object.
       */
      FIRST_THEN_DONE,
      /** Half the answer, then the error event, then the stream ends (OpenRouter mid-stream). */
      AFTER_CONTENT,
      /**
       * Half the answer, then a chunk with {@code "finish_reason": "error"} and the error object
       * beside its choices, then {@code [DONE]}; a JSON answer with that finish reason.
       */
      FINISH_REASON_ERROR,
      /** An SSE event named {@code error} ({@code event: error}) carrying the error object. */
      NAMED_EVENT,
      /** Plain {@code application/json} {@code {"error": {...}}}, even when a stream was asked for. */
      JSON_BODY,
      /**
       * An event (or JSON body) that is itself the error, as vLLM sends it:
       * {@code {"object": "error", "message": ..., "type": ..., "code": ...}}.
       */
      OBJECT_ERROR
    }

    /** The shapes of an answer that carries no text. */
    public enum EmptyAnswer {
      /** No {@code choices} member at all. */
      NO_CHOICES,
      /** {@code "choices": []}. */
      EMPTY_CHOICES,
      /** {@code "content": null} and nothing else. */
      NULL_CONTENT,
      /** Tool calls and no content ({@code finish_reason: "tool_calls"}). */
      TOOL_CALLS_ONLY,
      /** Reasoning ({@code reasoning_content}) and no content. */
      REASONING_ONLY
    }

    final Kind kind;
    final int status;
    final String type;
    final @Nullable String code;
    final String message;
    final @Nullable Duration retryAfter;
    /** The placement, empty shape or finish reason the kind needs. */
    final @Nullable Object variant;
    final int words;
    final @Nullable Duration interval;
    final @Nullable String location;

    private Fault(Kind kind, int status, String type, @Nullable String code, String message,
        @Nullable Duration retryAfter) {
      this(kind, status, type, code, message, retryAfter, null, 0, null, null);
    }

    private Fault(Kind kind, int status, String type, @Nullable String code, String message,
        @Nullable Duration retryAfter, @Nullable Object variant, int words, @Nullable Duration interval,
        @Nullable String location) {
      this.kind = kind;
      this.status = status;
      this.type = type;
      this.code = code;
      this.message = message;
      this.retryAfter = retryAfter;
      this.variant = variant;
      this.words = words;
      this.interval = interval;
      this.location = location;
    }

    private static Fault of(Kind kind) {
      return new Fault(kind, 0, "", null, "", null);
    }

    /** HTTP 500 with an OpenAI-style error body. */
    public static Fault serverError() {
      return status(500, "server_error", "The server had an error while processing your request.");
    }

    /** HTTP 503, as a gateway says when its upstream is down. */
    public static Fault serviceUnavailable() {
      return status(503, "service_unavailable", "The upstream provider is unavailable.");
    }

    /** HTTP 429 with {@code Retry-After} (whole seconds, plus {@code retry-after-ms} when not whole). */
    public static Fault rateLimited(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must be >= 0");
      }
      return new Fault(Kind.STATUS, 429, "requests", "rate_limit_exceeded",
          "Rate limit reached for {model}. Please try again in " + retryAfter.toMillis() + "ms.", retryAfter);
    }

    /** HTTP 401 {@code invalid_api_key}. */
    public static Fault unauthorized() {
      return new Fault(Kind.STATUS, 401, "invalid_request_error", "invalid_api_key",
          "Incorrect API key provided.", null);
    }

    /** HTTP 400 {@code context_length_exceeded}. */
    public static Fault contextLengthExceeded() {
      return new Fault(Kind.STATUS, 400, "invalid_request_error", "context_length_exceeded",
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
          null);
    }

    /** HTTP 404 {@code model_not_found}. */
    public static Fault modelNotFound() {
      return new Fault(Kind.STATUS, 404, "invalid_request_error", "model_not_found",
          "The model `{model}` does not exist or you do not have access to it.", null);
    }

    /** Any status with an OpenAI-style error body; {@code {model}} in the message is replaced. */
    public static Fault status(int status, String code, String message) {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("a fault status must be 4xx or 5xx, was " + status);
      }
      return new Fault(Kind.STATUS, status, status >= 500 ? "server_error" : "invalid_request_error",
          Objects.requireNonNull(code, "code"), Objects.requireNonNull(message, "message"), null);
    }

    /** Resets the connection (TCP RST) right after reading the request. */
    public static Fault connectionReset() {
      return of(Kind.RESET);
    }

    /**
     * Accepts the request and never answers; the request stays open until the client gives up
     * (recorded as an abort).
     */
    public static Fault hang() {
      return of(Kind.HANG);
    }

    /** Answers 200 with a body (or a stream event) that is not valid JSON. */
    public static Fault malformedJson() {
      return of(Kind.MALFORMED_JSON);
    }

    /**
     * Stops early: a stream ends cleanly after half its chunks, without finish reason, usage or
     * {@code [DONE]}; a JSON answer closes the connection halfway through its announced length.
     */
    public static Fault truncatedStream() {
      return of(Kind.TRUNCATED);
    }

    /**
     * Status 200 with an error in the answer, where {@code placement} says; the error object is
     * {@code {"message": message, "code": code}} ({@code code} as a number when it is one, as
     * OpenRouter sends it). {@code {model}} in the message is replaced.
     */
    public static Fault errorInAnswer(ErrorPlacement placement, String code, String message) {
      return new Fault(Kind.ERROR_IN_ANSWER, 200, "", Objects.requireNonNull(code, "code"),
          Objects.requireNonNull(message, "message"), null, Objects.requireNonNull(placement, "placement"), 0, null,
          null);
    }

    /**
     * The first {@code words} words of the answer, then {@code reason} as the finish reason (for
     * example {@code content_filter} or {@code length}); usage and {@code [DONE]} follow as usual.
     */
    public static Fault finishReason(String reason, int words) {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("reason must not be blank");
      }
      if (words < 0) {
        throw new IllegalArgumentException("words must be >= 0, was " + words);
      }
      return new Fault(Kind.FINISH_REASON, 200, "", null, "", null, reason, words, null, null);
    }

    /** A complete answer, status 200, that carries no text, in the given shape. */
    public static Fault emptyAnswer(EmptyAnswer shape) {
      return new Fault(Kind.EMPTY, 200, "", null, "", null, Objects.requireNonNull(shape, "shape"), 0, null, null);
    }

    /** A plain JSON completion ({@code application/json}) even when the request asked for a stream. */
    public static Fault plainJson() {
      return of(Kind.PLAIN_JSON);
    }

    /** An event stream even when the request asked for plain JSON (no {@code "stream": true}). */
    public static Fault alwaysStream() {
      return of(Kind.ALWAYS_STREAM);
    }

    /** An HTML page (a login page, a proxy's notice) with {@code status}, as to a wrong base URL. */
    public static Fault htmlPage(int status) {
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("status must be within [200, 599], was " + status);
      }
      return new Fault(Kind.HTML, status, "", null, "", null);
    }

    /** A redirect ({@code 301, 302, 303, 307, 308}) to {@code location}, absolute or relative. */
    public static Fault redirect(int status, String location) {
      if (status < 300 || status > 399) {
        throw new IllegalArgumentException("a redirect status must be 3xx, was " + status);
      }
      if (location == null || location.isBlank()) {
        throw new IllegalArgumentException("location must not be blank");
      }
      return new Fault(Kind.REDIRECT, status, "", null, "", null, null, 0, null, location);
    }

    /** A complete stream (finish reason {@code stop} and usage) that ends without {@code data: [DONE]}. */
    public static Fault withoutDone() {
      return of(Kind.NO_DONE);
    }

    /**
     * A complete stream, {@code [DONE]} included, whose body is then held open (its last chunk
     * never comes) until the client leaves.
     */
    public static Fault doneThenHold() {
      return of(Kind.DONE_THEN_HOLD);
    }

    /**
     * Content as an array of parts ({@code [{"type": "text", "text": ...}]}): every stream delta,
     * and a JSON answer's message split in two parts.
     */
    public static Fault contentParts() {
      return of(Kind.CONTENT_PARTS);
    }

    /** The usual stream with its lines ended by CR LF, as some servers write them. */
    public static Fault crlfLines() {
      return of(Kind.CRLF);
    }

    /** The usual answer, gzip-compressed with {@code Content-Encoding: gzip}, although nobody asked. */
    public static Fault gzip() {
      return of(Kind.GZIP);
    }

    /** SSE comments ({@code : keep-alive}) before and between the events of a stream. */
    public static Fault keepAliveComments() {
      return of(Kind.KEEP_ALIVES);
    }

    /** The usual answer, one byte every {@code interval}: always some progress, never done in time. */
    public static Fault dripBytes(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be > 0, was " + interval);
      }
      return new Fault(Kind.DRIP, 200, "", null, "", null, null, 0, interval, null);
    }

    /** Sends status 200 and the headers of the answer, then nothing, never ending it. */
    public static Fault stallAfterHeaders() {
      return of(Kind.STALL_AFTER_HEADERS);
    }

    @Override
    public String toString() {
      return switch (kind) {
        case STATUS -> "Fault[HTTP " + status + (code == null ? "" : " " + code)
            + (retryAfter == null ? "" : ", Retry-After " + retryAfter) + "]";
        case ERROR_IN_ANSWER -> "Fault[error in answer, " + variant + ", " + code + "]";
        case FINISH_REASON -> "Fault[finish_reason " + variant + " after " + words + " words]";
        case EMPTY -> "Fault[empty answer, " + variant + "]";
        case HTML -> "Fault[HTML page, HTTP " + status + "]";
        case REDIRECT -> "Fault[HTTP " + status + " to " + location + "]";
        case DRIP -> "Fault[drip a byte every " + interval + "]";
        default -> "Fault[" + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "]";
      };
    }
  }

  /** Configures a {@link FakeOpenAiServer}; setters validate at once, {@link #start()} binds. */
  public static final class Builder {
    private @Nullable String apiKey;
    private final List<String> models = new ArrayList<>();
    private final List<Script> scripts = new ArrayList<>();
    private Function<RecordedRequest, String> answer = FakeOpenAiServer::defaultAnswer;
    private Duration defaultLatency = Duration.ZERO;
    private final Map<String, Duration> latencies = new LinkedHashMap<>();
    private Duration chunkInterval = Duration.ZERO;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int port;

    private Builder() {}

    /** Requires {@code Authorization: Bearer <apiKey>} on every request (401 otherwise). */
    public Builder apiKey(String apiKey) {
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * The model ids {@code GET /v1/models} lists; requests for other models then fail with 404
     * {@code model_not_found}. Without this, any model answers and the list holds the models
     * named in scripts and latencies.
     */
    public Builder models(String... ids) {
      for (String id : ids) {
        if (id == null || id.isBlank()) {
          throw new IllegalArgumentException("model ids must not be blank");
        }
        models.add(id);
      }
      return this;
    }

    /** Answers {@code text} to any model when {@code promptRegex} is found in the last user message. */
    public Builder reply(String promptRegex, String text) {
      scripts.add(new Script(null, Pattern.compile(promptRegex), Objects.requireNonNull(text, "text")));
      return this;
    }

    /** Answers {@code text} to {@code model} when {@code promptRegex} is found in the last user message. */
    public Builder reply(String model, String promptRegex, String text) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      scripts.add(new Script(model, Pattern.compile(promptRegex), Objects.requireNonNull(text, "text")));
      return this;
    }

    /** The answer when no script matches; the default names the model and sounds helpful. */
    public Builder answer(Function<RecordedRequest, String> answer) {
      this.answer = Objects.requireNonNull(answer, "answer");
      return this;
    }

    /** Delay before every answer (a stream's first byte); default none. */
    public Builder latency(Duration latency) {
      this.defaultLatency = nonNegative(latency, "latency");
      return this;
    }

    /** Delay before {@code model}'s answers, overriding {@link #latency(Duration)}. */
    public Builder latency(String model, Duration latency) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      latencies.put(model, nonNegative(latency, "latency"));
      return this;
    }

    /** Pause between stream chunks; default none (the whole stream is written at once). */
    public Builder chunkInterval(Duration interval) {
      this.chunkInterval = nonNegative(interval, "chunkInterval");
      return this;
    }

    /**
     * How long a connection may stay open without a request in progress before the server closes
     * it, as real servers close idle keep-alive connections; default {@link #DEFAULT_IDLE_TIMEOUT}.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be > 0, was " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** The port to bind on 127.0.0.1; default 0, a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be within [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Presets for an offline demo: a handful of well-known models with realistic latencies
     * (fast models answer in about half a second, reasoning models take a few seconds) and
     * streams paced like real ones. Later calls may override any of it.
     */
    public Builder demo() {
      models("gpt-5", "gpt-5-mini", "o3", "gemini-2.5-pro", "gemini-2.5-flash", "claude-sonnet-4-5", "llama3.2");
      latency(Duration.ofMillis(900));
      latency("gpt-5", Duration.ofMillis(2500));
      latency("o3", Duration.ofMillis(3000));
      latency("gemini-2.5-pro", Duration.ofMillis(2000));
      latency("gpt-5-mini", Duration.ofMillis(700));
      latency("gemini-2.5-flash", Duration.ofMillis(450));
      latency("llama3.2", Duration.ofMillis(300));
      chunkInterval(Duration.ofMillis(15));
      return this;
    }

    /** Binds the port and starts serving. */
    public FakeOpenAiServer start() {
      try {
        return new FakeOpenAiServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the fake OpenAI server on port " + port, e);
      }
    }

    private static Duration nonNegative(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must be >= 0, was " + duration);
      }
      return duration;
    }
  }
}
