package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();

  @AfterEach
  void close() {
    provider.close();
  }

  private SpanData span(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
  }

  @Test
  void run_and_node_spans_are_parented_across_every_async_hop() throws Exception {
    Tracer userTracer = otel.getTracer("user");
    AgentGraph graph = AgentGraph.builder("traced")
        .node("fetch", (state, ctx) ->
            // Hop 1: a timer thread completes the "I/O"; hop 2: the continuation runs on the node's executor.
            CompletableFuture.supplyAsync(() -> "payload", CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
                .thenApplyAsync(payload -> {
                  Span child = userTracer.spanBuilder("user.work").startSpan();
                  child.end();
                  return Map.of("got", payload);
                }, ctx.executor()))
        .node("b", (state, ctx) -> CompletableFuture.completedFuture(Map.of("b", true)))
        .node("c", (state, ctx) -> CompletableFuture.completedFuture(Map.of("c", true)))
        .node("join", (state, ctx) -> CompletableFuture.completedFuture(Map.of()))
        .edge(AgentGraph.START, "fetch").edge("fetch", "b").edge("fetch", "c")
        .edge("b", "join").edge("c", "join").edge("join", AgentGraph.END)
        .build();
    CompiledAgentGraph compiled = graph.compile(GraphOptions.builder().tracing(GraphTracing.openTelemetry(otel)).build());

    Span caller = userTracer.spanBuilder("caller").startSpan();
    try (var ignored = Context.current().with(caller).makeCurrent()) {
      compiled.invoke(Map.of(), "t-trace").get(10, TimeUnit.SECONDS);
    }
    caller.end();

    SpanData run = span("zen.run traced");
    assertThat(run.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    for (String node : List.of("fetch", "b", "c", "join")) {
      SpanData nodeSpan = span("zen.node " + node);
      assertThat(nodeSpan.getParentSpanId()).as("parent of node %s", node).isEqualTo(run.getSpanId());
      assertThat(nodeSpan.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    }
    assertThat(span("user.work").getParentSpanId()).isEqualTo(span("zen.node fetch").getSpanId());
  }

  @Test
  void a_failing_node_marks_its_span_and_the_run_span_as_errors() {
    AgentGraph graph = AgentGraph.builder("err")
        .node("boom", (state, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("nope")))
        .edge(AgentGraph.START, "boom").edge("boom", AgentGraph.END).build();

    assertThat(graph.compile(GraphOptions.builder().tracing(GraphTracing.openTelemetry(otel)).build())
        .invoke(Map.of(), "t")).failsWithin(java.time.Duration.ofSeconds(10));

    assertThat(span("zen.node boom").getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(span("zen.run err").getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
  }

  @Test
  void the_run_span_has_ended_when_the_callers_callbacks_on_the_result_run() throws Exception {
    AgentGraph ok = AgentGraph.builder("ends")
        .node("a", (state, ctx) -> CompletableFuture.supplyAsync(() -> Map.of("a", true),
            CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)))
        .edge(AgentGraph.START, "a").edge("a", AgentGraph.END).build();
    AgentGraph failing = AgentGraph.builder("fails")
        .node("boom", (state, ctx) -> CompletableFuture.supplyAsync(() -> {
          throw new IllegalStateException("nope");
        }, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)))
        .edge(AgentGraph.START, "boom").edge("boom", AgentGraph.END).build();
    for (AgentGraph graph : List.of(ok, failing)) {
      String name = "zen.run " + graph.name();
      // What a caller chains on the result (an MCP answer, its parent span's end) must find the run's
      // span ended: a child outliving its parent span is drawn wrong by every trace viewer.
      CompletableFuture<Boolean> endedWhenSeen = graph.compile(GraphOptions.builder()
              .tracing(GraphTracing.openTelemetry(otel)).build())
          .invoke(Map.of(), "t-" + graph.name())
          .handle((result, error) -> exporter.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals(name)));
      assertThat(endedWhenSeen.get(10, TimeUnit.SECONDS)).as(name).isTrue();
    }
  }
}
