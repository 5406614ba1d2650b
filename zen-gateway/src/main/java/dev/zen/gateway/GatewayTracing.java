package dev.zen.gateway;

import dev.zen.spi.GatewayInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Spans and metrics for model calls, following OpenTelemetry's GenAI semantic conventions: one
 * client span per request sent ({@code chat <model>}, with {@code gen_ai.operation.name},
 * {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens}
 * and {@code output_tokens}, {@code gen_ai.response.finish_reasons}, {@code server.address}; the
 * prompt and the answer only when {@link Builder#captureContent} is set), and the metrics
 * {@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage} and
 * {@code zen.gen_ai.time_to_first_token} (streams), and {@code zen.gen_ai.client.active} (requests in
 * flight per model). Given to {@link GatewayResilience.Builder#tracing}, it also records
 * {@code zen.gen_ai.client.waiting}: calls waiting for one of the gateway's concurrent slots, per
 * model (the resilience's default is {@link #automatic()}).
 *
 * <p>Put its {@link #interceptor()} innermost, next to the gateway and inside
 * {@link GatewayResilience}, so that each attempt of a retried call is its own span, a child of
 * whatever span the caller had current:
 *
 * <pre>{@code
 * ModelGateway traced = ModelGateways.intercepted(http, List.of(GatewayTracing.automatic().interceptor()));
 * ModelGateway gateway = GatewayResilience.defaults().applyTo(traced);
 * }</pre>
 *
 * <p>opentelemetry-api is an optional dependency: {@link #none()} and {@link #automatic()} work
 * without it on the class path, and then pass calls through untouched.
 */
public final class GatewayTracing {
  private static final GatewayTracing NONE = new GatewayTracing(null, false, null);

  private final @Nullable Object openTelemetry;
  private final boolean captureContent;
  private final @Nullable String serverAddress;

  private GatewayTracing(@Nullable Object openTelemetry, boolean captureContent, @Nullable String serverAddress) {
    this.openTelemetry = openTelemetry;
    this.captureContent = captureContent;
    this.serverAddress = serverAddress;
  }

  /** No spans, no metrics. */
  public static GatewayTracing none() {
    return NONE;
  }

  /**
   * OpenTelemetry's global instance, looked up at each call (so an SDK registered after the
   * gateway was built is used), when opentelemetry-api is on the class path; otherwise nothing.
   */
  public static GatewayTracing automatic() {
    return builder().build();
  }

  /** Traces with the given OpenTelemetry instance. */
  public static GatewayTracing openTelemetry(OpenTelemetry openTelemetry) {
    return builder().openTelemetry(openTelemetry).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The interceptor that records each call; a pass-through when there is nothing to record to. */
  public GatewayInterceptor interceptor() {
    if (this == NONE || !OtelPresence.AVAILABLE) {
      return call -> call.proceed(call.request());
    }
    return new GenAiInterceptor(openTelemetry, captureContent, serverAddress);
  }

  /**
   * Where {@link GatewayResilience} counts calls waiting for a concurrent slot
   * ({@code zen.gen_ai.client.waiting}): this tracing's OpenTelemetry instance; nothing without
   * opentelemetry-api.
   */
  WaitGauge waitGauge() {
    if (this == NONE || !OtelPresence.AVAILABLE) {
      return WaitGauge.NONE;
    }
    return new OtelWaitGauge(openTelemetry);
  }

  /** Builds {@link GatewayTracing}; setters validate at once. */
  public static final class Builder {
    private @Nullable Object openTelemetry;
    private boolean captureContent;
    private @Nullable String serverAddress;

    private Builder() {}

    /** The OpenTelemetry instance to record to; default the global one, looked up per call. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Whether spans carry the prompt and the answer ({@code gen_ai.input.messages},
     * {@code gen_ai.output.messages}); default false: they may hold code and secrets.
     */
    public Builder captureContent(boolean captureContent) {
      this.captureContent = captureContent;
      return this;
    }

    /** The endpoint's host, as {@code server.address} ({@code api.openai.com}, {@code localhost}). */
    public Builder serverAddress(String serverAddress) {
      this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
      return this;
    }

    public GatewayTracing build() {
      return new GatewayTracing(openTelemetry, captureContent, serverAddress);
    }
  }

  private static final class OtelPresence {
    static final boolean AVAILABLE = isPresent();

    private static boolean isPresent() {
      try {
        Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, GatewayTracing.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
