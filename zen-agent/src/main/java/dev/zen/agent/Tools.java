package dev.zen.agent;

import java.util.List;

/** The tools this version of the agent defines, in the order clients list them. */
final class Tools {
  private Tools() {}

  static List<ZenTool> all() {
    return List.of(new ChatTool(), new ConsensusTool(), new ChallengeTool(), new ApiLookupTool(),
        new ListModelsTool(), new VersionTool());
  }
}
