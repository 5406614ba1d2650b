package dev.zen.agent.badfixture;

import dev.zen.graph.badfixture.CycleInGraph;

/** Deliberately bad, with {@link CycleInGraph}: a package cycle between the agent and the runtime. */
public final class CycleInAgent {
  static String describe(CycleInGraph graph) {
    return String.valueOf(graph);
  }
}
