package dev.zen.gateway.badfixture;

import dev.zen.internal.Futures;
import java.util.List;

/** Deliberately bad: a public method whose signature (a type argument here) names an internal type. */
public final class GatewayExposingInternals {
  public List<Futures> helpers() {
    return List.of();
  }
}
