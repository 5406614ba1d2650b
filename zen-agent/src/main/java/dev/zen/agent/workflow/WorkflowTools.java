package dev.zen.agent.workflow;

import dev.zen.agent.ZenTool;
import java.util.List;

/**
 * Zen's workflow tools (the step protocol with an optional expert review), in the order clients
 * list them: thinkdeep, planner, codereview, precommit, debug, secaudit, docgen, analyze,
 * refactor, tracer, testgen. Each call records a step in the conversation thread; see the
 * agent's instructions for the protocol.
 */
public final class WorkflowTools {
  private WorkflowTools() {}

  /** A new instance of each workflow tool. */
  public static List<ZenTool> all() {
    return List.of(new WorkflowTool(Definitions.thinkdeep()), new PlannerTool(),
        new WorkflowTool(Definitions.codereview()), new PrecommitTool(),
        new WorkflowTool(Definitions.debug()), new WorkflowTool(Definitions.secaudit()), new DocGenTool(),
        new WorkflowTool(Definitions.analyze()), new WorkflowTool(Definitions.refactor()), new TracerTool(),
        new WorkflowTool(Definitions.testgen()));
  }
}
