package dev.zen.gateway;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import org.jspecify.annotations.Nullable;

/**
 * {@link WaitGauge} on OpenTelemetry: {@code zen.gen_ai.client.waiting}, per
 * {@code gen_ai.request.model}. Only loaded when opentelemetry-api is on the class path.
 */
final class OtelWaitGauge implements WaitGauge {
  private static final String SCOPE = "dev.zen.gateway";

  private final @Nullable OpenTelemetry explicit;
  private volatile @Nullable Counter counter;

  OtelWaitGauge(@Nullable Object openTelemetry) {
    this.explicit = (OpenTelemetry) openTelemetry;
  }

  /** The counter of one OpenTelemetry instance, made once (the global one may be set later). */
  private record Counter(OpenTelemetry owner, LongUpDownCounter waiting) {}

  @Override
  public Waiting enter(String model) {
    OpenTelemetry otel = explicit != null ? explicit : GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : null;
    if (otel == null) {
      return Waiting.NONE;
    }
    Counter current = counter;
    if (current == null || current.owner() != otel) {
      current = new Counter(otel, otel.getMeter(SCOPE).upDownCounterBuilder("zen.gen_ai.client.waiting")
          .setUnit("{request}")
          .setDescription("Model calls waiting for one of the gateway's concurrent slots, per model")
          .build());
      counter = current;
    }
    // Taken off the counter it was added to, even if the global instance changes meanwhile.
    LongUpDownCounter waiting = current.waiting();
    Attributes attributes = Attributes.of(GenAiInterceptor.REQUEST_MODEL, model);
    waiting.add(1, attributes);
    return () -> waiting.add(-1, attributes);
  }
}
