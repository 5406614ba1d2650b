package dev.zen.agent.version;

import dev.zen.ZenExecutors;
import dev.zen.agent.Prompts;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ZenAgentOptions;
import dev.zen.agent.ZenTool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Zen's version, the runtime it runs on, and the settings that shape its answers. */
public final class VersionTool extends ZenTool {
  public VersionTool() {
    super("version", "Show Zen's version, its Java runtime and the configuration that shapes its answers.", List.of());
  }

  @Override
  protected boolean usesModel() {
    return false;
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    ToolContext.AgentInfo agent = context.agent();
    ZenAgentOptions options = context.options();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("version", agent.version());
    info.put("java", Runtime.version().toString());
    info.put("virtual_threads", ZenExecutors.virtualThreadsAvailable());
    info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    info.put("default_model", options.defaultModel());
    info.put("tools", agent.tools().stream().sorted().toList());
    info.put("disabled_tools", options.disabledTools().stream().sorted().toList());
    info.put("conversation_timeout", Prompts.human(options.conversationTimeout()));
    info.put("max_conversation_turns", options.maxConversationTurns());
    info.put("max_prompt_chars", options.maxPromptChars());
    info.put("gateway", agent.gateway());
    info.put("checkpoint_store", agent.checkpointStore());
    StringBuilder text = new StringBuilder("Zen ").append(agent.version()).append('\n');
    info.forEach((key, value) -> {
      if (!key.equals("version")) {
        text.append("- ").append(key).append(": ").append(value instanceof List<?> list
            ? String.join(", ", list.stream().map(String::valueOf).toList()) : value).append('\n');
      }
    });
    return CompletableFuture.completedFuture(ToolOutcome.notice("success", text.toString().strip()).withExtra(info));
  }
}
