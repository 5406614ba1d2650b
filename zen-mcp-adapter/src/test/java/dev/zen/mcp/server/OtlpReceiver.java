package dev.zen.mcp.server;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real OTLP/HTTP receiver on loopback: accepts {@code POST /v1/traces} and {@code /v1/metrics}
 * in protobuf, as the server's exporter sends them, and decodes them with the OTLP proto classes.
 */
final class OtlpReceiver implements AutoCloseable {
  /** A received span, flattened. */
  record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, Map<String, String> attributes,
      String serviceName) {}

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final Set<String> metricNames = ConcurrentHashMap.newKeySet();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  OtlpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/v1/traces", exchange -> {
      contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
      try (InputStream body = exchange.getRequestBody()) {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
        request.getResourceSpansList().forEach(resource -> {
          String service = resource.getResource().getAttributesList().stream()
              .filter(kv -> kv.getKey().equals("service.name")).map(kv -> kv.getValue().getStringValue())
              .findFirst().orElse("");
          resource.getScopeSpansList().forEach(scope -> scope.getSpansList().forEach(span ->
              spans.add(flatten(span, service))));
        });
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.createContext("/v1/metrics", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body.readAllBytes());
        request.getResourceMetricsList().forEach(resource -> resource.getScopeMetricsList().forEach(scope ->
            scope.getMetricsList().forEach(metric -> metricNames.add(metric.getName()))));
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  private static ReceivedSpan flatten(Span span, String service) {
    HexFormat hex = HexFormat.of();
    Map<String, String> attributes = span.getAttributesList().stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().hasStringValue()
            ? kv.getValue().getStringValue() : kv.getValue().toString().strip(), (a, b) -> a));
    return new ReceivedSpan(hex.formatHex(span.getTraceId().toByteArray()), hex.formatHex(span.getSpanId().toByteArray()),
        hex.formatHex(span.getParentSpanId().toByteArray()), span.getName(), attributes, service);
  }

  /** The endpoint for OTEL_EXPORTER_OTLP_ENDPOINT. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  Set<String> metricNames() {
    return Set.copyOf(metricNames);
  }

  List<String> contentTypes() {
    return List.copyOf(contentTypes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
