package dev.zen.mcp.server;

import dev.zen.mcp.RawClient;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged jar over raw pipes, for what an SDK client never sends: garbage lines, broken
 * messages and {@code notifications/cancelled}. Every line the server writes must be JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZenMcpServerPipesIT {
  private static final String HANGING_MODEL = "hanging-model";

  private FakeOpenAiServer fake;
  private Process server;
  private RawClient client;
  private Path stderr;

  @BeforeAll
  void start() throws IOException {
    fake = FakeOpenAiServer.builder()
        .models("gpt-5", "gpt-5-mini", HANGING_MODEL)
        .latency(Duration.ofMillis(100))
        .latency(HANGING_MODEL, Duration.ofMinutes(5))
        .start();
    stderr = Files.createTempFile("zen-pipes-it", ".stderr");
    server = ServerJar.start(List.of(), List.of(), Map.of(ServerConfig.CUSTOM_API_URL, fake.baseUrl()), stderr);
    client = new RawClient(server.getOutputStream(), server.getInputStream());
    assertThat(client.initialize("2025-11-25").at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      client.close();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server exits when stdin closes").isTrue();
      assertThat(server.exitValue()).isZero();
      assertThat(client.notJson()).as("stdout carries only JSON-RPC").isEmpty();
    } finally {
      server.destroyForcibly();
      fake.close();
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void garbage_lines_get_error_answers_and_a_ping_afterwards_is_still_answered() {
    int before = client.idlessErrors().size();
    List<String> garbage = List.of("hello", "{", "}", "\u0000\u0001\u0002", "{\"jsonrpc\":\"2.0\",\"method\":",
        "[]", "\"just a string\"", "{\"jsonrpc\":\"1.0\",\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
        "\uD83D\uDE00 not json either", "{\"foo\":\"bar\"}");
    garbage.forEach(client::sendLine);
    client.awaitIdlessErrors(before + garbage.size());
    assertThat(client.idlessErrors().subList(before, before + garbage.size()))
        .extracting(error -> error.at("/error/code").asInt())
        .containsOnly(-32700, -32600);
    JsonNode pong = client.request("ping", null);
    assertThat(pong.get("result").isObject()).isTrue();
    JsonNode tools = client.request("tools/list", null);
    assertThat(tools.at("/result/tools").size()).isEqualTo(18);
  }

  @Test
  void cancelling_a_call_aborts_its_model_request_and_sends_no_answer() throws InterruptedException {
    fake.clearRecords();
    long id = client.sendCall("chat", Map.of("prompt", "Think about this for a long time.", "model", HANGING_MODEL), "c1");
    awaitChatRequest(HANGING_MODEL);
    client.cancel(id);
    assertThat(fake.awaitAborts(1, Duration.ofSeconds(20))).as("the fake saw the HTTP request aborted").isTrue();
    assertThat(fake.aborts().get(0).request().model()).isEqualTo(HANGING_MODEL);
    assertThat(client.request("ping", null).has("result")).isTrue();
    assertThat(client.hasResponse(id)).isFalse();
  }

  @Test
  void an_unknown_tool_gets_invalid_params_naming_it() {
    JsonNode answer = client.callTool("thinkdeeper", Map.of("prompt", "x"), null);
    assertThat(answer.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(answer.at("/error/message").asText()).contains("'thinkdeeper'");
  }

  /** Waits until the model request is at the fake (not just the gateway's model listing). */
  private void awaitChatRequest(String model) {
    long deadline = System.nanoTime() + RawClient.TIMEOUT.toNanos();
    while (fake.chatRequests().stream().noneMatch(request -> model.equals(request.model()))
        && System.nanoTime() < deadline) {
      RawClient.await(CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)),
          "a pause");
    }
    assertThat(fake.chatRequests()).extracting(FakeOpenAiServer.RecordedRequest::model).contains(model);
    assertThat(fake.activeRequests()).as("model requests in progress").isPositive();
  }
}
