package dev.zen.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * MCP's Streamable HTTP transport (2025-11-25) as a servlet, implementing the SDK's
 * {@link McpStreamableServerTransportProvider} so that the SDK's {@link McpStreamableServerSession}
 * keeps initialisation, version negotiation, dispatch and logging levels, exactly as
 * {@link StdioTransport} keeps the SDK's stdio session. The SDK's own servlet
 * ({@code HttpServletStreamableServerTransportProvider}) is not used: it blocks a container thread
 * for the whole of every request ({@code responseStream(...).block()}), ignores
 * {@code notifications/cancelled}, answers malformed input with a body that is not JSON-RPC,
 * cannot run checks before the session, and answers every request as SSE.
 *
 * <p>What a message goes through, in order: the {@code Host} and {@code Origin} checks (403), the
 * bearer token (401 with {@code WWW-Authenticate}), {@code MCP-Protocol-Version} (400 when
 * unsupported), the body cap (413), JSON and JSON-RPC (the same {@link Inbound} rules and error
 * codes as stdio), the session ({@code Mcp-Session-Id}: 400 when missing, 404 when unknown,
 * expired or another principal's), the {@linkplain RequestChecks request checks} (tool names,
 * params), and for {@code tools/call} the principal's limits (429 with {@code Retry-After}).
 *
 * <p>Answers: {@code tools/call} always as an SSE stream (a priming event first, for clients of
 * 2025-11-25, so a dropped stream can be resumed; progress and log notifications; the result;
 * the end of the stream); every other request as one JSON body, or as SSE when something must be
 * sent before the answer. Every SSE event has an id {@code <stream>-<n>} and is kept in the
 * session's bounded event log; {@code GET} with {@code Last-Event-ID} replays what followed it on
 * that stream and, when the stream still runs, carries the rest of it. A dropped connection never
 * cancels a call (MCP: only {@code notifications/cancelled} does).
 *
 * <p>Threads: nothing waits. A request is subscribed on the container's thread and answered from
 * whichever thread completes it; writes are serialised per connection.
 */
final class HttpTransport extends HttpServlet implements McpStreamableServerTransportProvider {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  static final String SESSION_ID = "Mcp-Session-Id";
  static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
  static final String LAST_EVENT_ID = "Last-Event-ID";
  static final List<String> VERSIONS = List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26,
      ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  /** What one session's event log may hold for replay, besides its count limit. */
  static final long MAX_EVENT_BYTES = 16L * 1024 * 1024;

  private final transient ObjectMapper json;
  private final transient ObjectReader bodyReader;
  private final transient McpJsonMapper mapper;
  private final transient HttpOptions options;
  private final transient Map<String, StdioTransport.RequestCheck> checks;
  private final transient HttpGuard guard;
  private final transient PrincipalLimits limits;
  private final transient Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** Stateless mode's one-request sessions, for keep-alive comments (they have no id to look up). */
  private final transient java.util.Set<Session> ephemeral = ConcurrentHashMap.newKeySet();
  private final transient AtomicInteger requestsInFlight = new AtomicInteger();
  private final transient AtomicLong streamNumbers = new AtomicLong();
  private final transient Executor writer;
  private transient volatile McpStreamableServerSession.@Nullable Factory factory;
  private transient volatile boolean draining;
  private transient volatile boolean closed;

  HttpTransport(ObjectMapper json, McpJsonMapper mapper, HttpOptions options, Map<String, StdioTransport.RequestCheck> checks,
      Executor writer) {
    this.writer = writer;
    this.json = json;
    this.bodyReader = json.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.mapper = mapper;
    this.options = options;
    this.checks = Map.copyOf(checks);
    this.guard = new HttpGuard(options);
    this.limits = new PrincipalLimits(options.maxConcurrentCallsPerPrincipal(), options.maxCallsPerMinutePerPrincipal());
  }

  @Override
  public List<String> protocolVersions() {
    return VERSIONS;
  }

  @Override
  public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
    this.factory = sessionFactory;
  }

  @Override
  public Mono<Void> notifyClients(String method, @Nullable Object params) {
    return Mono.fromRunnable(() -> sessions.values().forEach(session -> session.sdk.sendNotification(method, params)
        .subscribe(null, error -> LOG.debug("could not notify session {}", session.id, error))));
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::closeAll);
  }

  /** Requests being answered now, over all sessions. */
  int requestsInFlight() {
    return requestsInFlight.get();
  }

  int sessions() {
    return sessions.size();
  }

  boolean draining() {
    return draining;
  }

  /** From now on refuse new sessions and calls with 503; what runs goes on. */
  void drain() {
    draining = true;
  }

  /** Keeps proxies from timing out open streams, and ends sessions idle for too long. */
  void tick(long nowMillis) {
    long idleMillis = options.sessionIdleTimeout().toMillis();
    for (Session session : sessions.values()) {
      session.keepAlive();
      if (session.idleSince(nowMillis) > idleMillis) {
        LOG.debug("session {} idle for {} ms: ending it", session.id, idleMillis);
        endSession(session);
      }
    }
    // Also how a stateless call learns that its client hung up: the comment's write fails.
    ephemeral.forEach(Session::keepAlive);
  }

  private void closeAll() {
    closed = true;
    sessions.values().forEach(this::endSession);
    List.copyOf(ephemeral).forEach(Session::end);
  }

  private void endSession(Session session) {
    if (sessions.remove(session.id, session)) {
      session.end();
    }
  }

  // ---- HTTP methods ----

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String principal = admit(request, response);
    if (principal == null) {
      return;
    }
    String user = principal.isEmpty() ? null : principal;
    byte[] body = readBody(request, response);
    if (body == null) {
      return;
    }
    JsonNode node;
    try {
      node = bodyReader.readValue(body);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      rpcError(response, 400, null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the body is not JSON (" + detail
          + "); send one JSON-RPC message per POST");
      return;
    }
    Inbound inbound = Inbound.classify(node == null ? json.nullNode() : node);
    if (inbound instanceof Inbound.Invalid invalid) {
      rpcError(response, 400, invalid.id(), invalid.code(), invalid.message());
      return;
    }
    if (inbound instanceof Inbound.Ignored ignored) {
      LOG.warn("ignoring a malformed message: {}", ignored.reason());
      rpcError(response, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: " + ignored.reason());
      return;
    }
    if (inbound instanceof Inbound.Request call && call.method().equals(McpSchema.METHOD_INITIALIZE)) {
      initialize(request, response, call, user);
      return;
    }
    Session session = options.stateless() ? null : session(request, response, user);
    if (session == null && !options.stateless()) {
      return;
    }
    if (inbound instanceof Inbound.Request call) {
      onRequest(request, response, session, call, user);
    } else if (inbound instanceof Inbound.Notification notification) {
      if (session != null) {
        onNotification(session, notification);
      }
      response.setStatus(HttpServletResponse.SC_ACCEPTED);
    } else if (inbound instanceof Inbound.Response) {
      if (session != null) {
        McpSchema.JSONRPCResponse answer = json.convertValue(node, McpSchema.JSONRPCResponse.class);
        session.sdk.accept(answer).subscribe(null, error -> LOG.debug("response handling failed", error));
      }
      response.setStatus(HttpServletResponse.SC_ACCEPTED);
    }
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String principal = admit(request, response);
    if (principal == null) {
      return;
    }
    if (options.stateless()) {
      methodNotAllowed(response, "POST", "a stateless server has no stream to listen to; POST requests");
      return;
    }
    String accept = request.getHeader("Accept");
    if (accept != null && !accept.contains("text/event-stream") && !accept.contains("*/*")) {
      methodNotAllowed(response, "POST, DELETE", "GET opens an SSE stream: send Accept: text/event-stream");
      return;
    }
    Session session = session(request, response, principal.isEmpty() ? null : principal);
    if (session == null) {
      return;
    }
    session.touch();
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    Connection connection = new Connection(async, response, writer);
    String lastEventId = request.getHeader(LAST_EVENT_ID);
    if (lastEventId != null && session.resume(lastEventId, connection)) {
      return;
    }
    if (!session.listen(connection)) {
      connection.refuse(409, "this session has an open GET stream already; close it first");
    }
  }

  @Override
  protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String principal = admit(request, response);
    if (principal == null) {
      return;
    }
    if (options.stateless()) {
      methodNotAllowed(response, "POST", "a stateless server has no sessions to end");
      return;
    }
    Session session = session(request, response, principal.isEmpty() ? null : principal);
    if (session == null) {
      return;
    }
    endSession(session);
    response.setStatus(HttpServletResponse.SC_OK);
  }

  @Override
  protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
    methodNotAllowed(response, options.stateless() ? "POST" : "POST, GET, DELETE", "MCP's endpoint takes POST, GET and DELETE");
  }

  // ---- admission ----

  /**
   * Host, Origin, token, protocol version; the principal ({@code ""} when the server has no
   * tokens), or null when the response was sent.
   */
  private @Nullable String admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (closed) {
      plain(response, 503, "the server is stopping");
      return null;
    }
    HttpGuard.Verdict verdict = guard.check(request.getHeader("Host"), request.getHeader("Origin"),
        request.getHeader("Authorization"));
    if (verdict.status() != 200) {
      if (verdict.status() == 401) {
        response.setHeader("WWW-Authenticate", verdict.challenge());
      }
      plain(response, verdict.status(), verdict.message());
      return null;
    }
    String version = request.getHeader(PROTOCOL_VERSION);
    if (version != null && !VERSIONS.contains(version.strip())) {
      rpcError(response, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Bad Request: unsupported "
          + PROTOCOL_VERSION + " '" + version + "'; this server speaks " + String.join(", ", VERSIONS));
      return null;
    }
    return verdict.principal();
  }

  private byte @Nullable [] readBody(HttpServletRequest request, HttpServletResponse response) throws IOException {
    int max = options.maxBodyBytes();
    if (request.getContentLengthLong() > max) {
      rpcError(response, 413, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: the body is longer than "
          + max + " bytes; pass large content as files");
      return null;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = request.getInputStream()) {
      int read;
      while ((read = in.read(buffer)) != -1) {
        body.write(buffer, 0, read);
        if (body.size() > max) {
          rpcError(response, 413, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: the body is longer "
              + "than " + max + " bytes; pass large content as files");
          return null;
        }
      }
    }
    return body.toByteArray();
  }

  /** The request's session, or null after answering 400 (no id) or 404 (unknown, expired, someone else's). */
  private @Nullable Session session(HttpServletRequest request, HttpServletResponse response, @Nullable String principal)
      throws IOException {
    String id = request.getHeader(SESSION_ID);
    if (id == null || id.isBlank()) {
      rpcError(response, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Bad Request: " + SESSION_ID
          + " header missing; send the id the initialize answer carried, or initialize first");
      return null;
    }
    Session session = sessions.get(id.strip());
    if (session == null || !java.util.Objects.equals(session.principal, principal)) {
      // Another principal's session is not found either: session ids are no oracle.
      rpcError(response, 404, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Session not found: it ended, expired "
          + "or never existed; initialize a new one");
      return null;
    }
    return session;
  }

  // ---- messages ----

  private void initialize(HttpServletRequest request, HttpServletResponse response, Inbound.Request call,
      @Nullable String principal) throws IOException {
    JSONRPCError refused = checks.get(McpSchema.METHOD_INITIALIZE) == null ? null
        : checks.get(McpSchema.METHOD_INITIALIZE).check(call.params());
    if (refused != null) {
      rpcError(response, 200, call.id(), refused.code(), refused.message());
      return;
    }
    if (draining) {
      response.setHeader("Retry-After", "1");
      plain(response, 503, "this server is shutting down; initialize again (another instance takes it)");
      return;
    }
    McpStreamableServerSession.Factory sessions = factory;
    if (sessions == null) {
      plain(response, 503, "the server is starting");
      return;
    }
    McpSchema.InitializeRequest init = json.convertValue(call.params(), McpSchema.InitializeRequest.class);
    McpStreamableServerSession.McpStreamableServerSessionInit started = sessions.startSession(init);
    Session session = new Session(started.session(), principal);
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    Connection connection = new Connection(async, response, writer);
    if (!options.stateless()) {
      this.sessions.put(session.id, session);
      response.setHeader(SESSION_ID, session.id);
    }
    started.initResult().subscribe(result -> {
      session.version = result.protocolVersion();
      connection.json(bytes(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, call.id(), result, null)));
      if (options.stateless()) {
        session.end();
      }
    }, error -> {
      LOG.warn("initialize failed", error);
      this.sessions.remove(session.id, session);
      connection.json(bytes(McpSchema.JSONRPCResponse.error(call.id(), new JSONRPCError(
          McpSchema.ErrorCodes.INTERNAL_ERROR, "initialize failed: " + error.getMessage(), null))));
    });
  }

  private void onRequest(HttpServletRequest request, HttpServletResponse response, @Nullable Session given,
      Inbound.Request call, @Nullable String principal) throws IOException {
    StdioTransport.RequestCheck check = checks.get(call.method());
    JSONRPCError refused = check == null ? null : check.check(call.params());
    if (refused != null) {
      rpcError(response, 200, call.id(), refused.code(), refused.message());
      return;
    }
    boolean toolCall = call.method().equals(McpSchema.METHOD_TOOLS_CALL);
    PrincipalLimits.Permit permit = null;
    if (toolCall) {
      if (draining) {
        response.setHeader("Retry-After", "1");
        plain(response, 503, "this server is shutting down; call again (another instance takes it)");
        return;
      }
      PrincipalLimits.Decision decision = limits.acquire(principal == null ? "" : principal);
      if (decision.permit() == null) {
        response.setHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
        rpcError(response, 429, call.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "Too many requests: " + decision.reason()
            + "; retry after " + decision.retryAfterSeconds() + " s");
        return;
      }
      permit = decision.permit();
    }
    Session session = given != null ? given : statelessSession(request, principal);
    session.touch();
    if (session.running(call.id())) {
      if (permit != null) {
        permit.release();
      }
      rpcError(response, 200, call.id(), McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: id " + call.id()
          + " belongs to a request that is still running; use a new id");
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    Connection connection = new Connection(async, response, writer);
    Stream stream = session.openStream(connection, call.id(), toolCall);
    session.register(call.id(), stream);
    if (given == null) {
      // Stateless: no session keeps the answer for a resumption and no later POST can cancel it,
      // so a client that hangs up has given the call up.
      connection.onClose(closed -> {
        if (!stream.finished()) {
          LOG.debug("stateless client left before the answer to {}; cancelling it", call.id());
          stream.cancel();
        }
      });
    }
    McpSchema.JSONRPCRequest message = new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, call.method(), call.id(),
        call.params() == null ? null : json.convertValue(call.params(), MAP));
    Map<String, Object> context = new HashMap<>();
    context.put(ToolBridge.REQUEST_ID, call.id());
    // An instrumented HTTP client sends its trace context as headers; the tool bridge uses them
    // when the request's _meta carries none.
    String traceparent = request.getHeader("traceparent");
    if (traceparent != null) {
      String tracestate = request.getHeader("tracestate");
      context.put(ToolBridge.TRACE_HEADERS, tracestate == null ? Map.of("traceparent", traceparent)
          : Map.of("traceparent", traceparent, "tracestate", tracestate));
    }
    if (principal != null) {
      context.put(ToolBridge.PRINCIPAL, principal);
    }
    McpTransportContext transportContext = McpTransportContext.create(context);
    requestsInFlight.incrementAndGet();
    PrincipalLimits.Permit held = permit;
    Disposable subscription = session.sdk.responseStream(message, stream)
        .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, transportContext))
        .doFinally(signal -> {
          requestsInFlight.decrementAndGet();
          session.unregister(call.id(), stream);
          if (held != null) {
            held.release();
          }
          if (given == null) {
            session.end();
          }
        })
        .subscribe(null, error -> {
          LOG.warn("request {} failed outside its handler: {}", call.method(), error.toString());
          stream.fail(call.id(), error);
        });
    stream.subscribed(subscription);
  }

  /** Stateless mode: a session for one request, as if the client had just initialized. */
  private Session statelessSession(HttpServletRequest request, @Nullable String principal) {
    String header = request.getHeader(PROTOCOL_VERSION);
    String version = header == null ? ProtocolVersions.MCP_2025_03_26 : header.strip();
    McpSchema.InitializeRequest init = new McpSchema.InitializeRequest(version, McpSchema.ClientCapabilities.builder()
        .build(), new McpSchema.Implementation("stateless-client", "0"));
    McpStreamableServerSession.McpStreamableServerSessionInit started = java.util.Objects.requireNonNull(factory,
        "factory").startSession(init);
    started.initResult().subscribe(null, error -> LOG.debug("stateless initialisation failed", error));
    Session session = new Session(started.session(), principal);
    session.version = version;
    ephemeral.add(session);
    return session;
  }

  private void onNotification(Session session, Inbound.Notification notification) {
    session.touch();
    if (notification.method().equals(StdioTransport.CANCELLED)) {
      JsonNode requestId = notification.params() == null ? null : notification.params().get("requestId");
      Object id = requestId == null ? null : Inbound.id(requestId);
      if (id == null) {
        LOG.warn("notifications/cancelled without a valid requestId; ignored");
        return;
      }
      session.cancel(id);
      return;
    }
    McpSchema.JSONRPCNotification message = new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
        notification.method(), notification.params() == null ? null : json.convertValue(notification.params(), MAP));
    session.sdk.accept(message)
        .subscribe(null, error -> LOG.warn("notification {} failed: {}", notification.method(), error.toString()));
  }

  // ---- writing ----

  private byte[] bytes(Object message) {
    try {
      return json.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialise a " + message.getClass().getSimpleName(), e);
    }
  }

  private void rpcError(HttpServletResponse response, int status, @Nullable Object id, int code, String message)
      throws IOException {
    ObjectNode error = json.createObjectNode();
    error.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    if (id == null) {
      error.putNull("id");
    } else {
      error.set("id", json.valueToTree(id));
    }
    error.putObject("error").put("code", code).put("message", message);
    byte[] body = json.writeValueAsBytes(error);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void plain(HttpServletResponse response, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("text/plain;charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void methodNotAllowed(HttpServletResponse response, String allow, String message) throws IOException {
    response.setHeader("Allow", allow);
    plain(response, 405, message);
  }

  /** One MCP session: the SDK's session, who owns it, its streams and its event log. */
  private final class Session {
    final String id;
    final McpStreamableServerSession sdk;
    final @Nullable String principal;
    volatile String version = ProtocolVersions.MCP_2025_03_26;
    private final Map<Object, Stream> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
    private final Deque<Event> events = new ArrayDeque<>();
    private long eventBytes;
    private volatile long lastActive = System.currentTimeMillis();
    private volatile @Nullable Stream listening;

    Session(McpStreamableServerSession sdk, @Nullable String principal) {
      this.id = sdk.getId();
      this.sdk = sdk;
      this.principal = principal;
    }

    void touch() {
      lastActive = System.currentTimeMillis();
    }

    long idleSince(long now) {
      Stream current = listening;
      if (!inFlight.isEmpty() || current != null && current.connected()) {
        return 0;
      }
      return now - lastActive;
    }

    Stream openStream(Connection connection, Object requestId, boolean sse) {
      Stream stream = new Stream(this, streamNumbers.incrementAndGet(), requestId, connection, sse);
      streams.put(stream.number, stream);
      return stream;
    }

    boolean running(Object requestId) {
      return inFlight.containsKey(requestId);
    }

    void register(Object requestId, Stream stream) {
      inFlight.put(requestId, stream);
    }

    /** A finished stream with nothing left to replay is forgotten at once. */
    void forget(Stream stream) {
      streams.remove(stream.number, stream);
    }

    void unregister(Object requestId, Stream stream) {
      inFlight.remove(requestId, stream);
      touch();
    }

    void cancel(Object requestId) {
      Stream stream = inFlight.remove(requestId);
      if (stream == null) {
        LOG.debug("cancellation of request {} that is not running; ignored", requestId);
        return;
      }
      stream.cancel();
    }

    boolean listen(Connection connection) {
      synchronized (this) {
        Stream current = listening;
        if (current != null && current.connected()) {
          return false;
        }
        Stream stream = new Stream(this, streamNumbers.incrementAndGet(), null, connection, true);
        streams.put(stream.number, stream);
        listening = stream;
        sdk.listeningStream(stream);
        return true;
      }
    }

    /** Replays the events after {@code lastEventId} on its stream; false when that stream is unknown here. */
    boolean resume(String lastEventId, Connection connection) {
      int dash = lastEventId.indexOf('-');
      long number;
      long after;
      try {
        number = Long.parseLong(lastEventId.substring(0, Math.max(0, dash)));
        after = Long.parseLong(lastEventId.substring(dash + 1));
      } catch (NumberFormatException e) {
        return false;
      }
      Stream stream = streams.get(number);
      if (stream == null) {
        return false;
      }
      List<Event> missed = new ArrayList<>();
      synchronized (events) {
        for (Event event : events) {
          if (event.stream == number && event.sequence > after) {
            missed.add(event);
          }
        }
      }
      stream.reattach(connection, missed);
      if (stream == listening) {
        sdk.listeningStream(stream);
      }
      return true;
    }

    void record(Event event) {
      int max = options.eventsPerSession();
      synchronized (events) {
        if (max == 0) {
          return;
        }
        events.addLast(event);
        eventBytes += event.data().length;
        // Bounded in count and in bytes: a few large tool results must not hold a session's memory.
        while (events.size() > max || eventBytes > MAX_EVENT_BYTES && events.size() > 1) {
          Event dropped = events.removeFirst();
          eventBytes -= dropped.data().length;
          Stream stream = streams.get(dropped.stream);
          if (stream != null && stream.finished() && !hasEvents(dropped.stream)) {
            streams.remove(dropped.stream);
          }
        }
      }
    }

    private boolean hasEvents(long stream) {
      for (Event event : events) {
        if (event.stream == stream) {
          return true;
        }
      }
      return false;
    }

    void keepAlive() {
      for (Stream stream : streams.values()) {
        stream.keepAlive();
      }
    }

    void end() {
      ephemeral.remove(this);
      List<Stream> running = new ArrayList<>(inFlight.values());
      inFlight.clear();
      running.forEach(Stream::cancel);
      streams.values().forEach(Stream::endConnection);
      sdk.delete().subscribe(null, error -> LOG.debug("ending session {} failed", id, error));
    }
  }

  /** One SSE event, kept for replay. */
  private record Event(long stream, long sequence, byte[] data) {}

  /**
   * One stream of a session: a POST's answer (with what precedes it) or the GET stream. Messages
   * go to its connection while it has one and into the session's event log when they are SSE
   * events, so a client can pick the stream up again.
   */
  private final class Stream implements McpStreamableServerTransport {
    final Session session;
    final long number;
    final @Nullable Object requestId;
    private @Nullable Connection connection;
    private boolean sse;
    private long sequence;
    private boolean finished;
    private boolean cancelled;
    private @Nullable Disposable subscription;

    Stream(Session session, long number, @Nullable Object requestId, Connection connection, boolean sse) {
      this.session = session;
      this.number = number;
      this.requestId = requestId;
      this.connection = connection;
      connection.onClose(this::detach);
      if (sse) {
        startSse();
      }
    }

    synchronized boolean connected() {
      return connection != null && connection.open();
    }

    synchronized boolean finished() {
      return finished;
    }

    /** Before any output: opens the SSE stream with a priming event for clients that resume. */
    private void startSse() {
      sse = true;
      Connection current = connection;
      if (current != null) {
        current.startSse();
        if (primes()) {
          current.event(number + "-" + sequence, new byte[0]);
        }
      }
    }

    private boolean primes() {
      return session.version.compareTo(ProtocolVersions.MCP_2025_11_25) >= 0;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, @Nullable String messageId) {
      return Mono.fromRunnable(() -> deliver(message));
    }

    private void deliver(McpSchema.JSONRPCMessage message) {
      byte[] data = bytes(message);
      boolean last = requestId != null && message instanceof McpSchema.JSONRPCResponse response
          && requestId.equals(response.id());
      synchronized (this) {
        if (finished || cancelled) {
          return;
        }
        if (!sse && last) {
          finished = true;
          session.forget(this);
          Connection current = connection;
          connection = null;
          if (current != null) {
            current.json(data);
          }
          return;
        }
        if (!sse) {
          startSse();
        }
        String id = number + "-" + ++sequence;
        session.record(new Event(number, sequence, data));
        Connection current = connection;
        if (current != null) {
          current.event(id, data);
        }
        if (last) {
          finished = true;
          endConnection();
          if (options.eventsPerSession() == 0) {
            session.forget(this);
          }
        }
      }
    }

    synchronized void subscribed(Disposable subscription) {
      if (cancelled) {
        subscription.dispose();
      } else {
        this.subscription = subscription;
      }
    }

    /** The client cancelled: stop the work, send nothing more, end the HTTP response. */
    void cancel() {
      Disposable current;
      synchronized (this) {
        if (finished || cancelled) {
          return;
        }
        cancelled = true;
        current = subscription;
        endConnection();
      }
      session.forget(this);
      if (current != null) {
        current.dispose();
      }
    }

    void fail(Object id, Throwable error) {
      deliver(McpSchema.JSONRPCResponse.error(id, new JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR,
          "the request failed: " + error.getMessage(), null)));
    }

    synchronized void reattach(Connection replacement, List<Event> missed) {
      Connection old = connection;
      if (old != null) {
        old.complete();
      }
      connection = replacement;
      replacement.onClose(this::detach);
      replacement.startSse();
      for (Event event : missed) {
        replacement.event(number + "-" + event.sequence(), event.data());
      }
      if (finished || cancelled) {
        endConnection();
      }
    }

    synchronized void keepAlive() {
      Connection current = connection;
      if (current != null && sse) {
        current.comment();
      }
    }

    private synchronized void detach(Connection closed) {
      if (connection == closed) {
        connection = null;
      }
    }

    synchronized void endConnection() {
      Connection current = connection;
      connection = null;
      if (current != null) {
        current.complete();
      }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return mapper.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
      synchronized (this) {
        if (requestId == null) {
          // The GET stream: the SDK lets it go when the session ends.
          finished = true;
          endConnection();
          return;
        }
        if (!finished && !cancelled) {
          // The SDK is done with a request that sent no answer (cancelled inside): end quietly.
          finished = true;
          session.forget(this);
          Connection current = connection;
          connection = null;
          if (current != null) {
            if (!sse) {
              current.startSse();
            }
            current.complete();
          }
        }
      }
    }
  }

  /**
   * One HTTP response held open: JSON once, or SSE events until complete. Every write runs on the
   * writer executor, one at a time per connection and in order: a client that reads slowly then
   * holds a writer thread (until the connector's idle timeout), never the Reactor, HTTP-client or
   * timer thread that produced the message. A failed write closes the connection, and the close
   * listeners detach it from its stream, which keeps its events for a resumption.
   */
  private static final class Connection {
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private final AsyncContext async;
    private final HttpServletResponse response;
    private final SerialExecutor writes;
    private final List<java.util.function.Consumer<Connection>> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private boolean sse;

    Connection(AsyncContext async, HttpServletResponse response, Executor writer) {
      this.async = async;
      this.response = response;
      this.writes = new SerialExecutor(writer);
      async.addListener(new AsyncListener() {
        @Override
        public void onComplete(AsyncEvent event) {
          closed();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
          closed();
        }

        @Override
        public void onError(AsyncEvent event) {
          closed();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
          // nothing to do
        }
      });
    }

    void onClose(java.util.function.Consumer<Connection> listener) {
      closeListeners.add(listener);
    }

    private void closed() {
      open = false;
      closeListeners.forEach(listener -> listener.accept(this));
    }

    boolean open() {
      return open;
    }

    void json(byte[] data) {
      writes.execute(() -> {
        if (!open) {
          return;
        }
        try {
          response.setStatus(200);
          response.setContentType("application/json");
          response.setContentLength(data.length);
          response.getOutputStream().write(data);
        } catch (IOException | IllegalStateException e) {
          LOG.debug("could not write an answer; the client left", e);
        }
        finish();
      });
    }

    void startSse() {
      writes.execute(() -> {
        if (!open || sse) {
          return;
        }
        sse = true;
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        // nginx buffers proxied responses unless told not to; SSE must flow as it is written.
        response.setHeader("X-Accel-Buffering", "no");
        try {
          response.flushBuffer();
        } catch (IOException e) {
          finish();
        }
      });
    }

    void event(String id, byte[] data) {
      writes.execute(() -> {
        if (!open) {
          return;
        }
        try {
          ServletOutputStream out = response.getOutputStream();
          out.write(("id: " + id + "\n").getBytes(StandardCharsets.US_ASCII));
          if (data.length > 0) {
            out.write("event: message\ndata: ".getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write('\n');
          } else {
            out.write("data: \n".getBytes(StandardCharsets.US_ASCII));
          }
          out.write('\n');
          out.flush();
        } catch (IOException | IllegalStateException e) {
          LOG.debug("SSE connection broke; the stream waits for the client to resume", e);
          finish();
        }
      });
    }

    void comment() {
      writes.execute(() -> {
        if (!open) {
          return;
        }
        try {
          ServletOutputStream out = response.getOutputStream();
          out.write(KEEP_ALIVE);
          out.flush();
        } catch (IOException | IllegalStateException e) {
          finish();
        }
      });
    }

    void refuse(int status, String message) {
      writes.execute(() -> {
        if (!open) {
          return;
        }
        try {
          byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
          response.setStatus(status);
          response.setContentType("text/plain;charset=utf-8");
          response.setContentLength(body.length);
          response.getOutputStream().write(body);
        } catch (IOException | IllegalStateException e) {
          LOG.debug("could not refuse", e);
        }
        finish();
      });
    }

    /** Ends the response after what was queued before. */
    void complete() {
      writes.execute(this::finish);
    }

    private void finish() {
      if (open) {
        open = false;
        try {
          async.complete();
        } catch (IllegalStateException e) {
          // completed by the container already (the client left)
        }
      }
    }
  }

  /** Runs tasks one at a time, in order, on a shared executor. */
  private static final class SerialExecutor implements Executor {
    private final Executor delegate;
    private final java.util.Queue<Runnable> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();

    SerialExecutor(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
      schedule();
    }

    private void schedule() {
      if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
        try {
          delegate.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          running.set(false);
          tasks.clear();
        }
      }
    }

    private void drain() {
      try {
        Runnable task;
        while ((task = tasks.poll()) != null) {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("an HTTP write failed unexpectedly", e);
          }
        }
      } finally {
        running.set(false);
        schedule();
      }
    }
  }
}
