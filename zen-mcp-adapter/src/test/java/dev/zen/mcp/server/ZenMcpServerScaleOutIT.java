package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.mcp.RawClient;
import dev.zen.testkit.RedisServerProcess;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

/**
 * Two server processes on one real Redis behind a real nginx (the deployment doc's
 * {@code docs/deploy/nginx-zen.conf}), stateless and round robin, as the deployment doc runs
 * them: a conversation started on one instance continues on the other, a workflow's step 1 on
 * one and step 2 on the other, and the SDK client's SSE answers with progress pass through nginx.
 * Which instance answered is read from nginx's {@code X-Zen-Upstream} header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZenMcpServerScaleOutIT {
  private static final String TOKEN = "scale-out-token-0123456789";

  private final HttpClient http = HttpClient.newHttpClient();
  private RedisServerProcess redis;
  private FakeOpenAiServer fake;
  private final Process[] servers = new Process[2];
  private final Path[] logs = new Path[2];
  private NginxProcess nginx;
  private int ids;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServerProcess.builder().start();
    fake = FakeOpenAiServer.builder().models("gpt-5", "gpt-5-mini").latency(Duration.ofMillis(50)).start();
    String[] addresses = new String[2];
    for (int i = 0; i < 2; i++) {
      logs[i] = Files.createTempFile("zen-scale-" + i, ".stderr");
      servers[i] = ServerJar.start(List.of(), List.of("--http", "127.0.0.1:0", "--http-stateless"), Map.of(
          ServerConfig.CUSTOM_API_URL, fake.baseUrl(), ServerConfig.REDIS_URL, redis.uri(),
          HttpConfig.ZEN_HTTP_TOKENS, "alice:" + TOKEN), logs[i]);
    }
    for (int i = 0; i < 2; i++) {
      URI uri = ServerJar.awaitListening(servers[i], logs[i]);
      addresses[i] = uri.getHost() + ":" + uri.getPort();
    }
    nginx = NginxProcess.start(addresses[0], addresses[1]);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (nginx != null) {
        nginx.close();
      }
      for (Process server : servers) {
        if (server != null) {
          server.destroy();
          assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
      }
    } finally {
      for (int i = 0; i < 2; i++) {
        if (servers[i] != null) {
          servers[i].destroyForcibly();
        }
        Files.deleteIfExists(logs[i]);
      }
      fake.close();
      redis.close();
    }
  }

  /** One stateless tools/call through nginx: the answer, and which instance gave it. */
  private record Answer(JsonNode result, String upstream) {}

  private Answer call(String tool, Map<String, Object> arguments) throws Exception {
    Map<String, Object> params = Map.of("name", tool, "arguments", arguments);
    String body = RawClient.JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", ++ids, "method", "tools/call",
        "params", params));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(nginx.uri())
        .header("Authorization", "Bearer " + TOKEN).header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-11-25").timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body() + nginx.errorLog()).isEqualTo(200);
    JsonNode answer = null;
    for (String line : response.body().split("\n")) {
      if (line.startsWith("data: ") && line.length() > 6) {
        answer = RawClient.JSON.readTree(line.substring(6));
      }
    }
    assertThat(answer).as(response.body()).isNotNull();
    return new Answer(answer.get("result"), response.headers().firstValue("X-Zen-Upstream").orElseThrow());
  }

  @Test
  void a_conversation_started_on_one_instance_continues_on_the_other() throws Exception {
    Answer first = call("chat", Map.of("prompt", "Remember the word 'kumquat'", "model", "gpt-5"));
    assertThat(first.result().path("isError").asBoolean()).isFalse();
    String thread = first.result().at("/structuredContent/continuation_id").asText();
    Answer second = call("chat", Map.of("prompt", "Which word?", "model", "gpt-5", "continuation_id", thread));
    assertThat(second.result().path("isError").asBoolean()).as(second.result().toString()).isFalse();
    assertThat(second.upstream()).as("round robin: the other instance").isNotEqualTo(first.upstream());
    assertThat(fake.chatRequests().get(fake.chatRequests().size() - 1).body()).contains("kumquat");
  }

  @Test
  void a_workflows_first_step_on_one_instance_and_its_last_on_the_other() throws Exception {
    Map<String, Object> step1 = new HashMap<>(Map.of("step", "Crash on startup", "step_number", 1, "total_steps", 2,
        "next_step_required", true, "findings", "NPE in Config.load", "hypothesis", "config file missing",
        "confidence", "low", "model", "gpt-5"));
    Answer first = call("debug", step1);
    assertThat(first.result().path("isError").asBoolean()).as(first.result().toString()).isFalse();
    String thread = first.result().at("/structuredContent/continuation_id").asText();
    Map<String, Object> step2 = new HashMap<>(Map.of("step", "Cause", "step_number", 2, "total_steps", 2,
        "next_step_required", false, "findings", "listener never removed", "hypothesis", "a leaked listener",
        "confidence", "high", "model", "gpt-5", "continuation_id", thread));
    Answer second = call("debug", step2);
    assertThat(second.upstream()).isNotEqualTo(first.upstream());
    assertThat(second.result().path("isError").asBoolean()).as(second.result().toString()).isFalse();
    assertThat(second.result().at("/structuredContent/status").asText()).isEqualTo("investigation_complete");
  }

  @Test
  void the_sdk_client_gets_progress_and_answers_through_nginx() {
    List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder("http://" + nginx.uri().getAuthority()).endpoint("/mcp")
        .jsonMapper(new JacksonMcpJsonMapper(RawClient.JSON))
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + TOKEN)).build();
    McpAsyncClient client = McpClient.async(transport).requestTimeout(Duration.ofSeconds(60))
        .progressConsumer(p -> Mono.fromRunnable(() -> progress.add(p))).build();
    try {
      client.initialize().block(Duration.ofSeconds(30));
      McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("chat")
          .arguments(Map.of("prompt", "Stream it", "model", "gpt-5")).progressToken("through-nginx").build())
          .block(Duration.ofSeconds(60));
      assertThat(result.isError()).isFalse();
      assertThat(progress).isNotEmpty();
    } finally {
      client.closeGracefully().block(Duration.ofSeconds(10));
    }
  }
}
