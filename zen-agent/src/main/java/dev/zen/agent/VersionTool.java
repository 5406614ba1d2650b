package dev.zen.agent;

import dev.zen.ZenExecutors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Zen's version, the runtime it runs on, and the settings that shape its answers. */
final class VersionTool extends ZenTool {
  VersionTool() {
    super("version", "Show Zen's version, its Java runtime and the configuration that shapes its answers.", List.of());
  }

  static String zenVersion() {
    String version = ZenAgent.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }

  @Override
  boolean usesModel() {
    return false;
  }

  @Override
  ToolNode node() {
    return (turn, node) -> {
      AgentEngine engine = turn.engine;
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("version", zenVersion());
      info.put("java", Runtime.version().toString());
      info.put("virtual_threads", ZenExecutors.virtualThreadsAvailable());
      info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
      info.put("default_model", engine.options.defaultModel());
      info.put("tools", engine.tools.keySet().stream().sorted().toList());
      info.put("disabled_tools", engine.options.disabledTools().stream().sorted().toList());
      info.put("conversation_timeout", Prompts.human(engine.options.conversationTimeout()));
      info.put("max_conversation_turns", engine.options.maxConversationTurns());
      info.put("max_prompt_chars", engine.options.maxPromptChars());
      info.put("gateway", engine.gateway.getClass().getSimpleName());
      info.put("checkpoint_store", engine.store.getClass().getSimpleName());
      StringBuilder text = new StringBuilder("Zen ").append(zenVersion()).append('\n');
      info.forEach((key, value) -> {
        if (!key.equals("version")) {
          text.append("- ").append(key).append(": ").append(value instanceof List<?> list
              ? String.join(", ", list.stream().map(String::valueOf).toList()) : value).append('\n');
        }
      });
      return CompletableFuture.completedFuture(Outcome.notice("success", text.toString().strip(), info));
    };
  }
}
