package dev.zen.gateway.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;

/** OpenTelemetry's context; only loaded when opentelemetry-context is on the class path. */
final class OtelTraceContext extends TraceContext {
  private final Context context;

  private OtelTraceContext(Context context) {
    this.context = context;
  }

  /** The current context, or {@code none} when nothing is current (no span, no baggage). */
  static TraceContext current(TraceContext none) {
    Context current = Context.current();
    return current == Context.root() ? none : new OtelTraceContext(current);
  }

  @Override
  public <T> T run(Supplier<T> work) {
    try (Scope ignored = context.makeCurrent()) {
      return work.get();
    }
  }
}
