package dev.zen.agent;

import static dev.zen.agent.AgentFlow.done;
import static dev.zen.agent.AgentFlow.goTo;

import dev.zen.graph.AgentGraph;
import dev.zen.graph.GraphState;
import dev.zen.graph.NodeContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The last stage: turns the outcome into the {@link ToolResult} and, for a conversation, stores
 * the exchange as two turns (with the tool's state). A call that stores nothing asks the run to
 * skip its checkpoint, so a conversation is written at most once per call and only when it grew.
 */
final class Responder implements AgentFlow.Stage {
  private final AgentServices services;

  Responder(AgentServices services) {
    this.services = services;
  }

  @Override
  public CompletableFuture<Map<String, ?>> run(Call call, GraphState state, NodeContext node) {
    ToolOutcome outcome = call.outcome;
    if (outcome == null) {
      outcome = ToolOutcome.error("Tool '" + call.tool.name() + "' produced no answer; this is a bug in Zen.");
      call.outcome = outcome;
    }
    Conversation conversation = call.conversation;
    boolean store = call.persistent && outcome.remembered();
    boolean continuable = call.persistent && !call.threadRefused && (store || call.continued);
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("status", outcome.status());
    structured.put("content", outcome.structuredText());
    structured.put("tool", call.tool.name());
    outcome.model().ifPresent(model -> structured.put("model", model));
    FileBundle files = call.files;
    if (!files.isEmpty()) {
      structured.put("files", files.report());
    }
    structured.putAll(outcome.extra());
    Map<String, Usage> consumed = call.usage.snapshot();
    if (!consumed.isEmpty()) {
      structured.put("usage", Usage.summary(consumed));
    }
    StringBuilder text = new StringBuilder(outcome.content());
    String summary = files.summary();
    if (!summary.isEmpty() && !outcome.isError()) {
      text.append("\n\n").append(summary);
    }
    if (!call.notes.isEmpty()) {
      structured.put("notes", List.copyOf(call.notes));
      text.append("\n\nNote: ").append(String.join("; ", call.notes)).append('.');
    }
    Map<String, Object> update = new LinkedHashMap<>(goTo(AgentGraph.END, Map.of("status", outcome.status())));
    if (continuable) {
      int used = conversation.turns().size() + (store ? 2 : 0);
      int left = Math.max(0, services.options().maxConversationTurns() - used);
      structured.put("continuation_id", call.threadId);
      structured.put("turns_left", left);
      text.append("\n\n---\ncontinuation_id: ").append(call.threadId);
      if (left >= 2) {
        text.append(" (pass it as continuation_id to continue this conversation with any Zen tool; ").append(left)
            .append(" turns left)");
      } else {
        // A call stores two turns: one left is none. The next call would be refused, so say so now.
        text.append(" (this conversation has reached its limit of ").append(services.options().maxConversationTurns())
            .append(" turns: to go on, call without continuation_id and summarize it in the prompt)");
      }
    }
    if (store) {
      Instant now = services.clock().instant();
      String tool = call.tool.name();
      update.put(ConversationState.TURNS, List.of(
          marked(call, ConversationState.write(new ConversationTurn(ConversationTurn.Role.USER, tool, call.prompt(),
              files.requested(), call.args.strings("images"), null, now))),
          marked(call, ConversationState.write(new ConversationTurn(ConversationTurn.Role.ASSISTANT, tool,
              outcome.content(), List.of(), List.of(), outcome.model().orElse(null), now)))));
      update.put(ConversationState.META, ConversationState.meta(conversation, tool, now, consumed, call.principal));
      outcome.state().ifPresent(kept -> update.put(AgentFlow.TOOL_STATE, Map.of(tool, kept)));
    } else {
      node.skipExitCheckpoint();
    }
    call.result = new ToolResult(text.toString(), structured, outcome.isError(), continuable ? call.threadId : null);
    return done(update);
  }

  /** The turn with the id of the call that stores it (see {@link ConversationState#CALL}). */
  private static Map<String, Object> marked(Call call, Map<String, Object> turn) {
    Map<String, Object> marked = new LinkedHashMap<>(turn);
    marked.put(ConversationState.CALL, call.id);
    return marked;
  }
}
