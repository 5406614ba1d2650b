package dev.zen.graph.badfixture;

import dev.zen.agent.badfixture.CycleInAgent;

/** Deliberately bad, with {@link CycleInAgent}: the runtime calling back into the agent. */
public final class CycleInGraph {
  static String describe(CycleInAgent agent) {
    return String.valueOf(agent);
  }
}
