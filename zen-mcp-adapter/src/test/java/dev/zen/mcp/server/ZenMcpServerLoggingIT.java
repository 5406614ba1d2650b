package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.mcp.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real jar's stderr: LOG_FORMAT=json writes one JSON object per line with the trace and span
 * ids of the call, and in either format, at the most verbose level, neither the model endpoint's
 * API key nor the collector's token ever reaches the log.
 */
class ZenMcpServerLoggingIT {
  private static final String API_KEY = "sk-zen-test-SECRET-4f1a9c";
  private static final String OTEL_TOKEN = "otel-test-SECRET-77d2e0";

  @TempDir
  Path dir;

  private String run(String format) throws Exception {
    try (FakeOpenAiServer fake = FakeOpenAiServer.builder().models("gpt-5").start();
        OtlpReceiver receiver = new OtlpReceiver()) {
      Path err = dir.resolve(format + "-stderr.txt");
      Process process = ServerJar.start(List.of(), List.of(), Map.of(
          ServerConfig.CUSTOM_API_URL, fake.baseUrl(),
          ServerConfig.CUSTOM_API_KEY, API_KEY,
          ServerConfig.LOG_LEVEL, "TRACE",
          ServerConfig.LOG_FORMAT, format,
          "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
          "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer " + OTEL_TOKEN), err);
      try {
        RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
        client.initialize("2025-11-25");
        JsonNode answer = client.callTool("chat", Map.of("prompt", "Is this fine?", "model", "gpt-5"), null);
        assertThat(answer.at("/result/isError").asBoolean()).as(answer.toString()).isFalse();
        client.close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(client.notJson()).isEmpty();
      } finally {
        process.destroyForcibly();
      }
      assertThat(receiver.spans()).as("the collector got the call, so the token was sent").isNotEmpty();
      return Files.readString(err);
    }
  }

  @ParameterizedTest(name = "LOG_FORMAT={0}")
  @ValueSource(strings = {"text", "json"})
  void api_keys_and_tokens_never_reach_the_log(String format) throws Exception {
    String stderr = run(format);
    assertThat(stderr).as("TRACE logs something").isNotBlank();
    assertThat(stderr).doesNotContain(API_KEY).doesNotContain(OTEL_TOKEN)
        .doesNotContain(API_KEY.substring(0, 12)).doesNotContain(OTEL_TOKEN.substring(0, 12));
  }

  @ParameterizedTest(name = "LOG_FORMAT={0}")
  @ValueSource(strings = {"text", "json"})
  void an_http_clients_bearer_token_never_reaches_the_log_even_at_trace(String format) throws Exception {
    String token = "http-test-SECRET-9b3e11";
    Path err = dir.resolve("http-" + format + "-stderr.txt");
    Process process = ServerJar.start(List.of(), List.of("--demo", "--http", "127.0.0.1:0"), Map.of(
        HttpConfig.ZEN_HTTP_TOKENS, "alice:" + token,
        ServerConfig.LOG_LEVEL, "TRACE",
        ServerConfig.LOG_FORMAT, format), err);
    try {
      java.net.URI uri = ServerJar.awaitListening(process, err);
      java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(uri)
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json, text/event-stream")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,"
                  + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                  + "\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}"))
              .build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    String stderr = Files.readString(err);
    assertThat(stderr).as("TRACE logs the request").contains("initialize");
    assertThat(stderr).doesNotContain(token).doesNotContain(token.substring(0, 12));
    if (format.equals("json")) {
      for (String line : stderr.lines().filter(line -> !line.isBlank()).toList()) {
        assertThat(RawClient.JSON.readTree(line).isObject()).as(line).isTrue();
      }
    }
  }

  @Test
  void json_logs_are_one_object_per_line_with_the_calls_trace() throws Exception {
    String stderr = run("json");
    List<String> lines = stderr.lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    boolean traced = false;
    for (String line : lines) {
      JsonNode entry = RawClient.JSON.readTree(line);
      assertThat(entry.isObject()).as(line).isTrue();
      assertThat(entry.has("timestamp") && entry.has("level") && entry.has("logger") && entry.has("message"))
          .as(line).isTrue();
      traced |= entry.has("trace_id") && entry.has("span_id");
    }
    assertThat(traced).as("a line logged during the call carries its trace and span ids\n" + stderr).isTrue();
  }
}
