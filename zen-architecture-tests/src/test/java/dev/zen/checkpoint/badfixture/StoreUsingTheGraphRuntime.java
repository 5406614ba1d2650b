package dev.zen.checkpoint.badfixture;

import dev.zen.graph.AgentGraph;

/** Deliberately bad: a backend that depends on zen-graph. */
public final class StoreUsingTheGraphRuntime {
  static String describe(AgentGraph graph) {
    return String.valueOf(graph);
  }
}
