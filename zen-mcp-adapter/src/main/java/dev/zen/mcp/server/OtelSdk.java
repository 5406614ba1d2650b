package dev.zen.mcp.server;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK, built by its autoconfiguration from the {@code OTEL_*} variables and
 * registered globally. Loaded only through {@link Telemetry#start} when export is on: it is the one
 * class of the server that names SDK types.
 */
final class OtelSdk implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtelSdk.class);
  static final String DEFAULT_SERVICE_NAME = "zen-mcp-server";
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");
  /** How long closing waits for the last spans and metrics to reach the collector. */
  private static final long FLUSH_SECONDS = 5;

  private final OpenTelemetrySdk sdk;

  private OtelSdk(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  static AutoCloseable start(Map<String, String> otel, String version) {
    Map<String, String> properties = new HashMap<>();
    // The server writes no OpenTelemetry logs (they go to stderr): without this the logs
    // exporter's default, otlp, would start a third exporter that never sends anything.
    properties.put("otel.logs.exporter", "none");
    // The specification's default; the Java SDK's is still grpc, which the JDK HttpClient sender
    // in the jar (no OkHttp, no gRPC) cannot speak.
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    // The variables the server was given, as properties, so the configuration the server read is
    // the one applied also when run() gets its environment as a map (the process environment, read
    // by the autoconfiguration too, wins where both have a value).
    otel.forEach((name, value) -> properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    OpenTelemetrySdk sdk;
    try {
      sdk = build(properties, version);
    } catch (RuntimeException e) {
      // A value the SDK refuses (an unknown exporter, grpc): stop at start-up naming it, as for
      // every other variable, rather than serve without the traces the user asked for.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigurationException("the OTEL_* variables cannot be applied: " + cause.getMessage()
          + (cause.getMessage() != null && cause.getMessage().contains("Grpc")
              ? " (this server exports OTLP over HTTP only: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)" : ""), e);
    }
    try {
      GlobalOpenTelemetry.set(sdk);
    } catch (IllegalStateException e) {
      // An agent (the OpenTelemetry Java agent) or an embedding application registered one first:
      // the server's spans go there, and this SDK is not needed.
      LOG.warn("OpenTelemetry's global instance was already set; spans and metrics go to it, not to the OTEL_* "
          + "configuration");
      sdk.close();
      return () -> {};
    }
    LOG.info("exporting traces and metrics as the OTEL_* variables say ({})", describe(otel));
    return new OtelSdk(sdk);
  }

  private static OpenTelemetrySdk build(Map<String, String> properties, String version) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> properties)
        .addResourceCustomizer((resource, config) -> {
          // The SDK's default is unknown_service:java; OTEL_SERVICE_NAME or a service.name in
          // OTEL_RESOURCE_ATTRIBUTES still win.
          String name = resource.getAttribute(SERVICE_NAME);
          Resource ours = Resource.builder()
              .put(SERVICE_VERSION, version)
              .put(SERVICE_NAME, name == null || name.startsWith("unknown_service") ? DEFAULT_SERVICE_NAME : name)
              .build();
          return resource.merge(ours);
        })
        // The server flushes and shuts down itself, after the last call's spans ended: the SDK's
        // own hook could run first and drop them.
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  /** Where data goes, without header values (they often carry a token). */
  private static String describe(Map<String, String> otel) {
    StringBuilder text = new StringBuilder();
    for (String name : new String[] {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER"}) {
      String value = otel.get(name);
      if (value != null) {
        text.append(text.length() == 0 ? "" : ", ").append(name).append('=').append(withoutUserInfo(value));
      }
    }
    return text.toString();
  }

  private static String withoutUserInfo(String url) {
    int scheme = url.indexOf("://");
    int at = url.indexOf('@');
    return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
  }

  /** Sends what is buffered, then stops the exporters (bounded: a collector that is down does not hold the exit). */
  @Override
  public void close() {
    CompletableResultCode flushed = sdk.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
    if (!flushed.isSuccess()) {
      LOG.warn("the last spans or metrics could not be exported within {} s", FLUSH_SECONDS);
    }
  }
}
