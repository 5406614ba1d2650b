package dev.zen.mcp;

import dev.zen.agent.PromptSpec;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the server exposes: a set of tools and the text that explains them. {@link AdapterHost} in
 * production (the agent's, an application's and graphs' tools together); the seam lets the
 * transport's tests run the server over pipes in-process with a scripted host.
 */
interface ToolHost {
  List<ToolSpec> tools();

  String instructions();

  /** Ready-made requests offered as MCP prompts (slash commands); none by default. */
  default List<PromptSpec> prompts() {
    return List.of();
  }

  /** Tool names that exist but are switched off, so an unknown-tool error can say which. */
  Set<String> disabledTools();

  /** Runs a call; cancelling the future cancels the work. */
  CompletableFuture<ToolResult> call(ToolCall call);
}
