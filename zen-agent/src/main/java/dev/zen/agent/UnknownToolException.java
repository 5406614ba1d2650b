package dev.zen.agent;

import dev.zen.InvalidRequestException;
import java.util.List;

/**
 * A call named a tool this agent does not offer (never existed, or disabled). A protocol adapter
 * maps it to its "invalid params" error (MCP: JSON-RPC {@code -32602}); the message names the tool
 * and lists the tools that exist.
 */
public class UnknownToolException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;
  private final String toolName;
  private final List<String> available;

  public UnknownToolException(String toolName, List<String> available, boolean disabled) {
    super((disabled ? "tool '" + toolName + "' is disabled on this server" : "unknown tool '" + toolName + "'")
        + "; available tools: " + String.join(", ", available));
    this.toolName = toolName;
    this.available = List.copyOf(available);
  }

  /** The tool name the call asked for. */
  public String toolName() {
    return toolName;
  }

  /** The tools this agent offers. */
  public List<String> available() {
    return available;
  }
}
