package dev.zen.graph;

import dev.zen.spi.CheckpointStore;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Spans and metrics for a {@link CheckpointStore}: a decorator that records each read and write.
 * A CLIENT span {@code zen.checkpoint <operation>} ({@code put}, {@code put_if_leased},
 * {@code latest}, {@code get}, {@code history}, {@code threads}, {@code delete_thread},
 * {@code lease}, {@code release_lease}) with {@code zen.checkpoint.store} (the store's class),
 * {@code zen.thread_id}, {@code error.type} and, for writes, {@code zen.checkpoint.size} (bytes in
 * {@link dev.zen.spi.CheckpointCodec}'s form, computed only for a sampled span), made only inside a trace (a span is current), so
 * lease renewals and readiness probes do not start traces of their own; and, for every operation,
 * the histogram {@code zen.checkpoint.operation.duration}.
 *
 * <pre>{@code
 * CheckpointStore store = CheckpointTracing.automatic().applyTo(MemoryCheckpointStore.create());
 * }</pre>
 *
 * <p>opentelemetry-api is an optional dependency: without it on the class path, {@link #applyTo}
 * returns the store itself.
 */
public final class CheckpointTracing {
  private static final CheckpointTracing NONE = new CheckpointTracing(null, false);

  private final @Nullable Object openTelemetry;
  private final boolean enabled;

  private CheckpointTracing(@Nullable Object openTelemetry, boolean enabled) {
    this.openTelemetry = openTelemetry;
    this.enabled = enabled;
  }

  /** No spans, no metrics: {@link #applyTo} returns the store itself. */
  public static CheckpointTracing none() {
    return NONE;
  }

  /**
   * OpenTelemetry's global instance, looked up at each operation (an SDK registered later is
   * used), when opentelemetry-api is on the class path; otherwise nothing.
   */
  public static CheckpointTracing automatic() {
    return GraphTracing.OtelPresence.AVAILABLE ? new CheckpointTracing(null, true) : NONE;
  }

  /** Records to the given OpenTelemetry instance. */
  public static CheckpointTracing openTelemetry(OpenTelemetry openTelemetry) {
    return new CheckpointTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"), true);
  }

  /** The store, recorded; closing the result closes {@code store}. */
  public CheckpointStore applyTo(CheckpointStore store) {
    Objects.requireNonNull(store, "store");
    return enabled ? new TracingCheckpointStore(store, openTelemetry) : store;
  }
}
