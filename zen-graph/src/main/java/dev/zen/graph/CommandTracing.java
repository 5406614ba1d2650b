package dev.zen.graph;

import dev.zen.spi.RemoteExecutor;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Spans and metrics for a {@link RemoteExecutor}: a decorator that records each command. A CLIENT
 * span {@code zen.command <program>} with {@code process.executable.name} (the program's file name;
 * never its arguments, which may carry what the caller would not log), {@code zen.executor} (the
 * executor, an SSH executor naming its host), {@code process.exit.code}, {@code zen.command.truncated}
 * and {@code error.type} ({@code cancelled}, or the failure's class); and the histogram
 * {@code zen.command.duration}. The span is a child of whatever span is current when the command
 * starts.
 *
 * <pre>{@code
 * RemoteExecutor traced = CommandTracing.automatic().applyTo(RemoteExecutor.local());
 * }</pre>
 *
 * <p>opentelemetry-api is an optional dependency: without it on the class path, {@link #applyTo}
 * returns the executor itself.
 */
public final class CommandTracing {
  private static final CommandTracing NONE = new CommandTracing(null, false);

  private final @Nullable Object openTelemetry;
  private final boolean enabled;

  private CommandTracing(@Nullable Object openTelemetry, boolean enabled) {
    this.openTelemetry = openTelemetry;
    this.enabled = enabled;
  }

  /** No spans, no metrics: {@link #applyTo} returns the executor itself. */
  public static CommandTracing none() {
    return NONE;
  }

  /**
   * OpenTelemetry's global instance, looked up at each command (an SDK registered later is used),
   * when opentelemetry-api is on the class path; otherwise nothing.
   */
  public static CommandTracing automatic() {
    return GraphTracing.OtelPresence.AVAILABLE ? new CommandTracing(null, true) : NONE;
  }

  /** Records to the given OpenTelemetry instance. */
  public static CommandTracing openTelemetry(OpenTelemetry openTelemetry) {
    return new CommandTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"), true);
  }

  /** The executor, recorded; closing the result closes {@code executor}. */
  public RemoteExecutor applyTo(RemoteExecutor executor) {
    Objects.requireNonNull(executor, "executor");
    return enabled ? new TracingRemoteExecutor(executor, openTelemetry) : executor;
  }
}
