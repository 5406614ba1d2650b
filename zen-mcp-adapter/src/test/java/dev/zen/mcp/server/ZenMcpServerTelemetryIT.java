package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.mcp.RawClient;
import dev.zen.mcp.server.OtlpReceiver.ReceivedSpan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server jar exporting to a real OTLP/HTTP receiver on loopback: a chat and a consensus
 * call over stdio each arrive as one trace (tool span, run, nodes, one GenAI span per model),
 * under the traceparent the client sent in {@code _meta}; and without OTEL_* variables not one SDK
 * class is loaded.
 */
class ZenMcpServerTelemetryIT {
  private static final String CHAT_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String CONSENSUS_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "b7ad6b7169203331";

  @TempDir
  Path dir;

  @Test
  void a_chat_and_a_consensus_arrive_at_the_collector_as_one_trace_each_under_the_clients_traceparent()
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Path err = dir.resolve("stderr.txt");
      Process process = ServerJar.start(List.of(), List.of("--demo"), Map.of(
          ServerConfig.ZEN_DEMO_LATENCY_MS, "100",
          "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
          // Nothing is exported before the end: what arrives was flushed when stdin closed.
          "OTEL_BSP_SCHEDULE_DELAY", "600000",
          "OTEL_METRIC_EXPORT_INTERVAL", "500"), err);
      try {
        RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
        client.initialize("2025-11-25");
        JsonNode chat = call(client, "chat", Map.of("prompt", "Is a monolith fine?", "model", "gpt-5-mini"), CHAT_TRACE);
        assertThat(chat.at("/result/isError").asBoolean()).as(chat.toString()).isFalse();
        JsonNode consensus = call(client, "consensus", Map.of("prompt", "Adopt gRPC?", "models", List.of(
            Map.of("model", "gpt-5-mini", "stance", "for"), Map.of("model", "gemini-2.5-flash", "stance", "against"))),
            CONSENSUS_TRACE);
        assertThat(consensus.at("/result/isError").asBoolean()).as(consensus.toString()).isFalse();
        // Closing stdin ends the server, which flushes what it has not exported yet.
        client.close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
      } finally {
        process.destroyForcibly();
      }
      String stderr = Files.readString(err);
      List<ReceivedSpan> spans = receiver.spans();
      assertThat(receiver.contentTypes()).as("OTLP/HTTP in protobuf").allMatch(type -> type.equals("application/x-protobuf"));
      assertThat(spans).as(stderr).isNotEmpty();
      assertThat(spans).as("the default service name").allMatch(span -> span.serviceName().equals("zen-mcp-server"));

      List<ReceivedSpan> chatTrace = trace(spans, CHAT_TRACE);
      ReceivedSpan chatTool = named(chatTrace, "tools/call chat");
      assertThat(chatTool.parentSpanId()).as("the client's span is the parent").isEqualTo(CLIENT_SPAN);
      assertThat(chatTool.attributes()).containsEntry("mcp.method.name", "tools/call")
          .containsEntry("gen_ai.tool.name", "chat");
      ReceivedSpan chatRun = child(chatTrace, chatTool, "zen.run ");
      List<String> chatNodes = children(chatTrace, chatRun, "zen.node ").stream().map(ReceivedSpan::name).toList();
      assertThat(chatNodes).as(tree(chatTrace)).contains("zen.node chat");
      ReceivedSpan chatModel = named(chatTrace, "chat gpt-5-mini");
      assertThat(parentOf(chatTrace, chatModel).name()).isEqualTo("zen.node chat");
      assertThat(chatModel.attributes()).containsEntry("gen_ai.request.model", "gpt-5-mini")
          .containsKey("gen_ai.usage.input_tokens")
          .as("prompts stay off spans unless asked for").doesNotContainKey("gen_ai.input.messages");

      List<ReceivedSpan> consensusTrace = trace(spans, CONSENSUS_TRACE);
      ReceivedSpan consensusTool = named(consensusTrace, "tools/call consensus");
      assertThat(consensusTool.parentSpanId()).isEqualTo(CLIENT_SPAN);
      ReceivedSpan consensusRun = child(consensusTrace, consensusTool, "zen.run ");
      ReceivedSpan node = named(consensusTrace, "zen.node consensus");
      assertThat(node.parentSpanId()).isEqualTo(consensusRun.spanId());
      List<String> models = children(consensusTrace, node, "chat ").stream().map(ReceivedSpan::name).toList();
      assertThat(models).as("parallel model calls are siblings under the node\n" + tree(consensusTrace))
          .contains("chat gpt-5-mini", "chat gemini-2.5-flash");

      assertThat(spans).as("no span of either call is left outside its trace\n" + tree(spans))
          .allMatch(span -> span.traceId().equals(CHAT_TRACE) || span.traceId().equals(CONSENSUS_TRACE));
      assertThat(receiver.metricNames()).contains("mcp.server.operation.duration", "gen_ai.client.operation.duration",
          "gen_ai.client.token.usage", "zen.checkpoint.operation.duration", "zen.mcp.tool.calls.active",
          "zen.gen_ai.client.active", "zen.gen_ai.client.waiting", "zen.conversations.active");
    }
  }

  @Test
  void sigterm_flushes_the_spans_of_the_last_call_before_the_server_exits() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Path err = dir.resolve("sigterm-stderr.txt");
      Process process = ServerJar.start(List.of(), List.of("--demo"), Map.of(
          ServerConfig.ZEN_DEMO_LATENCY_MS, "50",
          "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
          "OTEL_BSP_SCHEDULE_DELAY", "600000",
          ServerConfig.OTEL_CAPTURE_CONTENT, "true"), err);
      try {
        RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
        client.initialize("2025-11-25");
        JsonNode chat = call(client, "chat", Map.of("prompt", "Hello", "model", "gpt-5-mini"), CHAT_TRACE);
        assertThat(chat.at("/result/isError").asBoolean()).isFalse();
        assertThat(receiver.spans()).as("nothing exported yet").isEmpty();
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
      } finally {
        process.destroyForcibly();
      }
      assertThat(receiver.spans()).as(Files.readString(err)).extracting(ReceivedSpan::name)
          .contains("tools/call chat", "chat gpt-5-mini");
      assertThat(named(receiver.spans(), "chat gpt-5-mini").attributes().get("gen_ai.input.messages"))
          .as("asked for with " + ServerConfig.OTEL_CAPTURE_CONTENT).contains("Hello");
    }
  }

  @Test
  void without_otel_variables_no_sdk_class_is_loaded() throws Exception {
    Path err = dir.resolve("classes-stderr.txt");
    Path classes = dir.resolve("classes.txt");
    Process process = ServerJar.start(List.of("-Xlog:class+load=info:file=" + classes), List.of("--demo"),
        Map.of(ServerConfig.ZEN_DEMO_LATENCY_MS, "50"), err);
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      client.initialize("2025-11-25");
      JsonNode chat = client.callTool("chat", Map.of("prompt", "Hello"), null);
      assertThat(chat.at("/result/isError").asBoolean()).isFalse();
      client.close();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).as("the log lists the classes loaded").anyMatch(line -> line.contains("dev.zen.mcp.server.ZenMcpServer "));
    assertThat(loaded).as("no OpenTelemetry SDK, autoconfiguration or exporter class")
        .noneMatch(line -> line.contains(" io.opentelemetry.sdk.") || line.contains(" io.opentelemetry.exporter."))
        .noneMatch(line -> line.contains("dev.zen.mcp.server.OtelSdk "));
  }

  private static JsonNode call(RawClient client, String tool, Map<String, ?> arguments, String traceId) {
    ObjectNode params = RawClient.JSON.createObjectNode().put("name", tool);
    params.set("arguments", RawClient.JSON.valueToTree(arguments));
    params.putObject("_meta").put("traceparent", "00-" + traceId + "-" + CLIENT_SPAN + "-01");
    return client.awaitResponse(client.sendRequest("tools/call", params));
  }

  private static List<ReceivedSpan> trace(List<ReceivedSpan> spans, String traceId) {
    return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  private static ReceivedSpan named(List<ReceivedSpan> spans, String name) {
    List<ReceivedSpan> named = spans.stream().filter(span -> span.name().equals(name)).toList();
    assertThat(named).as(name + " once in\n" + tree(spans)).hasSize(1);
    return named.get(0);
  }

  private static List<ReceivedSpan> children(List<ReceivedSpan> spans, ReceivedSpan parent, String prefix) {
    return spans.stream().filter(span -> span.parentSpanId().equals(parent.spanId()) && span.name().startsWith(prefix))
        .toList();
  }

  private static ReceivedSpan child(List<ReceivedSpan> spans, ReceivedSpan parent, String prefix) {
    List<ReceivedSpan> children = children(spans, parent, prefix);
    assertThat(children).as(prefix + " under " + parent.name() + "\n" + tree(spans)).hasSize(1);
    return children.get(0);
  }

  private static ReceivedSpan parentOf(List<ReceivedSpan> spans, ReceivedSpan span) {
    return spans.stream().filter(candidate -> candidate.spanId().equals(span.parentSpanId())).findFirst()
        .orElseThrow(() -> new AssertionError("no parent of " + span.name() + "\n" + tree(spans)));
  }

  private static String tree(List<ReceivedSpan> spans) {
    Map<String, List<ReceivedSpan>> byParent = spans.stream().collect(Collectors.groupingBy(ReceivedSpan::parentSpanId));
    List<String> ids = spans.stream().map(ReceivedSpan::spanId).toList();
    StringBuilder text = new StringBuilder();
    List<ReceivedSpan> roots = new ArrayList<>(spans.stream().filter(span -> !ids.contains(span.parentSpanId())).toList());
    roots.forEach(root -> append(text, byParent, root, 0));
    return text.toString();
  }

  private static void append(StringBuilder text, Map<String, List<ReceivedSpan>> byParent, ReceivedSpan span, int depth) {
    text.append("  ".repeat(depth)).append(span.name()).append(" [").append(span.traceId(), 0, 8).append("]\n");
    byParent.getOrDefault(span.spanId(), List.of()).forEach(child -> append(text, byParent, child, depth + 1));
  }
}
