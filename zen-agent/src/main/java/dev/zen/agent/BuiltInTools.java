package dev.zen.agent;

import dev.zen.agent.apilookup.ApiLookupTool;
import dev.zen.agent.challenge.ChallengeTool;
import dev.zen.agent.chat.ChatTool;
import dev.zen.agent.consensus.ConsensusTool;
import dev.zen.agent.listmodels.ListModelsTool;
import dev.zen.agent.version.VersionTool;
import java.util.List;

/** Zen's own tools, in the order clients list them: the one place a built-in tool is registered. */
final class BuiltInTools {
  private BuiltInTools() {}

  static List<ZenTool> all() {
    return List.of(new ChatTool(), new ConsensusTool(), new ChallengeTool(), new ApiLookupTool(),
        new ListModelsTool(), new VersionTool());
  }
}
