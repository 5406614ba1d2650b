package dev.zen.gateway;

/**
 * Counts calls waiting for one of a gateway's concurrent slots (the bulkhead of
 * {@link GatewayResilience}), as the up-down counter {@code zen.gen_ai.client.waiting}. Keeps
 * OpenTelemetry's types out of {@link ResilienceInterceptor}, which runs without
 * opentelemetry-api on the class path.
 */
interface WaitGauge {
  /** Counts nothing. */
  WaitGauge NONE = model -> Waiting.NONE;

  /** One more call for {@code model} is waiting; {@link Waiting#leave()} takes it off again. */
  Waiting enter(String model);

  /** A call counted as waiting; {@link #leave()} is called at most once per {@link #enter}. */
  interface Waiting {
    Waiting NONE = () -> {};

    void leave();
  }
}
