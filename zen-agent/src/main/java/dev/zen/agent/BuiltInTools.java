package dev.zen.agent;

import dev.zen.agent.apilookup.ApiLookupTool;
import dev.zen.agent.challenge.ChallengeTool;
import dev.zen.agent.chat.ChatTool;
import dev.zen.agent.clink.CliClients;
import dev.zen.agent.clink.ClinkTool;
import dev.zen.agent.consensus.ConsensusTool;
import dev.zen.agent.listmodels.ListModelsTool;
import dev.zen.agent.version.VersionTool;
import dev.zen.agent.workflow.WorkflowTools;
import dev.zen.spi.RemoteExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Zen's own tools, in the order clients list them (the anchor's): the one place a built-in tool is
 * registered.
 */
final class BuiltInTools {
  private BuiltInTools() {}

  static List<ZenTool> all(ToolSetup setup) {
    List<ZenTool> workflows = WorkflowTools.all();
    List<ZenTool> tools = new ArrayList<>();
    tools.add(new ChatTool());
    tools.add(new ClinkTool(setup.cliClients(), setup.localExecutor(), setup.hosts()));
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

  /** What built-in tools are built from: the builder's settings for them. */
  record ToolSetup(CliClients cliClients, RemoteExecutor localExecutor, Function<String, RemoteExecutor> hosts) {
    /** Bundled CLI clients on a local executor and no hosts: enough to read the tools' names. */
    static ToolSetup defaults() {
      return new ToolSetup(CliClients.bundled(), RemoteExecutor.local(), host -> {
        throw new IllegalStateException("no host executor");
      });
    }
  }

  /** Computed once, on first use: the tools are built only to read their names. */
  private static final class Names {
    static final List<String> ALL = all(ToolSetup.defaults()).stream().map(ZenTool::name).toList();
  }
}
