package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.ServiceUnavailableException;
import dev.zen.agent.ZenAgent;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.gateway.GatewayResilience;
import dev.zen.gateway.GatewayTracing;
import dev.zen.graph.CheckpointTracing;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import dev.zen.spi.ModelInfo;
import dev.zen.testkit.ScriptedModelGateway;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The span tree of tool calls as the SDK's in-memory exporter sees it, through the real adapter over
 * pipes, the real agent, its graph runtime, the gateway's resilience and tracing and a traced
 * checkpoint store: tool span, then the run, its nodes and one GenAI span per model attempt.
 */
class ToolTracingTest {
  @RegisterExtension
  static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";

  /** Fails the first attempt of each call to "flaky" with a retriable error. */
  private final AtomicInteger flakyAttempts = new AtomicInteger();
  private final ScriptedModelGateway scripted = ScriptedModelGateway.builder()
      .latency("gpt-5-mini", Duration.ofMillis(200))
      .latency("gemini-2.5-flash", Duration.ofMillis(200))
      .latency("o3", Duration.ofSeconds(30))
      .defaultReply(request -> "an answer")
      .build();
  private ZenAgent agent;
  private CheckpointStore store;
  private StdioSession session;
  private RawClient client;

  @BeforeEach
  void start() throws IOException {
    ModelGateway flaky = new ModelGateway() {
      @Override
      public CompletableFuture<ChatReply> complete(ChatRequest request) {
        if (request.model().equals("gpt-5-nano") && flakyAttempts.getAndIncrement() == 0) {
          return CompletableFuture.failedFuture(new ServiceUnavailableException("503 from the test", null));
        }
        return scripted.complete(request);
      }

      @Override
      public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
        if (request.model().equals("gpt-5-nano") && flakyAttempts.getAndIncrement() == 0) {
          return CompletableFuture.failedFuture(new ServiceUnavailableException("503 from the test", null));
        }
        return scripted.stream(request, onChunk);
      }

      @Override
      public CompletableFuture<List<ModelInfo>> models() {
        return scripted.models();
      }
    };
    ModelGateway gateway = GatewayResilience.builder().maxRetries(2).backoff(Duration.ofMillis(10), Duration.ofMillis(10))
        .build()
        .applyTo(ModelGateways.intercepted(flaky, List.of(GatewayTracing.automatic().interceptor())));
    store = CheckpointTracing.automatic().applyTo(MemoryCheckpointStore.create());
    agent = ZenAgent.builder().gateway(gateway).checkpointStore(store).build();
    McpAdapter adapter = McpAdapter.builder().serverInfo("tests", "1").agent(agent).build();
    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    session = adapter.serveStdio(Channels.newInputStream(toServer.source()), Channels.newOutputStream(fromServer.sink()));
    client = new RawClient(Channels.newOutputStream(toServer.sink()), Channels.newInputStream(fromServer.source()));
    client.initialize("2025-11-25");
    OTEL.clearSpans();
  }

  @AfterEach
  void stop() {
    client.close();
    session.close();
    agent.close();
    store.close();
  }

  @Test
  void a_chat_call_is_a_tool_span_over_the_run_its_nodes_and_one_model_span_under_the_clients_trace() {
    JsonNode answer = call("chat", Map.of("prompt", "Is a monolith fine?", "model", "gpt-5-mini"), true);
    assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();

    List<SpanData> spans = awaitSpans(1, "tools/call chat");
    SpanData tool = one(spans, "tools/call chat");
    assertThat(tool.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(tool.getTraceId()).as("the client's traceparent continues").isEqualTo(TRACE_ID);
    assertThat(tool.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("tools/call");
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("chat");
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("jsonrpc.request.id"))).isEqualTo(String.valueOf(lastId));

    SpanData run = childrenOf(spans, tool).stream().filter(s -> s.getName().startsWith("zen.run ")).findFirst()
        .orElseThrow(() -> new AssertionError("no run under the tool span:\n" + tree(spans)));
    List<SpanData> nodes = childrenOf(spans, run).stream().filter(s -> s.getName().startsWith("zen.node ")).toList();
    assertThat(nodes).as(tree(spans)).isNotEmpty();
    List<SpanData> models = spans.stream().filter(s -> s.getName().startsWith("chat ")).toList();
    assertThat(models).as(tree(spans)).hasSize(1);
    assertThat(nodes).as("the model span's parent is a node of the run\n" + tree(spans))
        .extracting(SpanData::getSpanId).contains(models.get(0).getParentSpanId());
    assertThat(spans).as("every span is in the client's trace\n" + tree(spans))
        .allMatch(span -> span.getTraceId().equals(TRACE_ID));
    assertThat(spans).as("checkpoint writes are spans of the call\n" + tree(spans))
        .anyMatch(span -> span.getName().startsWith("zen.checkpoint "))
        .anyMatch(span -> span.getName().equals("zen.checkpoint put")
            && span.getAttributes().get(AttributeKey.longKey("zen.checkpoint.size")) > 100);

    assertThat(metric("mcp.server.operation.duration")).as(OTEL.getMetrics().stream().map(MetricData::getName).toList().toString()).isNotNull();
    assertThat(metric("zen.mcp.tool.calls.active")).isNotNull();
    assertThat(metric("zen.checkpoint.operation.duration")).isNotNull();
  }

  @Test
  void conversations_with_a_call_in_the_last_minutes_are_counted_once_each() {
    long before = conversationsActive();

    JsonNode first = call("chat", Map.of("prompt", "one", "model", "gpt-5-mini"), false);
    String id = first.path("result").path("structuredContent").path("continuation_id").asText();
    assertThat(id).as(first.toString()).isNotBlank();
    call("chat", Map.of("prompt", "two", "model", "gpt-5-mini"), false);
    JsonNode continued = call("chat", Map.of("prompt", "one more", "model", "gpt-5-mini", "continuation_id", id), false);
    assertThat(continued.path("result").path("isError").asBoolean()).as(continued.toString()).isFalse();

    assertThat(conversationsActive()).as("two conversations, one of them continued").isEqualTo(before + 2);
  }

  private static long conversationsActive() {
    MetricData active = metric("zen.conversations.active");
    return active == null ? 0 : active.getLongSumData().getPoints().stream().mapToLong(point -> point.getValue()).sum();
  }

  @Test
  void a_consensus_calls_models_in_parallel_whose_spans_are_siblings() {
    JsonNode answer = call("consensus", Map.of("prompt", "Adopt gRPC?", "models", List.of(
        Map.of("model", "gpt-5-mini", "stance", "for"), Map.of("model", "gemini-2.5-flash", "stance", "against"))),
        false);
    assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();

    List<SpanData> spans = awaitSpans(1, "tools/call consensus");
    SpanData tool = one(spans, "tools/call consensus");
    assertThat(spans).allMatch(span -> span.getTraceId().equals(tool.getTraceId()));
    List<SpanData> models = spans.stream().filter(s -> s.getName().startsWith("chat ")).toList();
    assertThat(models).as(tree(spans)).extracting(SpanData::getName)
        .contains("chat gpt-5-mini", "chat gemini-2.5-flash");
    SpanData first = models.stream().filter(s -> s.getName().equals("chat gpt-5-mini")).findFirst().orElseThrow();
    SpanData second = models.stream().filter(s -> s.getName().equals("chat gemini-2.5-flash")).findFirst().orElseThrow();
    assertThat(first.getParentSpanId()).as("siblings\n" + tree(spans)).isEqualTo(second.getParentSpanId());
    assertThat(first.getStartEpochNanos()).as("in parallel").isLessThan(second.getEndEpochNanos());
    assertThat(second.getStartEpochNanos()).as("in parallel").isLessThan(first.getEndEpochNanos());
    assertThat(ancestors(spans, first)).as(tree(spans)).anyMatch(span -> span.getName().startsWith("zen.run "))
        .anyMatch(span -> span.getName().equals("tools/call consensus"));
  }

  @Test
  void a_workflow_tools_expert_model_call_stays_in_the_calls_trace() {
    Map<String, Object> step = new java.util.HashMap<>(Map.of("step", "Monolith or services?", "step_number", 1,
        "total_steps", 1, "next_step_required", false, "findings", "coupling", "model", "gpt-5-mini"));
    step.put("issues_found", List.of(Map.of("severity", "low", "description", "coupling")));
    JsonNode answer = call("thinkdeep", step, true);
    assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();

    List<SpanData> spans = awaitSpans(1, "tools/call thinkdeep");
    List<SpanData> models = spans.stream().filter(s -> s.getName().startsWith("chat ")).toList();
    assertThat(models).as("the expert was asked\n" + tree(spans)).isNotEmpty();
    assertThat(spans).as("files load asynchronously before the expert's call, which still belongs to the call\n"
        + tree(spans)).allMatch(span -> span.getTraceId().equals(TRACE_ID));
  }

  @Test
  void a_retried_model_call_is_one_span_per_attempt_under_the_same_node() {
    JsonNode answer = call("chat", Map.of("prompt", "Retry me", "model", "gpt-5-nano"), false);
    assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();

    List<SpanData> spans = awaitSpans(1, "tools/call chat");
    List<SpanData> attempts = spans.stream().filter(s -> s.getName().equals("chat gpt-5-nano")).toList();
    assertThat(attempts).as(tree(spans)).hasSize(2);
    assertThat(attempts.get(0).getParentSpanId()).isEqualTo(attempts.get(1).getParentSpanId());
    assertThat(attempts).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("error.type")))
        .containsExactlyInAnyOrder(ServiceUnavailableException.class.getSimpleName(), null);
    assertThat(ancestors(spans, attempts.get(0))).anyMatch(span -> span.getName().equals("tools/call chat"));
  }

  @Test
  void a_cancelled_call_ends_its_tool_span_and_its_model_span_as_cancelled() throws Exception {
    long id = client.sendCall("chat", Map.of("prompt", "Think long", "model", "o3"), null);
    // The model call started (its span is open) before the client gives up.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (scripted.requests().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    client.cancel(id);

    List<SpanData> spans = awaitSpans(1, "tools/call chat");
    SpanData tool = one(spans, "tools/call chat");
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("cancelled");
    List<SpanData> models = awaitSpans(1, "chat o3");
    SpanData model = one(models, "chat o3");
    assertThat(model.getAttributes().get(AttributeKey.stringKey("error.type"))).as(tree(models)).isNotNull();
    assertThat(ancestors(models, model)).as(tree(models)).anyMatch(span -> span.getSpanId().equals(tool.getSpanId()));
  }

  private JsonNode call(String tool, Map<String, ?> arguments, boolean traceparent) {
    ObjectNode params = RawClient.JSON.createObjectNode().put("name", tool);
    params.set("arguments", RawClient.JSON.valueToTree(arguments));
    if (traceparent) {
      params.putObject("_meta").put("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
          .put("tracestate", "vendor=1");
    }
    lastId = client.sendRequest("tools/call", params);
    return client.awaitResponse(lastId);
  }

  private long lastId;

  /** The exported spans once {@code count} spans named {@code name} have ended (spans end after the answer is sent). */
  private static List<SpanData> awaitSpans(int count, String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<SpanData> spans = OTEL.getSpans();
      if (spans.stream().filter(s -> s.getName().equals(name)).count() >= count || System.nanoTime() > deadline) {
        return spans;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return spans;
      }
    }
  }

  private static SpanData one(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as(tree(spans)).hasSize(1);
    return named.get(0);
  }

  private static List<SpanData> childrenOf(List<SpanData> spans, SpanData parent) {
    return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
  }

  private static List<SpanData> ancestors(List<SpanData> spans, SpanData span) {
    Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
    List<SpanData> ancestors = new java.util.ArrayList<>();
    SpanData current = byId.get(span.getParentSpanId());
    while (current != null) {
      ancestors.add(current);
      current = byId.get(current.getParentSpanId());
    }
    return ancestors;
  }

  private static MetricData metric(String name) {
    return OTEL.getMetrics().stream().filter(m -> m.getName().equals(name)).findFirst().orElse(null);
  }

  /** The spans as an indented tree, for failure messages. */
  static String tree(List<SpanData> spans) {
    StringBuilder text = new StringBuilder();
    java.util.Set<String> ids = spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    spans.stream().filter(s -> !ids.contains(s.getParentSpanId())).forEach(root -> append(text, spans, root, 0));
    return text.toString();
  }

  private static void append(StringBuilder text, List<SpanData> spans, SpanData span, int depth) {
    text.append("  ".repeat(depth)).append(span.getName()).append(' ').append(span.getAttributes()).append('\n');
    childrenOf(spans, span).stream().sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(child -> append(text, spans, child, depth + 1));
  }
}
