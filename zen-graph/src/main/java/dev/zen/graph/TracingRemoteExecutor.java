package dev.zen.graph;

import dev.zen.internal.Futures;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.OutputListener;
import dev.zen.spi.RemoteExecutor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** {@link CommandTracing}'s decorator; only loaded when opentelemetry-api is on the class path. */
final class TracingRemoteExecutor implements RemoteExecutor {
  private static final String SCOPE = "dev.zen.graph";
  static final AttributeKey<String> PROGRAM = AttributeKey.stringKey("process.executable.name");
  static final AttributeKey<String> EXECUTOR = AttributeKey.stringKey("zen.executor");
  static final AttributeKey<Long> EXIT_CODE = AttributeKey.longKey("process.exit.code");
  static final AttributeKey<Boolean> TRUNCATED = AttributeKey.booleanKey("zen.command.truncated");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final RemoteExecutor delegate;
  private final @Nullable OpenTelemetry explicit;
  private final String executorName;
  private volatile @Nullable Instruments instruments;

  TracingRemoteExecutor(RemoteExecutor delegate, @Nullable Object openTelemetry) {
    this.delegate = delegate;
    this.explicit = (OpenTelemetry) openTelemetry;
    String named = delegate.toString();
    // An executor without a toString of its own is named by its class, not by its identity hash.
    this.executorName = named.startsWith(delegate.getClass().getName() + "@") ? delegate.getClass().getSimpleName()
        : named;
  }

  private record Instruments(OpenTelemetry owner, DoubleHistogram duration) {}

  @Override
  public CompletableFuture<CommandResult> execute(CommandSpec command, OutputListener listener) {
    OpenTelemetry otel = explicit != null ? explicit : GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : null;
    if (otel == null) {
      return delegate.execute(command, listener);
    }
    String program = program(command);
    Span span = otel.getTracer(SCOPE).spanBuilder("zen.command " + program)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(Context.current())
        .setAttribute(PROGRAM, program)
        .setAttribute(EXECUTOR, executorName)
        .startSpan();
    long start = System.nanoTime();
    CompletableFuture<CommandResult> result;
    try (Scope ignored = span.makeCurrent()) {
      result = delegate.execute(command, listener);
    } catch (RuntimeException e) {
      end(otel, span, program, start, null, e);
      throw e;
    }
    // The caller sees the command end after its span has (whoever reads the trace on completion
    // finds it); the span ends on the command's own completion, so a cancelled caller ends it too.
    CompletableFuture<CommandResult> seen = new CompletableFuture<>();
    result.whenComplete((done, failure) -> {
      end(otel, span, program, start, done, failure);
      if (failure != null) {
        seen.completeExceptionally(failure);
      } else {
        seen.complete(done);
      }
    });
    return Futures.cancelling(seen, result);
  }

  private void end(OpenTelemetry otel, Span span, String program, long startNanos, @Nullable CommandResult done,
      @Nullable Throwable failure) {
    var attributes = Attributes.builder().put(PROGRAM, program);
    if (failure != null) {
      Throwable cause = Futures.unwrap(failure);
      String type = cause instanceof CancellationException ? "cancelled" : cause.getClass().getSimpleName();
      attributes.put(ERROR_TYPE, type);
      span.setAttribute(ERROR_TYPE, type);
      span.setStatus(StatusCode.ERROR, cause instanceof CancellationException ? "cancelled" : String.valueOf(cause.getMessage()));
    } else if (done != null) {
      span.setAttribute(EXIT_CODE, (long) done.exitCode());
      span.setAttribute(TRUNCATED, done.stdoutTruncated() || done.stderrTruncated());
      attributes.put(EXIT_CODE, (long) done.exitCode());
      if (!done.succeeded()) {
        // A non-zero exit is an answer, not a failure of the executor; the span says which anyway.
        span.setStatus(StatusCode.ERROR, "exit code " + done.exitCode());
      }
    }
    instruments(otel).duration().record((System.nanoTime() - startNanos) / 1e9, attributes.build());
    span.end();
  }

  /** The program's file name: {@code /usr/bin/git} is {@code git}; its arguments are never recorded. */
  private static String program(CommandSpec command) {
    String first = command.argv().isEmpty() ? "" : command.argv().get(0);
    try {
      Path name = Path.of(first).getFileName();
      return name == null ? first : name.toString();
    } catch (RuntimeException e) {
      return first;
    }
  }

  private Instruments instruments(OpenTelemetry otel) {
    Instruments current = instruments;
    if (current == null || current.owner() != otel) {
      current = new Instruments(otel, otel.getMeter(SCOPE).histogramBuilder("zen.command.duration").setUnit("s")
          .setDescription("Duration of commands run by an executor, per program").build());
      instruments = current;
    }
    return current;
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return executorName;
  }
}
