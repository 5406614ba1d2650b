package dev.zen.agent;

import dev.zen.agent.apilookup.ApiLookupTool;
import dev.zen.agent.challenge.ChallengeTool;
import dev.zen.agent.chat.ChatTool;
import dev.zen.agent.consensus.ConsensusTool;
import dev.zen.agent.listmodels.ListModelsTool;
import dev.zen.agent.version.VersionTool;
import dev.zen.agent.workflow.WorkflowTools;
import java.util.ArrayList;
import java.util.List;

/**
 * Zen's own tools, in the order clients list them (the anchor's): the one place a built-in tool is
 * registered.
 */
final class BuiltInTools {
  private BuiltInTools() {}

  static List<ZenTool> all() {
    List<ZenTool> workflows = WorkflowTools.all();
    List<ZenTool> tools = new ArrayList<>();
    tools.add(new ChatTool());
    tools.addAll(workflows.subList(0, 2));
    tools.add(new ConsensusTool());
    tools.addAll(workflows.subList(2, workflows.size()));
    tools.addAll(List.of(new ChallengeTool(), new ApiLookupTool(), new ListModelsTool(), new VersionTool()));
    return List.copyOf(tools);
  }

  /** The names of the built-in tools, in order (what a server can offer; its settings may name only these). */
  static List<String> names() {
    return Names.ALL;
  }

  /** Computed once, on first use: the tools are built only to read their names. */
  private static final class Names {
    static final List<String> ALL = all().stream().map(ZenTool::name).toList();
  }
}
