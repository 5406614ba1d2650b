package dev.zen.graph;

import dev.zen.internal.Futures;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointCodec;
import dev.zen.spi.CheckpointStore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** {@link CheckpointTracing}'s decorator; only loaded when opentelemetry-api is on the class path. */
final class TracingCheckpointStore implements CheckpointStore {
  private static final String SCOPE = "dev.zen.graph";
  static final AttributeKey<String> STORE = AttributeKey.stringKey("zen.checkpoint.store");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("zen.checkpoint.operation");
  static final AttributeKey<String> THREAD = AttributeKey.stringKey("zen.thread_id");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> SIZE = AttributeKey.longKey("zen.checkpoint.size");

  private final CheckpointStore delegate;
  private final @Nullable OpenTelemetry explicit;
  private final String storeName;
  private volatile @Nullable Instruments instruments;

  TracingCheckpointStore(CheckpointStore delegate, @Nullable Object openTelemetry) {
    this.delegate = delegate;
    this.explicit = (OpenTelemetry) openTelemetry;
    this.storeName = delegate.getClass().getSimpleName();
  }

  private record Instruments(OpenTelemetry owner, DoubleHistogram duration) {}

  @Override
  public CompletionStage<Void> put(Checkpoint checkpoint) {
    return recordWrite("put", checkpoint, () -> delegate.put(checkpoint));
  }

  @Override
  public CompletionStage<Boolean> putIfLeased(Checkpoint checkpoint, String holder) {
    return recordWrite("put_if_leased", checkpoint, () -> delegate.putIfLeased(checkpoint, holder));
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
    return record("latest", threadId, () -> delegate.latest(threadId));
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId) {
    return record("get", threadId, () -> delegate.get(threadId, checkpointId));
  }

  @Override
  public CompletionStage<List<Checkpoint>> history(String threadId, int limit) {
    return record("history", threadId, () -> delegate.history(threadId, limit));
  }

  @Override
  public CompletionStage<List<String>> threads() {
    return record("threads", null, delegate::threads);
  }

  @Override
  public CompletionStage<Boolean> deleteThread(String threadId) {
    return record("delete_thread", threadId, () -> delegate.deleteThread(threadId));
  }

  @Override
  public CompletionStage<Boolean> lease(String threadId, String holder, Duration ttl) {
    return record("lease", threadId, () -> delegate.lease(threadId, holder, ttl));
  }

  @Override
  public CompletionStage<Void> releaseLease(String threadId, String holder) {
    return record("release_lease", threadId, () -> delegate.releaseLease(threadId, holder));
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  /** A write: as below, and its span says how many bytes the checkpoint takes in the SPI's binary form. */
  private <T> CompletionStage<T> recordWrite(String operation, Checkpoint checkpoint, Supplier<CompletionStage<T>> call) {
    return record(operation, checkpoint.threadId(), checkpoint, call);
  }

  private <T> CompletionStage<T> record(String operation, @Nullable String threadId,
      Supplier<CompletionStage<T>> call) {
    return record(operation, threadId, null, call);
  }

  private <T> CompletionStage<T> record(String operation, @Nullable String threadId, @Nullable Checkpoint written,
      Supplier<CompletionStage<T>> call) {
    OpenTelemetry otel = explicit != null ? explicit : GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : null;
    if (otel == null) {
      return call.get();
    }
    Context parent = Context.current();
    // Only inside a trace: lease renewals and readiness probes would each start a trace of one span.
    Span span = Span.fromContext(parent).getSpanContext().isValid()
        ? otel.getTracer(SCOPE).spanBuilder("zen.checkpoint " + operation)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAttribute(STORE, storeName)
            .setAttribute(OPERATION, operation)
            .setAllAttributes(threadId == null ? Attributes.empty() : Attributes.of(THREAD, threadId))
            .startSpan()
        : null;
    if (span != null && written != null && span.isRecording()) {
      // Encoded only for a sampled span (a store may encode it again): what the write weighs is
      // what makes a slow one slow.
      try {
        span.setAttribute(SIZE, (long) CheckpointCodec.encode(written).length);
      } catch (RuntimeException e) {
        // A state the binary form cannot hold (the memory store keeps any): no size.
      }
    }
    long start = System.nanoTime();
    CompletionStage<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      end(otel, span, operation, start, e);
      throw e;
    }
    result.whenComplete((value, failure) -> end(otel, span, operation, start, failure));
    return result;
  }

  private void end(OpenTelemetry otel, @Nullable Span span, String operation, long startNanos,
      @Nullable Throwable failure) {
    AttributesBuilder attributes = Attributes.builder().put(STORE, storeName).put(OPERATION, operation);
    if (failure != null) {
      Throwable cause = Futures.unwrap(failure);
      String type = cause instanceof CancellationException ? "cancelled" : cause.getClass().getSimpleName();
      attributes.put(ERROR_TYPE, type);
      if (span != null) {
        span.setAttribute(ERROR_TYPE, type);
        span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
      }
    }
    // Metrics first: whoever sees the span ended may read them.
    instruments(otel).duration().record((System.nanoTime() - startNanos) / 1e9, attributes.build());
    if (span != null) {
      span.end();
    }
  }

  private Instruments instruments(OpenTelemetry otel) {
    Instruments current = instruments;
    if (current == null || current.owner() != otel) {
      current = new Instruments(otel, otel.getMeter(SCOPE).histogramBuilder("zen.checkpoint.operation.duration")
          .setUnit("s").setDescription("Duration of checkpoint store operations, per store and operation").build());
      instruments = current;
    }
    return current;
  }
}
