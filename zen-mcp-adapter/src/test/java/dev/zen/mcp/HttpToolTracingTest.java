package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over Streamable HTTP a tool call's span continues the client's trace from the request's
 * {@code _meta}, or from the HTTP request's {@code traceparent} header when {@code _meta} has none
 * (what an instrumented HTTP client sends).
 */
class HttpToolTracingTest {
  @RegisterExtension
  static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static final String HEADER_TRACE = "11111111111111111111111111111111";
  private static final String META_TRACE = "22222222222222222222222222222222";
  private static final String PARENT = "3333333333333333";

  private final HttpClient http = HttpClient.newHttpClient();
  private McpHttpServer server;

  @BeforeEach
  void start() {
    server = McpHttpServer.start(new ScriptedHost(), new ServerIdentity("zen", "Zen", "test"),
        HttpOptions.builder().stateless(true).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void the_traceparent_header_is_the_parent_when_meta_has_none_and_meta_wins_when_both_do() throws Exception {
    call("{}", HEADER_TRACE, 1);
    call("{\"traceparent\": \"00-" + META_TRACE + "-" + PARENT + "-01\"}", HEADER_TRACE, 2);

    List<SpanData> spans = awaitToolSpans(2);
    assertThat(spans).extracting(SpanData::getTraceId).containsExactlyInAnyOrder(HEADER_TRACE, META_TRACE);
    assertThat(spans).allMatch(span -> span.getParentSpanId().equals(PARENT));
  }

  private void call(String meta, String headerTrace, int id) throws Exception {
    String body = "{\"jsonrpc\": \"2.0\", \"id\": " + id + ", \"method\": \"tools/call\", \"params\": {\"name\": \"echo\", "
        + "\"arguments\": {\"text\": \"hi\"}, \"_meta\": " + meta + "}}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .header("MCP-Protocol-Version", "2025-11-25")
        .header("traceparent", "00-" + headerTrace + "-" + PARENT + "-01")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("echo: hi");
  }

  private static List<SpanData> awaitToolSpans(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<SpanData> spans;
    do {
      spans = OTEL.getSpans().stream().filter(span -> span.getName().equals("tools/call echo")).toList();
      if (spans.size() >= count) {
        return spans;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return spans;
  }
}
