package dev.zen.mcp;

import dev.zen.agent.PromptSpec;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.UnknownToolException;
import dev.zen.internal.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The tools an {@link McpAdapter} serves, from all their sources (the Zen agent, handlers,
 * graphs), as the one {@link ToolHost} the bridge sees. Immutable.
 */
final class AdapterHost implements ToolHost {
  /**
   * One tool: what the client sees, who runs it, and whether the adapter checks its arguments
   * (the agent checks its own, against richer rules than a schema says).
   */
  record Entry(ToolSpec spec, String source, ToolHandler handler, boolean checkArguments) {}

  private final Map<String, Entry> tools;
  private final List<ToolSpec> specs;
  private final Set<String> disabledTools;
  private final String instructions;
  private final List<PromptSpec> prompts;

  AdapterHost(Map<String, Entry> tools, Set<String> disabledTools, String instructions, List<PromptSpec> prompts) {
    this.tools = Map.copyOf(tools);
    List<ToolSpec> ordered = new ArrayList<>();
    tools.values().forEach(entry -> ordered.add(entry.spec()));
    this.specs = List.copyOf(ordered);
    this.disabledTools = Set.copyOf(disabledTools);
    this.instructions = instructions;
    this.prompts = List.copyOf(prompts);
  }

  @Override
  public List<PromptSpec> prompts() {
    return prompts;
  }

  @Override
  public List<ToolSpec> tools() {
    return specs;
  }

  @Override
  public String instructions() {
    return instructions;
  }

  @Override
  public Set<String> disabledTools() {
    return disabledTools;
  }

  @Override
  public CompletableFuture<ToolResult> call(ToolCall call) {
    Entry entry = tools.get(call.tool());
    if (entry == null) {
      // The bridge refuses unknown tools before they get here; this keeps the host honest alone.
      return CompletableFuture.failedFuture(new UnknownToolException(call.tool(),
          specs.stream().map(ToolSpec::name).toList(), disabledTools.contains(call.tool())));
    }
    if (entry.checkArguments()) {
      List<String> errors = ToolArguments.check(entry.spec().inputSchema(), call.arguments());
      if (!errors.isEmpty()) {
        return CompletableFuture.completedFuture(ToolResult.error("Invalid arguments for '" + call.tool() + "': "
            + String.join("; ", errors) + "."));
      }
    }
    return Futures.call(() -> entry.handler().call(call));
  }

  @Override
  public String toString() {
    return "tools " + specs.stream().map(ToolSpec::name).toList();
  }
}
