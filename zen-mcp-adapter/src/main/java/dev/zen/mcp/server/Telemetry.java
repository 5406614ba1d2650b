package dev.zen.mcp.server;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether the server exports traces and metrics, decided by OpenTelemetry's standard variables.
 *
 * <p>Export is on when any of {@link #TRIGGERS} is set (and {@code OTEL_SDK_DISABLED} is not
 * {@code true}): then {@link OtelSdk} builds the SDK through its autoconfiguration, which reads every
 * other {@code OTEL_*} variable ({@code OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_TRACES_SAMPLER},
 * {@code OTEL_RESOURCE_ATTRIBUTES}...), and registers it as OpenTelemetry's global instance, which
 * the tool, run, node, model and checkpoint spans look up. Only variables that name where data
 * goes switch export on: {@code OTEL_SERVICE_NAME} or a sampler alone configure an export that
 * nobody asked for, so they do not.
 *
 * <p>Off, this class is all that runs: it names no SDK type, so no SDK class is loaded and no
 * exporter thread started (ZenMcpServerTelemetryIT checks the class loading of the real jar).
 */
final class Telemetry {
  /** The variables that switch export on. */
  static final Set<String> TRIGGERS = Set.of("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
      "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER");

  private Telemetry() {}

  /** True when {@code otel} (the OTEL_* variables) asks for export. */
  static boolean enabled(Map<String, String> otel) {
    if ("true".equals(otel.getOrDefault("OTEL_SDK_DISABLED", "").toLowerCase(Locale.ROOT))) {
      return false;
    }
    return TRIGGERS.stream().anyMatch(otel::containsKey);
  }

  /**
   * Starts exporting when the variables ask for it; the returned handle flushes and stops the
   * export on close (a no-op when off).
   */
  static AutoCloseable start(Map<String, String> otel, String version) {
    if (!enabled(otel)) {
      return () -> {};
    }
    return OtelSdk.start(otel, version);
  }
}
