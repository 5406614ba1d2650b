package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.agent.ToolResult;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

/**
 * Streamable HTTP in-process, over real sockets: the MCP Java SDK's Streamable HTTP client for
 * what a client normally does, and raw HTTP for what it must not be able to do (no token, a
 * foreign Origin or Host, someone else's session, malformed bodies) and for the wire details
 * (JSON or SSE, event ids, resumption, cancellation). One server for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpHttpServerTest {
  static final String ALICE = "alice-token-0123456789";
  static final String BOB = "bob-token-0123456789ab";

  private final ScriptedHost host = new ScriptedHost();
  private final HttpClient http = HttpClient.newHttpClient();
  private McpHttpServer server;

  @BeforeAll
  void start() {
    server = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"), HttpOptions.builder()
        .token("alice", ALICE).token("bob", BOB).maxConcurrentCallsPerPrincipal(200)
        .keepAliveInterval(Duration.ofMillis(500)).build());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static McpAsyncClient client(URI uri, String token, List<McpSchema.ProgressNotification> progress) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder(uri.getScheme() + "://" + uri.getAuthority())
        .endpoint(uri.getPath())
        .jsonMapper(new JacksonMcpJsonMapper(RawClient.JSON))
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
        .build();
    return McpClient.async(transport)
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(30))
        .progressConsumer(notification -> Mono.fromRunnable(() -> progress.add(notification)))
        .build();
  }

  @Test
  void the_sdk_client_initializes_lists_tools_and_calls_with_progress_as_its_principal() {
    List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    McpAsyncClient client = client(server.uri(), ALICE, progress);
    try {
      McpSchema.InitializeResult init = client.initialize().block(Duration.ofSeconds(30));
      assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
      assertThat(client.listTools().block(Duration.ofSeconds(30)).tools()).extracting(McpSchema.Tool::name)
          .contains("echo", "hold", "progress");
      McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("progress")
          .arguments(Map.of("steps", 3)).progressToken("p-1").build()).block(Duration.ofSeconds(30));
      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("did 3 steps");
      assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0);
      assertThat(host.calls.get(host.calls.size() - 1).principal()).contains("alice");
    } finally {
      client.closeGracefully().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void no_token_or_a_wrong_one_gets_401_with_a_bearer_challenge() throws Exception {
    HttpResponse<String> none = post(null, null, initialize());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"zen\"");
    HttpResponse<String> wrong = post("not-a-real-token-at-all", null, initialize());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    assertThat(wrong.body()).doesNotContain("not-a-real-token");
  }

  @Test
  void a_foreign_origin_or_host_gets_403_and_a_loopback_origin_is_welcome() throws Exception {
    HttpResponse<String> evil = send(request(ALICE, null).header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString(initialize())).build());
    assertThat(evil.statusCode()).isEqualTo(403);
    HttpResponse<String> local = send(request(ALICE, null).header("Origin", "http://localhost:6274")
        .POST(HttpRequest.BodyPublishers.ofString(initialize())).build());
    assertThat(local.statusCode()).isEqualTo(200);
    assertThat(rawHost("rebound.example:" + server.port())).startsWith("HTTP/1.1 403");
  }

  @Test
  void sessions_need_their_id_unknown_ones_are_404_and_delete_ends_them() throws Exception {
    String session = initializedSession(ALICE);
    assertThat(post(ALICE, null, ping(1)).statusCode()).isEqualTo(400);
    assertThat(post(ALICE, "no-such-session", ping(2)).statusCode()).isEqualTo(404);
    assertThat(post(BOB, session, ping(3)).statusCode()).as("another principal's session is not found").isEqualTo(404);
    HttpResponse<String> pong = post(ALICE, session, ping(4));
    assertThat(pong.statusCode()).isEqualTo(200);
    assertThat(pong.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    assertThat(RawClient.JSON.readTree(pong.body()).get("result").isObject()).isTrue();
    assertThat(send(request(ALICE, session).DELETE().build()).statusCode()).isEqualTo(200);
    assertThat(post(ALICE, session, ping(5)).statusCode()).isEqualTo(404);
  }

  @Test
  void malformed_bodies_get_the_same_json_rpc_errors_as_stdio() throws Exception {
    String session = initializedSession(ALICE);
    HttpResponse<String> garbage = post(ALICE, session, "this is not json");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(RawClient.JSON.readTree(garbage.body()).at("/error/code").asInt()).isEqualTo(-32700);
    HttpResponse<String> batch = post(ALICE, session, "[" + ping(6) + "]");
    assertThat(RawClient.JSON.readTree(batch.body()).at("/error/message").asText()).contains("batches");
    HttpResponse<String> unknown = post(ALICE, session,
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"thinkdeeper\"}}");
    JsonNode refused = RawClient.JSON.readTree(unknown.body());
    assertThat(refused.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(refused.at("/error/message").asText()).contains("'thinkdeeper'");
    HttpResponse<String> setLevel = post(ALICE, session,
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}");
    assertThat(RawClient.JSON.readTree(setLevel.body()).at("/error/code").asInt()).isEqualTo(-32602);
    HttpResponse<String> version = send(request(ALICE, session).header("MCP-Protocol-Version", "1999-01-01")
        .POST(HttpRequest.BodyPublishers.ofString(ping(9))).build());
    assertThat(version.statusCode()).isEqualTo(400);
  }

  @Test
  void cancelling_a_call_cancels_its_future_and_ends_its_stream_without_an_answer() throws Exception {
    String session = initializedSession(ALICE);
    int before = host.held.size();
    HttpResponse<InputStream> call = send(request(ALICE, session).POST(HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\",\"params\":{\"name\":\"hold\"}}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(call.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
    CompletableFuture<ToolResult> held = awaitHeld(before + 1);
    assertThat(post(ALICE, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
        + "{\"requestId\":\"c1\"}}").statusCode()).isEqualTo(202);
    String rest = new String(call.body().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(held.isCancelled()).isTrue();
    assertThat(rest).doesNotContain("\"result\"");
  }

  @Test
  void a_dropped_stream_is_resumed_with_last_event_id_and_gets_the_answer() throws Exception {
    String session = initializedSession(ALICE);
    int before = host.held.size();
    HttpResponse<InputStream> call = send(request(ALICE, session).POST(HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"tools/call\",\"params\":{\"name\":\"hold\"}}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader lines = new BufferedReader(new InputStreamReader(call.body(), StandardCharsets.UTF_8));
    String priming = lines.readLine();
    assertThat(priming).startsWith("id: ");
    CompletableFuture<ToolResult> held = awaitHeld(before + 1);
    call.body().close();
    held.complete(ScriptedHost.result("finished while the client was away"));
    Thread.sleep(200);
    HttpResponse<String> resumed = send(request(ALICE, session).header("Accept", "text/event-stream")
        .header("Last-Event-ID", priming.substring(4).strip()).GET().build());
    assertThat(resumed.statusCode()).isEqualTo(200);
    assertThat(resumed.body()).contains("finished while the client was away").contains("\"id\":\"r1\"");
    assertThat(held.isCancelled()).as("a dropped connection is no cancellation").isFalse();
  }

  @Test
  void two_hundred_concurrent_calls_from_twenty_sdk_clients_all_answer() {
    List<McpAsyncClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        McpAsyncClient client = client(server.uri(), i % 2 == 0 ? ALICE : BOB, new CopyOnWriteArrayList<>());
        client.initialize().block(Duration.ofSeconds(30));
        clients.add(client);
      }
      long start = System.nanoTime();
      List<CompletableFuture<McpSchema.CallToolResult>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(clients.get(i % 20).callTool(McpSchema.CallToolRequest.builder("wait").arguments(Map.of())
            .build()).toFuture());
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(calls).allSatisfy(call -> assertThat(call.join().isError()).isFalse());
      assertThat(millis).as("they ran at once, not one after another").isLessThan(10 * ScriptedHost.WAIT.toMillis());
    } finally {
      clients.forEach(client -> client.closeGracefully().block(Duration.ofSeconds(10)));
    }
  }

  @Test
  void health_is_open_and_readiness_turns_503_while_draining_and_running_calls_are_answered() throws Exception {
    try (McpHttpServer own = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().build())) {
      URI base = own.uri().resolve("/");
      assertThat(send(HttpRequest.newBuilder(base.resolve("/healthz")).GET().build()).statusCode()).isEqualTo(200);
      assertThat(send(HttpRequest.newBuilder(base.resolve("/readyz")).GET().build()).statusCode()).isEqualTo(200);
      String session = initializedSession(own.uri(), null);
      int before = host.held.size();
      CompletableFuture<HttpResponse<String>> call = http.sendAsync(HttpRequest.newBuilder(own.uri())
          .header("Accept", "application/json, text/event-stream").header("Mcp-Session-Id", session)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
              + "\"params\":{\"name\":\"hold\"}}")).build(), HttpResponse.BodyHandlers.ofString());
      awaitHeld(before + 1);
      CompletableFuture<Void> drained = own.drain(Duration.ofMillis(300));
      assertThat(send(HttpRequest.newBuilder(base.resolve("/readyz")).GET().build()).statusCode()).isEqualTo(503);
      drained.get(10, TimeUnit.SECONDS);
      String answer = call.get(10, TimeUnit.SECONDS).body();
      assertThat(answer).contains("\"isError\":true").contains("shutting down");
    }
  }

  @Test
  void a_principal_over_its_limits_gets_429_with_retry_after() throws Exception {
    try (McpHttpServer own = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().token("carol", "carol-token-0123456789").maxConcurrentCallsPerPrincipal(1)
            .maxCallsPerMinutePerPrincipal(3).build())) {
      String session = initializedSession(own.uri(), "carol-token-0123456789");
      int before = host.held.size();
      http.sendAsync(HttpRequest.newBuilder(own.uri()).header("Authorization", "Bearer carol-token-0123456789")
          .header("Accept", "application/json, text/event-stream").header("Mcp-Session-Id", session)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
              + "\"params\":{\"name\":\"hold\"}}")).build(), HttpResponse.BodyHandlers.ofString());
      CompletableFuture<ToolResult> held = awaitHeld(before + 1);
      HttpResponse<String> second = send(HttpRequest.newBuilder(own.uri())
          .header("Authorization", "Bearer carol-token-0123456789")
          .header("Accept", "application/json, text/event-stream").header("Mcp-Session-Id", session)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
              + "\"params\":{\"name\":\"echo\"}}")).build());
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).isPresent();
      held.complete(ScriptedHost.result("done"));
    }
  }

  @Test
  void a_stateless_server_answers_calls_without_sessions() throws Exception {
    try (McpHttpServer own = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().stateless(true).keepAliveInterval(Duration.ofMillis(200)).build())) {
      HttpResponse<String> init = send(HttpRequest.newBuilder(own.uri())
          .header("Accept", "application/json, text/event-stream")
          .POST(HttpRequest.BodyPublishers.ofString(initialize())).build());
      assertThat(init.statusCode()).isEqualTo(200);
      assertThat(init.headers().firstValue("Mcp-Session-Id")).isEmpty();
      HttpResponse<String> call = send(HttpRequest.newBuilder(own.uri())
          .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-11-25")
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
              + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}")).build());
      assertThat(call.body()).contains("echo: hi");
      assertThat(send(HttpRequest.newBuilder(own.uri()).header("Accept", "text/event-stream").GET().build())
          .statusCode()).isEqualTo(405);

      int before = host.held.size();
      HttpResponse<InputStream> held = send(HttpRequest.newBuilder(own.uri())
          .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-11-25")
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
              + "\"params\":{\"name\":\"hold\"}}")).build(), HttpResponse.BodyHandlers.ofInputStream());
      CompletableFuture<ToolResult> work = awaitHeld(before + 1);
      held.body().close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!work.isCancelled() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(work.isCancelled()).as("a stateless client that hangs up gives its call up").isTrue();
    }
  }

  @Test
  void an_idle_session_expires_and_its_id_then_gets_404() throws Exception {
    try (McpHttpServer own = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().sessionIdleTimeout(Duration.ofSeconds(1)).keepAliveInterval(Duration.ofMillis(200)).build())) {
      String session = initializedSession(own.uri(), null);
      HttpRequest.Builder ping = HttpRequest.newBuilder(own.uri()).header("Accept", "application/json, text/event-stream")
          .header("Mcp-Session-Id", session);
      assertThat(send(ping.POST(HttpRequest.BodyPublishers.ofString(ping(1))).build()).statusCode()).isEqualTo(200);
      Thread.sleep(1_800);
      assertThat(send(ping.POST(HttpRequest.BodyPublishers.ofString(ping(2))).build()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void a_call_past_the_deadline_is_stopped_and_answered_with_an_error() throws Exception {
    try (McpHttpServer own = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().callTimeout(Duration.ofMillis(300)).build())) {
      String session = initializedSession(own.uri(), null);
      int before = host.held.size();
      HttpResponse<String> answer = send(HttpRequest.newBuilder(own.uri())
          .header("Accept", "application/json, text/event-stream").header("Mcp-Session-Id", session)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
              + "\"params\":{\"name\":\"hold\"}}")).build());
      assertThat(answer.body()).contains("\"isError\":true").contains("limit of 300 ms per call");
      assertThat(awaitHeld(before + 1).isCancelled()).as("the work was cancelled").isTrue();
    }
  }

  @Test
  void a_body_over_the_cap_gets_413_and_the_session_goes_on() throws Exception {
    try (McpHttpServer own = McpHttpServer.start(host, new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().maxBodyBytes(4096).build())) {
      String session = initializedSession(own.uri(), null);
      HttpRequest.Builder post = HttpRequest.newBuilder(own.uri()).header("Accept", "application/json, text/event-stream")
          .header("Mcp-Session-Id", session);
      String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
          + "{\"text\":\"" + "x".repeat(5000) + "\"}}}";
      assertThat(send(post.POST(HttpRequest.BodyPublishers.ofString(big)).build()).statusCode()).isEqualTo(413);
      assertThat(send(post.POST(HttpRequest.BodyPublishers.ofString(ping(2))).build()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_session_has_one_get_stream_that_carries_server_messages() throws Exception {
    String session = initializedSession(ALICE);
    HttpResponse<InputStream> stream = send(request(ALICE, session).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
    HttpResponse<String> second = send(request(ALICE, session).header("Accept", "text/event-stream").GET().build());
    assertThat(second.statusCode()).isEqualTo(409);
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    assertThat(lines.readLine()).as("the priming event").startsWith("id: ");
    stream.body().close();
  }

  // ---- helpers ----

  private String initializedSession(String token) throws Exception {
    return initializedSession(server.uri(), token);
  }

  private String initializedSession(URI uri, String token) throws Exception {
    HttpRequest.Builder init = HttpRequest.newBuilder(uri).header("Accept", "application/json, text/event-stream");
    if (token != null) {
      init.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = send(init.POST(HttpRequest.BodyPublishers.ofString(initialize())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpRequest.Builder initialized = HttpRequest.newBuilder(uri).header("Accept", "application/json, text/event-stream")
        .header("Mcp-Session-Id", session);
    if (token != null) {
      initialized.header("Authorization", "Bearer " + token);
    }
    assertThat(send(initialized.POST(HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")).build()).statusCode()).isEqualTo(202);
    return session;
  }

  private HttpRequest.Builder request(String token, String session) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json, text/event-stream");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (session != null) {
      builder.header("Mcp-Session-Id", session);
    }
    return builder;
  }

  private HttpResponse<String> post(String token, String session, String body) throws Exception {
    return send(request(token, session).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return http.send(request, handler);
  }

  /** The JDK's client will not send a Host header of our choosing: a raw socket does. */
  private String rawHost(String hostHeader) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      String body = initialize();
      socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: " + hostHeader + "\r\nAuthorization: Bearer " + ALICE
          + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
          + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String initialize() {
    return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
  }

  private static String ping(int id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}";
  }

  private CompletableFuture<ToolResult> awaitHeld(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (host.held.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(host.held).hasSizeGreaterThanOrEqualTo(count);
    return new ArrayList<>(host.held).get(count - 1);
  }
}
