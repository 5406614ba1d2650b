package dev.zen.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.internal.Futures;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * MCP's stdio transport for one session, replacing the SDK's {@code StdioServerTransportProvider}
 * while keeping the SDK's {@link McpServerSession} (initialisation, version negotiation, method
 * dispatch, logging levels) in charge of the protocol.
 *
 * <p>What it does that the SDK's transport does not:
 * <ul>
 *   <li>A line that is not JSON is answered with {@code -32700}, one that is not a JSON-RPC message
 *       with {@code -32600}, an oversized one with {@code -32600}; the session goes on. (The SDK
 *       logs and ends the session, and with it the process.)
 *   <li>{@code notifications/cancelled} disposes the request's subscription: the tool handler's
 *       future is cancelled (and with it the model's HTTP call) and, as MCP asks, no answer is
 *       sent. (The SDK has no handler for it.)
 *   <li>Each message is subscribed on its own, so any number of requests run at once. (The SDK
 *       pipes messages through one {@code flatMap}, which runs at most 256 at a time.)
 *   <li>{@code initialize} is answered the moment it is read, with the answer the session gives
 *       ({@link InitializeAnswer}); the session handles it right after, before the next message is
 *       read, and its own answer is compared and not sent. (The SDK's answer waits for Jackson's
 *       first use of its records, most of a fresh process's time to answer.)
 *   <li>Registered {@linkplain RequestCheck checks} may answer a request before the SDK sees it
 *       (the tool bridge names unknown tools, which the SDK reports as {@code invalid_tool_name};
 *       {@link RequestChecks} refuses params the SDK's handlers would fail on).
 *   <li>The lifecycle is enforced here: before {@code initialize} only {@code ping} is answered
 *       (the SDK holds other requests until {@code notifications/initialized}, which then arrives
 *       on its own and opens the session without any {@code initialize}); a request between
 *       {@code initialize} and {@code notifications/initialized} is refused rather than held; a
 *       second {@code initialize} is refused. Each refusal is {@code -32600} naming what to send.
 *   <li>Requests that need the tools ({@code tools/list}, {@code tools/call}, {@code prompts/*})
 *       wait, up to a bound, while the tools are still being built (an agent built on another
 *       thread while {@code initialize} is answered), and are answered with {@code -32603} saying
 *       why when building them failed.
 *   <li>Backpressure: the reader stops reading stdin while the requests being handled plus the
 *       messages waiting for stdout reach {@code maxOutstanding}, and resumes at three quarters.
 *       A client that stops reading therefore stops being read, and memory stays bounded; no
 *       answer is ever dropped. Progress and log notifications (advice, not answers) are dropped
 *       while stdout lags by more than half of that.
 * </ul>
 *
 * <p>Threads: one platform thread reads stdin and subscribes each message (handlers return at
 * once; tool work runs elsewhere); {@link LineWriter} writes stdout on another. Neither is a
 * Reactor thread, and no Reactor thread ever waits on stdio.
 */
final class StdioTransport implements McpServerTransportProvider {
  private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);
  /** The SDK's cap too: a larger message is refused, not read into memory. */
  static final int MAX_LINE_CHARS = 16 * 1024 * 1024;
  private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(2);
  /** Not among the SDK's method constants: the SDK does not handle it. */
  static final String CANCELLED = "notifications/cancelled";
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  /** The requests that need the host's tools (or prompts), held while those are being built. */
  static final Set<String> NEEDS_TOOLS = Set.of(McpSchema.METHOD_TOOLS_LIST, McpSchema.METHOD_TOOLS_CALL,
      McpSchema.METHOD_PROMPT_LIST, McpSchema.METHOD_PROMPT_GET);
  /** Requests in flight plus messages queued for stdout at which the reader pauses. */
  static final int DEFAULT_MAX_OUTSTANDING = 2048;

  /** Where the session is in MCP's lifecycle; only the reader thread changes it. */
  private enum Phase { NEW, INITIALIZING, READY }

  /** A check that may answer a request itself, with an error, before the session handles it. */
  interface RequestCheck {
    /** An error to answer with, or {@code null} to let the session handle the request. */
    @Nullable JSONRPCError check(@Nullable JsonNode params);
  }

  private final ObjectMapper json;
  private final ObjectReader lineReader;
  private final McpJsonMapper mapper;
  private final InputStream in;
  private final LineWriter writer;
  private final Map<String, RequestCheck> checks;
  private final Map<Object, InFlight> inFlight = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final int maxOutstanding;
  private final Object capacity = new Object();
  private volatile Phase phase = Phase.NEW;
  private volatile boolean paused;
  private volatile @Nullable McpServerSession session;
  private final CompletableFuture<Void> tools;
  private final Duration maxWait;
  /** Set before reading starts; null: the session answers {@code initialize} itself. */
  private @Nullable InitializeAnswer initializeAnswer;
  /**
   * The {@code initialize} answered here ahead of the session: its id, the answer written, and what
   * completes when the session has handled it too (its own answer is then dropped).
   */
  private volatile @Nullable AnsweredEarly answeredEarly;

  private record AnsweredEarly(Object id, ObjectNode answer, CompletableFuture<Void> handled) {}

  /** How long the reader waits for the session to handle an {@code initialize} answered here. */
  private static final Duration SESSION_INITIALIZE_WAIT = Duration.ofSeconds(30);

  StdioTransport(ObjectMapper json, McpJsonMapper mapper, InputStream in, OutputStream out,
      Map<String, RequestCheck> checks) {
    this(json, mapper, in, out, checks, DEFAULT_MAX_OUTSTANDING);
  }

  StdioTransport(ObjectMapper json, McpJsonMapper mapper, InputStream in, OutputStream out,
      Map<String, RequestCheck> checks, int maxOutstanding) {
    this(json, mapper, in, out, checks, maxOutstanding, CompletableFuture.completedFuture(null), PendingHost.DEFAULT_WAIT);
  }

  /**
   * As above, holding the requests that need the tools ({@link #NEEDS_TOOLS}) until {@code tools}
   * completes, for up to {@code maxWait} each; when it fails or the wait ends they are answered
   * with {@code -32603} saying why. Their checks run after the wait.
   */
  StdioTransport(ObjectMapper json, McpJsonMapper mapper, InputStream in, OutputStream out,
      Map<String, RequestCheck> checks, int maxOutstanding, CompletableFuture<Void> tools, Duration maxWait) {
    if (maxOutstanding < 2) {
      throw new IllegalArgumentException("maxOutstanding must be >= 2, was " + maxOutstanding);
    }
    this.maxOutstanding = maxOutstanding;
    this.json = json;
    this.lineReader = json.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.mapper = mapper;
    this.in = in;
    this.writer = new LineWriter(json, out, this::released);
    this.checks = Map.copyOf(checks);
    this.tools = tools;
    this.maxWait = maxWait;
    // A client that stops reading our stdout is gone: end the session as if stdin had closed.
    writer.finished().thenRun(() -> terminated.complete(null));
  }

  /** Completes when the session is over: stdin reached its end, or stdout broke. */
  CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Requests being handled now (for tests and diagnostics). */
  int inFlight() {
    return inFlight.size();
  }

  /** Requests being handled plus messages waiting for stdout: what the reader's pause bounds. */
  int outstanding() {
    return inFlight.size() + writer.queued();
  }

  /** Whether the reader is pausing now because stdout lags (for tests and diagnostics). */
  boolean paused() {
    return paused;
  }

  /**
   * Answers {@code initialize} as soon as it is read, with {@code answer}, before the session
   * handles it (see {@link InitializeAnswer}); call before the session factory is set.
   */
  void answerInitializeWith(InitializeAnswer answer) {
    if (session != null) {
      throw new IllegalStateException("reading has started");
    }
    this.initializeAnswer = answer;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory sessionFactory) {
    if (session != null) {
      throw new IllegalStateException("stdio carries exactly one session");
    }
    session = sessionFactory.create(new SessionTransport());
    writer.start();
    Thread reader = new Thread(this::readLoop, "zen-mcp-stdin");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public Mono<Void> notifyClients(String method, @Nullable Object params) {
    McpServerSession current = session;
    return current == null ? Mono.error(new IllegalStateException("no session yet"))
        : current.sendNotification(method, params);
  }

  @Override
  public Mono<Void> notifyClient(String sessionId, String method, @Nullable Object params) {
    return notifyClients(method, params);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::shutDown);
  }

  private void readLoop() {
    LineReader lines = new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8), MAX_LINE_CHARS);
    try {
      LineReader.Line line;
      while (!closing.get() && awaitCapacity() && (line = lines.next()) != null) {
        try {
          onLine(line);
          awaitSessionInitialize();
        } catch (RuntimeException e) {
          // Whatever went wrong with one message must not end the session.
          LOG.error("unexpected failure handling a message; the session goes on", e);
        }
      }
      LOG.debug("stdin reached its end; closing the session");
    } catch (IOException e) {
      if (!closing.get()) {
        LOG.warn("reading stdin failed; closing the session", e);
      }
    } finally {
      shutDown();
    }
  }

  /**
   * After an {@code initialize} answered here, the next message (the client's
   * {@code notifications/initialized}, sent as soon as it reads the answer) must reach a session
   * that has handled the request: it records the client's capabilities there.
   */
  private void awaitSessionInitialize() {
    AnsweredEarly early = answeredEarly;
    if (early == null || early.handled().isDone()) {
      return;
    }
    try {
      early.handled().get(SESSION_INITIALIZE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("the session had not handled initialize after {} s; reading on", SESSION_INITIALIZE_WAIT.toSeconds());
    }
  }

  /**
   * Waits while the session has {@code maxOutstanding} requests and queued messages, until it is
   * down to three quarters of that; false when the session closes meanwhile.
   */
  private boolean awaitCapacity() throws IOException {
    if (outstanding() < maxOutstanding) {
      return true;
    }
    paused = true;
    LOG.debug("{} requests and answers outstanding: pausing stdin until the client reads", outstanding());
    int resumeAt = maxOutstanding * 3 / 4;
    try {
      synchronized (capacity) {
        while (!closing.get() && outstanding() > resumeAt) {
          // Woken by the writer and by finished requests; the timeout only guards a missed wake-up.
          capacity.wait(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the client to read", e);
    } finally {
      paused = false;
    }
    return !closing.get();
  }

  /** A message was written or a request finished: a paused reader may go on. */
  private void released() {
    if (paused) {
      synchronized (capacity) {
        capacity.notifyAll();
      }
    }
  }

  private void onLine(LineReader.Line line) {
    if (line.tooLong()) {
      replyError(Inbound.idOfTruncated(json, line.head(), line.tail()), McpSchema.ErrorCodes.INVALID_REQUEST,
          "Invalid Request: the message is longer than " + MAX_LINE_CHARS + " characters; pass large content as files");
      return;
    }
    String text = line.text();
    if (text.isBlank()) {
      return;
    }
    @Nullable JsonNode node;
    try {
      node = lineReader.readValue(text);
    } catch (JsonProcessingException e) {
      LOG.debug("unparseable line: {}", e.getOriginalMessage());
      replyError(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not JSON ("
          + e.getOriginalMessage() + "); send one JSON-RPC message per line");
      return;
    }
    Inbound inbound = Inbound.classify(node == null ? json.nullNode() : node);
    if (inbound instanceof Inbound.Invalid invalid) {
      LOG.debug("invalid message: {}", invalid.message());
      replyError(invalid.id(), invalid.code(), invalid.message());
    } else if (inbound instanceof Inbound.Ignored ignored) {
      LOG.warn("ignoring a malformed message: {}", ignored.reason());
    } else if (inbound instanceof Inbound.Request request) {
      onRequest(request);
    } else if (inbound instanceof Inbound.Notification notification) {
      onNotification(notification);
    } else if (inbound instanceof Inbound.Response) {
      onResponse(node);
    }
  }

  private void onRequest(Inbound.Request request) {
    JSONRPCError refused = lifecycle(request.method());
    if (refused == null && NEEDS_TOOLS.contains(request.method()) && !toolsReady()) {
      holdUntilTools(request);
      return;
    }
    if (refused == null) {
      RequestCheck check = checks.get(request.method());
      refused = check == null ? null : check.check(request.params());
    }
    if (refused != null) {
      writer.send(McpSchema.JSONRPCResponse.error(request.id(), refused));
      return;
    }
    if (request.method().equals(McpSchema.METHOD_INITIALIZE)) {
      phase = Phase.INITIALIZING;
      InitializeAnswer answers = initializeAnswer;
      ObjectNode answer = answers == null ? null : answers.answer(request.id(), request.params());
      if (answer != null) {
        AnsweredEarly early = new AnsweredEarly(request.id(), answer, new CompletableFuture<>());
        answeredEarly = early;
        writer.send(answer);
        // If the session never answers (it failed outside its handler), the reader must not wait.
        handlingThenRelease(request, () -> early.handled().complete(null));
        return;
      }
    } else if (request.method().equals(McpSchema.METHOD_PING) && phase != Phase.READY) {
      // MCP allows ping before initialization; the SDK's session would hold it until then.
      writer.send(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), Map.of(), null));
      return;
    }
    handlingThenRelease(request, () -> {});
  }

  /** Starts the session's handling of {@code request} as a request in flight; {@code after} runs when it ends. */
  private void handlingThenRelease(Inbound.Request request, Runnable after) {
    InFlight entry = new InFlight(request.method());
    if (inFlight.putIfAbsent(request.id(), entry) != null) {
      replyError(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: id " + request.id()
          + " belongs to a request that is still running; use a new id");
      after.run();
      return;
    }
    entry.start(handling(request).doFinally(signal -> {
      inFlight.remove(request.id(), entry);
      released();
      after.run();
    }));
  }

  /** The session's handling of {@code request}, which passed the lifecycle and its check. */
  private Mono<Void> handling(Inbound.Request request) {
    McpSchema.JSONRPCRequest message = new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, request.method(),
        request.id(), toMap(request.params()));
    // The request's id reaches the tool bridge (its span's jsonrpc.request.id) as the HTTP
    // transport passes its principal: in the transport context the SDK hands each handler.
    McpTransportContext context = McpTransportContext.create(Map.of(ToolBridge.REQUEST_ID, request.id()));
    return requireSession().handle(message).contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context));
  }

  private boolean toolsReady() {
    return tools.isDone() && !tools.isCompletedExceptionally();
  }

  /**
   * Holds a request that needs the tools until they are built (the session answered
   * {@code initialize} before), then checks and handles it as any other. It is in flight while it
   * waits: a cancellation ends the wait, a shutdown too.
   */
  private void holdUntilTools(Inbound.Request request) {
    InFlight entry = new InFlight(request.method());
    if (inFlight.putIfAbsent(request.id(), entry) != null) {
      replyError(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: id " + request.id()
          + " belongs to a request that is still running; use a new id");
      return;
    }
    // A copy: a cancelled request must not cancel the others' wait.
    Mono<Boolean> waited = Mono.fromFuture(tools.copy()).thenReturn(Boolean.TRUE).timeout(maxWait)
        .onErrorResume(failure -> {
          writer.send(McpSchema.JSONRPCResponse.error(request.id(), toolsUnavailable(failure)));
          return Mono.just(Boolean.FALSE);
        });
    entry.start(waited.flatMap(ready -> {
      if (!ready) {
        return Mono.<Void>empty();
      }
      RequestCheck check = checks.get(request.method());
      JSONRPCError refused = check == null ? null : check.check(request.params());
      if (refused != null) {
        writer.send(McpSchema.JSONRPCResponse.error(request.id(), refused));
        return Mono.<Void>empty();
      }
      return handling(request);
    }).doFinally(signal -> {
      inFlight.remove(request.id(), entry);
      released();
    }));
  }

  private JSONRPCError toolsUnavailable(Throwable failure) {
    Throwable cause = Futures.unwrap(failure);
    String message = cause instanceof TimeoutException
        ? "the server's tools are still being built after " + maxWait.toSeconds() + " s; try again shortly"
        : "the server could not build its tools: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
    return new JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error: " + message, null);
  }

  /** Why the lifecycle does not allow {@code method} now, or null when it does. */
  private @Nullable JSONRPCError lifecycle(String method) {
    if (method.equals(McpSchema.METHOD_PING)) {
      return null;
    }
    Phase now = phase;
    if (method.equals(McpSchema.METHOD_INITIALIZE)) {
      return now == Phase.NEW ? null : invalidRequest("the session is already initialized; initialize is sent "
          + "once per session (start a new session to negotiate again)");
    }
    return switch (now) {
      case NEW -> invalidRequest("the session is not initialized; send initialize first, then "
          + "notifications/initialized (only ping is answered before that)");
      case INITIALIZING -> invalidRequest("initialize was answered but notifications/initialized has not "
          + "arrived; send it before other requests");
      case READY -> null;
    };
  }

  private static JSONRPCError invalidRequest(String message) {
    return new JSONRPCError(McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: " + message, null);
  }

  private void onNotification(Inbound.Notification notification) {
    if (notification.method().equals(CANCELLED)) {
      onCancelled(notification.params());
      return;
    }
    if (notification.method().equals(McpSchema.METHOD_NOTIFICATION_INITIALIZED)) {
      if (phase != Phase.INITIALIZING) {
        // Before initialize it would open the SDK's session without one; a repeat changes nothing.
        LOG.warn("ignoring notifications/initialized {}", phase == Phase.NEW ? "before initialize" : "sent again");
        return;
      }
      phase = Phase.READY;
    }
    McpSchema.JSONRPCNotification message = new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
        notification.method(), toMap(notification.params()));
    requireSession().handle(message)
        .subscribe(null, error -> LOG.warn("notification {} failed: {}", notification.method(), error.toString()));
  }

  private void onCancelled(@Nullable JsonNode params) {
    JsonNode requestId = params == null ? null : params.get("requestId");
    Object id = requestId == null ? null : Inbound.id(requestId);
    if (id == null) {
      LOG.warn("notifications/cancelled without a valid requestId; ignored");
      return;
    }
    InFlight entry = inFlight.get(id);
    if (entry == null) {
      // It finished already, or never existed: MCP says to ignore both.
      LOG.debug("cancellation of request {} that is not running; ignored", id);
      return;
    }
    if (entry.method.equals(McpSchema.METHOD_INITIALIZE)) {
      LOG.warn("the client tried to cancel initialize, which MCP forbids; ignored");
      return;
    }
    JsonNode reason = params.get("reason");
    LOG.debug("cancelling request {} ({}){}", id, entry.method,
        reason != null && reason.isTextual() ? ": " + reason.asText() : "");
    inFlight.remove(id, entry);
    entry.cancel();
    released();
  }

  private void onResponse(JsonNode node) {
    McpSchema.JSONRPCResponse response;
    try {
      response = json.convertValue(node, McpSchema.JSONRPCResponse.class);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring a malformed response: {}", e.getMessage());
      return;
    }
    requireSession().handle(response).subscribe(null, error -> LOG.debug("response handling failed", error));
  }

  /** The session's own answer to an {@code initialize} answered here: dropped, and checked to be the same. */
  private void compareWithEarly(AnsweredEarly early, McpSchema.JSONRPCResponse response) {
    JsonNode sessions;
    try {
      sessions = json.valueToTree(response);
    } catch (IllegalArgumentException e) {
      LOG.warn("could not compare the session's answer to initialize with the one sent: {}", e.getMessage());
      return;
    }
    if (!sessions.equals(early.answer())) {
      // Not expected (InitializeAnswerTest holds them equal): the client has the early answer, say what differs.
      LOG.warn("the session's answer to initialize differs from the one sent to the client ahead of it; sent {}, "
          + "session's {}", early.answer(), sessions);
    }
  }

  private void replyError(@Nullable Object id, int code, String message) {
    if (id != null) {
      writer.send(McpSchema.JSONRPCResponse.error(id, new JSONRPCError(code, message, null)));
      return;
    }
    // The SDK's response record refuses a null id, which JSON-RPC requires when the id is unknown.
    ObjectNode response = json.createObjectNode();
    response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    response.putNull("id");
    response.putObject("error").put("code", code).put("message", message);
    writer.send(response);
  }

  private @Nullable Map<String, Object> toMap(@Nullable JsonNode params) {
    return params == null ? null : json.convertValue(params, MAP);
  }

  private McpServerSession requireSession() {
    return Objects.requireNonNull(session, "session");
  }

  private void shutDown() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    // The client is gone or asked us to stop: nothing running can still be answered.
    inFlight.values().forEach(InFlight::cancel);
    inFlight.clear();
    McpServerSession current = session;
    if (current != null) {
      current.close();
    }
    released();
    writer.close(DRAIN_ON_CLOSE);
    terminated.complete(null);
  }

  private static boolean advisory(String method) {
    return method.equals(McpSchema.METHOD_NOTIFICATION_PROGRESS) || method.equals(McpSchema.METHOD_NOTIFICATION_MESSAGE);
  }

  /** A request being handled: its subscription, so a cancellation can dispose it. */
  private static final class InFlight {
    final String method;
    private @Nullable Disposable subscription;
    private boolean cancelled;

    InFlight(String method) {
      this.method = method;
    }

    void start(Mono<Void> handling) {
      Disposable disposable = handling.subscribe(null,
          error -> LOG.warn("request {} failed outside its handler: {}", method, error.toString()));
      synchronized (this) {
        subscription = disposable;
        if (!cancelled) {
          return;
        }
      }
      disposable.dispose();
    }

    void cancel() {
      Disposable disposable;
      synchronized (this) {
        cancelled = true;
        disposable = subscription;
      }
      if (disposable != null) {
        disposable.dispose();
      }
    }
  }

  /** The session's view of the transport: sending goes through the writer thread. */
  private final class SessionTransport implements McpServerTransport {
    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return Mono.fromRunnable(() -> {
        if (message instanceof McpSchema.JSONRPCNotification notification && advisory(notification.method())
            && writer.queued() >= maxOutstanding / 2) {
          // The client is not keeping up: advice it would read late is worth less than the memory.
          LOG.debug("stdout lags by {} messages; dropping a {}", writer.queued(), notification.method());
          return;
        }
        AnsweredEarly early = answeredEarly;
        // Only the session's one answer to that initialize, while it handles it: once handled, the
        // client may use the id again (JSON-RPC allows it) and those answers must go out.
        if (early != null && message instanceof McpSchema.JSONRPCResponse response && early.id().equals(response.id())
            && early.handled().complete(null)) {
          compareWithEarly(early, response);
          return;
        }
        writer.send(message);
      });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return mapper.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }

    @Override
    public void close() {
      // The provider owns stdin and stdout; the session closing does not close them.
    }
  }
}
