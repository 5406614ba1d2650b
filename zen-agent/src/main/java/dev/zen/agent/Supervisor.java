package dev.zen.agent;

import static dev.zen.agent.AgentFlow.done;
import static dev.zen.agent.AgentFlow.finish;
import static dev.zen.agent.AgentFlow.goTo;

import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The first stage: reads the conversation from the state the run loaded (the only read of the
 * thread per call), refuses continuations of threads that do not exist or expired, enforces the
 * turn cap and the prompt size, then routes to the next stage the tool needs.
 */
final class Supervisor implements AgentFlow.Stage {
  private final AgentServices services;

  Supervisor(AgentServices services) {
    this.services = services;
  }

  @Override
  public CompletableFuture<Map<String, ?>> run(Call call, GraphState state, NodeContext node) {
    ZenAgentOptions options = services.options();
    if (call.persistent) {
      Conversation conversation = ConversationState.read(call.threadId, call.continued,
          state.value(ConversationState.TURNS).orElse(null), state.value(ConversationState.META).orElse(null));
      call.conversation = conversation;
      call.threadOwner = ConversationState.owner(state.value(ConversationState.META).orElse(null));
      if (state.value(AgentFlow.TOOL_STATE).orElse(null) instanceof Map<?, ?> all
          && all.get(call.tool.name()) instanceof Map<?, ?> own) {
        @SuppressWarnings("unchecked")
        Map<String, Object> kept = (Map<String, Object>) own;
        call.savedState = kept;
      }
      if (call.continued) {
        String problem = threadProblem(call, conversation);
        if (problem != null) {
          // Nothing of this call is worth storing, and an unknown id must not become a thread.
          node.skipExitCheckpoint();
          call.threadRefused = true;
          return done(finish(call, ToolOutcome.error(problem)));
        }
      }
      int max = options.maxConversationTurns();
      if (conversation.turns().size() + 2 > max) {
        call.threadRefused = true;
        return done(finish(call, ToolOutcome.error("This conversation has reached its limit of " + max
            + " turns. Call the tool again without continuation_id to start a new conversation, and summarize in "
            + "the prompt what the model needs from this one.")));
      }
    }
    String prompt = call.args.string(call.tool.promptArgument()).orElse(null);
    if (prompt != null && prompt.length() > options.maxPromptChars()) {
      String how = call.tool.usesFiles()
          ? "Save the prompt text to a file named " + FileLoader.PROMPT_FILE + " and call this tool again with an "
              + "empty prompt and that file's absolute path in absolute_file_paths."
          : "Shorten the prompt and call this tool again.";
      return done(finish(call, ToolOutcome.notice("resend_prompt", "The prompt is too large for MCP's limits ("
          + String.format("%,d", prompt.length()) + " characters; the limit is "
          + String.format("%,d", options.maxPromptChars()) + "). " + how)
          .withExtra(Map.of("prompt_chars", prompt.length(), "max_prompt_chars", options.maxPromptChars()))));
    }
    if (prompt != null && prompt.isBlank() && !call.tool.usesFiles()) {
      return done(finish(call, ToolOutcome.error("The prompt is empty; say what you want from '"
          + call.tool.name() + "'.")));
    }
    String next = call.tool.usesModel() ? AgentFlow.ROUTER : call.tool.usesFiles() ? AgentFlow.FILES : call.tool.name();
    return done(goTo(next, Map.of("turns_before", call.conversation.turns().size())));
  }

  /** Why a continuation cannot be used (unknown, expired), or null when it can. */
  private String threadProblem(Call call, Conversation conversation) {
    Instant updatedAt = conversation.updatedAt().orElse(null);
    // Another principal's thread is answered exactly as an unknown one: no oracle for its ids.
    if (updatedAt == null || conversation.turns().isEmpty() || !Objects.equals(call.threadOwner, call.principal)) {
      return "continuation_id '" + call.threadId + "' was not found: the conversation never existed, "
          + "expired or was deleted. Call the tool again without continuation_id to start a new conversation, "
          + "and include in the prompt the context the model needs.";
    }
    Duration timeout = services.options().conversationTimeout();
    Duration idle = Duration.ofMillis(Math.max(0, services.clock().millis() - updatedAt.toEpochMilli()));
    if (idle.compareTo(timeout) > 0) {
      call.deleteThread = true;
      return "continuation_id '" + call.threadId + "' has expired: its last turn was "
          + Prompts.human(Duration.ofMinutes(idle.toMinutes()).plusMinutes(idle.toMinutes() == 0 ? 1 : 0))
          + " ago and conversations expire after " + Prompts.human(timeout)
          + ". Call the tool again without continuation_id to start a new conversation, and include in the "
          + "prompt the context the model needs.";
    }
    return null;
  }
}
