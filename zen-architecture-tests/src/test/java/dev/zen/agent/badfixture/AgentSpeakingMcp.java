package dev.zen.agent.badfixture;

import io.modelcontextprotocol.spec.McpSchema;

/** Deliberately bad: the agent building MCP results itself. */
public final class AgentSpeakingMcp {
  static String describe(McpSchema.CallToolResult result) {
    return String.valueOf(result);
  }
}
