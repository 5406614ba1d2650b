package dev.zen.mcp;

import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.ZenAgent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the server exposes: a set of tools and the text that explains them. {@link ZenAgent} in
 * production; the seam lets the transport's tests run the server over pipes in-process with a
 * scripted host.
 */
interface ToolHost {
  List<ToolSpec> tools();

  String instructions();

  /** Tool names that exist but are switched off, so an unknown-tool error can say which. */
  Set<String> disabledTools();

  /** Runs a call; cancelling the future cancels the work. */
  CompletableFuture<ToolResult> call(ToolCall call);

  static ToolHost of(ZenAgent agent) {
    return new ToolHost() {
      @Override
      public List<ToolSpec> tools() {
        return agent.tools();
      }

      @Override
      public String instructions() {
        return agent.instructions();
      }

      @Override
      public Set<String> disabledTools() {
        return agent.options().disabledTools();
      }

      @Override
      public CompletableFuture<ToolResult> call(ToolCall call) {
        return agent.call(call);
      }

      @Override
      public String toString() {
        return agent.toString();
      }
    };
  }
}
