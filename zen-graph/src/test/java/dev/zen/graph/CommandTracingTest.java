package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CommandTracing} over real local processes: one span per command under the caller's. */
class CommandTracingTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private final Tracer tracer = otel.getTracer("test");
  private final RemoteExecutor executor = CommandTracing.openTelemetry(otel).applyTo(RemoteExecutor.local());

  @AfterEach
  void close() {
    executor.close();
    otel.close();
  }

  private CompletableFuture<CommandResult> underCaller(Span caller, CommandSpec command) {
    try (Scope ignored = caller.makeCurrent()) {
      return executor.execute(command);
    }
  }

  private List<SpanData> commandSpans() {
    return spans.getFinishedSpanItems().stream().filter(span -> span.getName().startsWith("zen.command ")).toList();
  }

  @Test
  void a_command_is_a_span_under_the_callers_naming_the_program_but_never_its_arguments() throws Exception {
    Span caller = tracer.spanBuilder("caller").startSpan();
    CommandResult result = underCaller(caller, CommandSpec.builder("/bin/echo", "--token=s3cret").build())
        .get(30, TimeUnit.SECONDS);
    caller.end();

    assertThat(result.stdout()).contains("--token=s3cret");
    assertThat(commandSpans()).singleElement().satisfies(span -> {
      assertThat(span.getName()).isEqualTo("zen.command echo");
      assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
      assertThat(span.getAttributes().get(TracingRemoteExecutor.PROGRAM)).isEqualTo("echo");
      assertThat(span.getAttributes().get(TracingRemoteExecutor.EXECUTOR)).isEqualTo("LocalProcessExecutor");
      assertThat(span.getAttributes().get(TracingRemoteExecutor.EXIT_CODE)).isZero();
      assertThat(span.getAttributes().get(TracingRemoteExecutor.TRUNCATED)).isFalse();
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(span.getAttributes().asMap().values()).noneMatch(value -> String.valueOf(value).contains("s3cret"));
    });
    MetricData duration = metrics.collectAllMetrics().stream()
        .filter(metric -> metric.getName().equals("zen.command.duration")).findFirst().orElseThrow();
    assertThat(duration.getHistogramData().getPoints()).singleElement()
        .satisfies(point -> assertThat(point.getCount()).isEqualTo(1));
  }

  @Test
  void a_failing_exit_code_marks_the_span_and_a_cancelled_command_says_cancelled() throws Exception {
    Span caller = tracer.spanBuilder("caller").startSpan();
    CommandResult failed = underCaller(caller, CommandSpec.builder("sh", "-c", "exit 3").build())
        .get(30, TimeUnit.SECONDS);
    CompletableFuture<CommandResult> sleeping = underCaller(caller,
        CommandSpec.builder("sleep", "30").timeout(Duration.ofSeconds(60)).build());
    sleeping.cancel(true);
    caller.end();

    assertThat(failed.exitCode()).isEqualTo(3);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (commandSpans().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(commandSpans()).hasSize(2).anySatisfy(span -> {
      assertThat(span.getName()).isEqualTo("zen.command sh");
      assertThat(span.getAttributes().get(TracingRemoteExecutor.EXIT_CODE)).isEqualTo(3L);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }).anySatisfy(span -> {
      assertThat(span.getName()).isEqualTo("zen.command sleep");
      assertThat(span.getAttributes().get(TracingRemoteExecutor.ERROR_TYPE)).isEqualTo("cancelled");
      assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    });
  }

  @Test
  void none_returns_the_executor_itself() {
    RemoteExecutor local = RemoteExecutor.local();
    assertThat(CommandTracing.none().applyTo(local)).isSameAs(local);
  }
}
