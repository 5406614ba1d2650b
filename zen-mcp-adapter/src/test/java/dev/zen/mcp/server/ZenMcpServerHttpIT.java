package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.mcp.RawClient;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged jar with {@code --http}: the MCP Java SDK's Streamable HTTP client and, as an
 * independent client, the official TypeScript SDK (npm, installed by {@code .ci/run} into
 * {@code src/test/node}), against one server process with two principals and the fake OpenAI
 * endpoint; then SIGTERM under load on a server of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZenMcpServerHttpIT {
  static final String ALICE = "alice-secret-token-0001";
  static final String BOB = "bob-secret-token-000002";
  private static final String HANGING_MODEL = "hanging-model";

  private FakeOpenAiServer fake;
  private Process server;
  private Path stderr;
  private URI uri;

  @BeforeAll
  void start() throws IOException {
    fake = FakeOpenAiServer.builder()
        .models("gpt-5", "gpt-5-mini", HANGING_MODEL)
        .latency(Duration.ofMillis(50))
        .latency(HANGING_MODEL, Duration.ofMinutes(5))
        .start();
    stderr = Files.createTempFile("zen-http-it", ".stderr");
    server = ServerJar.start(List.of(), List.of("--http", "127.0.0.1:0"), Map.of(ServerConfig.CUSTOM_API_URL,
        fake.baseUrl(), HttpConfig.ZEN_HTTP_TOKENS, "alice:" + ALICE + ",bob:" + BOB, ServerConfig.LOG_LEVEL, "DEBUG"),
        stderr);
    uri = ServerJar.awaitListening(server, stderr);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).as("SIGTERM drains and exits 0").isZero();
      String log = Files.readString(stderr);
      assertThat(log).as("tokens never reach the log").doesNotContain(ALICE).doesNotContain(BOB)
          .doesNotContain("wrong-token");
    } finally {
      server.destroyForcibly();
      fake.close();
      Files.deleteIfExists(stderr);
    }
  }

  static McpAsyncClient client(URI uri, String token) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder(uri.getScheme() + "://" + uri.getAuthority())
        .endpoint(uri.getPath())
        .jsonMapper(new JacksonMcpJsonMapper(RawClient.JSON))
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
        .build();
    return McpClient.async(transport).requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(30)).build();
  }

  private static McpSchema.CallToolResult chat(McpAsyncClient client, Map<String, Object> arguments) {
    return client.callTool(McpSchema.CallToolRequest.builder("chat").arguments(arguments).build())
        .block(Duration.ofSeconds(60));
  }

  @Test
  void a_conversation_continues_for_its_owner_and_is_not_found_for_anyone_else() {
    McpAsyncClient alice = client(uri, ALICE);
    McpAsyncClient bob = client(uri, BOB);
    try {
      alice.initialize().block(Duration.ofSeconds(30));
      bob.initialize().block(Duration.ofSeconds(30));
      McpSchema.CallToolResult first = chat(alice, Map.of("prompt", "Alice's plan", "model", "gpt-5"));
      assertThat(first.isError()).isFalse();
      String thread = (String) ((Map<?, ?>) first.structuredContent()).get("continuation_id");

      McpSchema.CallToolResult stolen = chat(bob, Map.of("prompt", "Show me", "model", "gpt-5",
          "continuation_id", thread));
      McpSchema.CallToolResult unknown = chat(bob, Map.of("prompt", "Show me", "model", "gpt-5",
          "continuation_id", "00000000-0000-4000-8000-000000000000"));
      assertThat(stolen.isError()).isTrue();
      assertThat(text(stolen)).isEqualTo(text(unknown).replace("00000000-0000-4000-8000-000000000000", thread));

      McpSchema.CallToolResult second = chat(alice, Map.of("prompt", "Go on", "model", "gpt-5",
          "continuation_id", thread));
      assertThat(second.isError()).isFalse();
      assertThat(fake.chatRequests().get(fake.chatRequests().size() - 1).body()).contains("Alice's plan");
    } finally {
      alice.closeGracefully().block(Duration.ofSeconds(10));
      bob.closeGracefully().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void each_user_lists_and_deletes_only_their_own_conversations() {
    McpAsyncClient alice = client(uri, ALICE);
    McpAsyncClient bob = client(uri, BOB);
    try {
      alice.initialize().block(Duration.ofSeconds(30));
      bob.initialize().block(Duration.ofSeconds(30));
      McpSchema.CallToolResult started = chat(alice, Map.of("prompt", "A plan only alice may list", "model", "gpt-5"));
      String thread = (String) ((Map<?, ?>) started.structuredContent()).get("continuation_id");

      McpSchema.CallToolResult mine = alice.callTool(McpSchema.CallToolRequest.builder("listconversations")
          .arguments(Map.of()).build()).block(Duration.ofSeconds(30));
      assertThat(text(mine)).contains(thread).contains("A plan only alice may list");
      McpSchema.CallToolResult theirs = bob.callTool(McpSchema.CallToolRequest.builder("listconversations")
          .arguments(Map.of()).build()).block(Duration.ofSeconds(30));
      assertThat(text(theirs)).doesNotContain(thread).doesNotContain("alice");

      McpSchema.CallToolResult refused = bob.callTool(McpSchema.CallToolRequest.builder("deleteconversation")
          .arguments(Map.of("continuation_id", thread)).build()).block(Duration.ofSeconds(30));
      assertThat(refused.isError()).isTrue();
      McpSchema.CallToolResult deleted = alice.callTool(McpSchema.CallToolRequest.builder("deleteconversation")
          .arguments(Map.of("continuation_id", thread)).build()).block(Duration.ofSeconds(30));
      assertThat(deleted.isError()).as(text(deleted)).isFalse();
      assertThat(chat(alice, Map.of("prompt", "go on", "model", "gpt-5", "continuation_id", thread)).isError()).isTrue();
    } finally {
      alice.closeGracefully().block(Duration.ofSeconds(10));
      bob.closeGracefully().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void the_official_typescript_sdk_initializes_calls_continues_cancels_and_is_refused_a_wrong_token()
      throws Exception {
    Path script = Path.of("src/test/node/ts-client.mjs").toAbsolutePath();
    Path sdk = script.getParent().resolve("node_modules/@modelcontextprotocol/sdk/package.json");
    assertThat(sdk).as("the TypeScript SDK is installed (.ci/run: npm ci --prefix zen-mcp-adapter/src/test/node)")
        .exists();
    fake.clearRecords();
    Process node = new ProcessBuilder("node", script.toString(), uri.toString(), ALICE, HANGING_MODEL)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    JsonNode report = RawClient.JSON.readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
    assertThat(report.has("error")).as(output).isFalse();
    assertThat(report.get("protocolVersion").asText()).isEqualTo("2025-11-25");
    assertThat(report.get("sessionId").asText()).isEqualTo("present");
    assertThat(report.get("tools").size()).isGreaterThanOrEqualTo(17);
    assertThat(report.get("firstIsError").asBoolean()).isFalse();
    assertThat(report.get("firstText").asText()).contains("Hello from TypeScript");
    assertThat(report.get("progressEvents").asInt()).isPositive();
    assertThat(report.get("continued").asBoolean()).isTrue();
    assertThat(report.get("cancelled").asBoolean()).isTrue();
    assertThat(fake.awaitAborts(1, Duration.ofSeconds(20))).as("the cancel reached the model request").isTrue();
    assertThat(report.get("wrongToken").asText()).isEqualTo("401");
  }

  @Test
  void sigterm_under_load_lets_running_calls_finish_and_answers_the_rest_with_an_error() throws Exception {
    Path err = Files.createTempFile("zen-http-drain", ".stderr");
    FakeOpenAiServer slow = FakeOpenAiServer.builder().models("gpt-5", HANGING_MODEL)
        .latency(Duration.ofMillis(1500)).latency(HANGING_MODEL, Duration.ofMinutes(5)).start();
    Process own = ServerJar.start(List.of(), List.of("--http", "127.0.0.1:0"), Map.of(ServerConfig.CUSTOM_API_URL,
        slow.baseUrl(), HttpConfig.ZEN_HTTP_DRAIN_SECONDS, "4"), err);
    McpAsyncClient client = null;
    try {
      URI ownUri = ServerJar.awaitListening(own, err);
      HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
          .builder(ownUri.getScheme() + "://" + ownUri.getAuthority()).endpoint(ownUri.getPath()).build();
      client = McpClient.async(transport).requestTimeout(Duration.ofSeconds(60)).build();
      client.initialize().block(Duration.ofSeconds(30));
      List<CompletableFuture<McpSchema.CallToolResult>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(client.callTool(McpSchema.CallToolRequest.builder("chat").arguments(Map.of("prompt", "call " + i,
            "model", "gpt-5")).build()).toFuture());
      }
      CompletableFuture<McpSchema.CallToolResult> hanging = client.callTool(McpSchema.CallToolRequest.builder("chat")
          .arguments(Map.of("prompt", "never ends", "model", HANGING_MODEL)).build()).toFuture();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (slow.activeRequests() < 9 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      own.destroy();
      Thread.sleep(300);
      HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ownUri.resolve("/readyz"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as("draining: no new traffic").isEqualTo(503);
      for (CompletableFuture<McpSchema.CallToolResult> call : calls) {
        assertThat(call.get(30, TimeUnit.SECONDS).isError()).as("a running call finishes").isFalse();
      }
      McpSchema.CallToolResult stopped = hanging.get(30, TimeUnit.SECONDS);
      assertThat(stopped.isError()).isTrue();
      assertThat(text(stopped)).contains("shutting down");
      assertThat(own.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(own.exitValue()).isZero();
    } finally {
      if (client != null) {
        client.close();
      }
      own.destroyForcibly();
      slow.close();
      Files.deleteIfExists(err);
    }
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }
}
