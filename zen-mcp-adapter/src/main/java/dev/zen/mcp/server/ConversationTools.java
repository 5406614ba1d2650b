package dev.zen.mcp.server;

import dev.zen.agent.ConversationSummary;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.ZenAgent;
import dev.zen.mcp.McpAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Two tools for the conversations a user has with Zen (the anchor's asks #130 and #146): list
 * one's recent conversations, and delete one. Each sees only the caller's own conversations (its
 * HTTP principal; on stdio, those started without one): another user's id is "not found" here
 * too.
 */
final class ConversationTools {
  static final String LIST = "listconversations";
  static final String DELETE = "deleteconversation";
  private static final int DEFAULT_LIMIT = 20;

  private ConversationTools() {}

  static McpAdapter.Builder addTo(McpAdapter.Builder adapter, ZenAgent agent) {
    ToolSpec list = new ToolSpec(LIST, "List your recent Zen conversations, newest first: the continuation_id to "
        + "continue one, its last tool, how it began, when it was last active and how many turns it holds.",
        Map.of("type", "object", "properties", Map.of("limit", Map.of("type", "integer", "minimum", 1, "maximum", 100,
            "description", "most conversations to list (default " + DEFAULT_LIMIT + ")")),
            "additionalProperties", false),
        null, new ToolSpec.Hints("List my conversations", true, false, true, false));
    ToolSpec delete = new ToolSpec(DELETE, "Delete one of your Zen conversations by its continuation_id; it can "
        + "no longer be continued.",
        Map.of("type", "object", "properties", Map.of("continuation_id", Map.of("type", "string",
            "description", "the conversation to delete")), "required", List.of("continuation_id"),
            "additionalProperties", false),
        null, new ToolSpec.Hints("Delete a conversation", false, true, true, false));
    return adapter.tool(list, call -> list(agent, call)).tool(delete, call -> delete(agent, call));
  }

  private static CompletableFuture<ToolResult> list(ZenAgent agent, ToolCall call) {
    int limit = call.arguments().get("limit") instanceof Number number ? number.intValue() : DEFAULT_LIMIT;
    if (limit < 1 || limit > 100) {
      return CompletableFuture.completedFuture(ToolResult.error("Invalid arguments for '" + LIST
          + "': argument 'limit' must be 1 to 100, was " + limit + "."));
    }
    return agent.conversations(call.principal().orElse(null), limit).thenApply(conversations -> {
      List<Map<String, Object>> items = new ArrayList<>();
      StringBuilder text = new StringBuilder(conversations.isEmpty() ? "You have no live conversations."
          : "Your conversations, newest first:");
      for (ConversationSummary summary : conversations) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("continuation_id", summary.continuationId());
        item.put("tool", summary.lastTool());
        item.put("first_prompt", summary.firstPrompt());
        item.put("last_activity", summary.lastActivity().toString());
        item.put("turns", summary.turns());
        items.add(item);
        text.append("\n- ").append(summary.continuationId()).append(" (").append(summary.lastTool()).append(", ")
            .append(summary.turns()).append(" turns, last active ").append(summary.lastActivity()).append("): ")
            .append(summary.firstPrompt());
      }
      Map<String, Object> structured = new LinkedHashMap<>();
      structured.put("status", "success");
      structured.put("conversations", items);
      return new ToolResult(text.toString(), structured, false, null);
    });
  }

  private static CompletableFuture<ToolResult> delete(ZenAgent agent, ToolCall call) {
    String id = (String) call.arguments().get("continuation_id");
    return agent.deleteConversation(call.principal().orElse(null), id).thenApply(deleted -> deleted
        ? new ToolResult("Deleted conversation " + id + ".", Map.of("status", "success", "deleted", id), false, null)
        : ToolResult.error("No conversation " + id + " of yours: it never existed, expired or was deleted."));
  }
}
