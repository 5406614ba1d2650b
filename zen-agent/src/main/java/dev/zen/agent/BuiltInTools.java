package dev.zen.agent;

import dev.zen.agent.apilookup.ApiLookupTool;
import dev.zen.agent.challenge.ChallengeTool;
import dev.zen.agent.chat.ChatTool;
import dev.zen.agent.clink.ClinkTool;
import dev.zen.agent.consensus.ConsensusTool;
import dev.zen.agent.listmodels.ListModelsTool;
import dev.zen.agent.version.VersionTool;
import dev.zen.agent.clink.CliClients;
import dev.zen.spi.RemoteExecutor;
import java.util.List;
import java.util.function.Function;

/** Zen's own tools, in the order clients list them: the one place a built-in tool is registered. */
final class BuiltInTools {
  private BuiltInTools() {}

  static List<ZenTool> all(ToolSetup setup) {
    return List.of(new ChatTool(), new ClinkTool(setup.cliClients(), setup.localExecutor(), setup.hosts()),
        new ConsensusTool(), new ChallengeTool(), new ApiLookupTool(), new ListModelsTool(), new VersionTool());
  }

  /** What built-in tools are built from: the builder's settings for them. */
  record ToolSetup(CliClients cliClients, RemoteExecutor localExecutor, Function<String, RemoteExecutor> hosts) {}
}
