package dev.zen.agent;

import dev.zen.spi.ChatMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a conversation lives in graph state, and so in checkpoints: the {@value #TURNS} channel
 * appends one JSON-like map per turn, {@value #META} records when the thread started and last
 * changed. The stored shape is a format other releases read (threads outlive upgrades in Redis):
 * change it only compatibly. Reading skips what it cannot understand rather than failing a call.
 */
final class ConversationState {
  static final String TURNS = "turns";
  static final String META = "conversation";
  /**
   * On each stored turn: the id of the call that stored it, so a write whose outcome was unknown
   * can be recognised in the thread, and never applied twice.
   */
  static final String CALL = "call";

  private static final String ROLE = "role";
  private static final String TOOL = "tool";
  private static final String TEXT = "text";
  private static final String FILES = "files";
  private static final String IMAGES = "images";
  private static final String MODEL = "model";
  private static final String AT = "at";
  private static final String CREATED_AT = "created_at";
  private static final String UPDATED_AT = "updated_at";
  private static final String LAST_TOOL = "last_tool";
  private static final String OWNER = "owner";
  private static final String USAGE = "usage";

  private ConversationState() {}

  /** The conversation held in a thread's state. */
  static Conversation read(String threadId, boolean continued, @Nullable Object turnsValue, @Nullable Object metaValue) {
    List<ConversationTurn> turns = new ArrayList<>();
    if (turnsValue instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map) {
          ConversationTurn turn = turn(map);
          if (turn != null) {
            turns.add(turn);
          }
        }
      }
    }
    Long created = metaValue instanceof Map<?, ?> meta && meta.get(CREATED_AT) instanceof Number n ? n.longValue() : null;
    Long updated = metaValue instanceof Map<?, ?> meta && meta.get(UPDATED_AT) instanceof Number n ? n.longValue() : null;
    Map<String, Usage> usage = new java.util.TreeMap<>();
    if (metaValue instanceof Map<?, ?> meta && meta.get(USAGE) instanceof Map<?, ?> byModel) {
      byModel.forEach((model, value) -> {
        if (value instanceof Map<?, ?> totals) {
          usage.put(String.valueOf(model), UsageLedger.decode(totals));
        }
      });
    }
    return new Conversation(threadId, continued, turns, created == null ? null : Instant.ofEpochMilli(created),
        updated == null ? null : Instant.ofEpochMilli(updated), usage);
  }

  private static @Nullable ConversationTurn turn(Map<?, ?> map) {
    if (!(map.get(TEXT) instanceof String text)) {
      return null;
    }
    ConversationTurn.Role role = "assistant".equals(map.get(ROLE)) ? ConversationTurn.Role.ASSISTANT
        : ConversationTurn.Role.USER;
    String tool = map.get(TOOL) instanceof String name ? name : "chat";
    long at = map.get(AT) instanceof Number number ? number.longValue() : 0L;
    return new ConversationTurn(role, tool, text, strings(map.get(FILES)), strings(map.get(IMAGES)),
        map.get(MODEL) instanceof String model ? model : null, Instant.ofEpochMilli(at));
  }

  private static List<String> strings(@Nullable Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    List<String> strings = new ArrayList<>(list.size());
    for (Object item : list) {
      if (item instanceof String text) {
        strings.add(text);
      }
    }
    return strings;
  }

  /** A turn as the {@value #TURNS} channel stores it. */
  static Map<String, Object> write(ConversationTurn turn) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(ROLE, turn.role() == ConversationTurn.Role.USER ? "user" : "assistant");
    map.put(TOOL, turn.tool());
    map.put(TEXT, turn.text());
    if (turn.role() == ConversationTurn.Role.USER) {
      map.put(FILES, turn.files());
    }
    if (!turn.images().isEmpty()) {
      map.put(IMAGES, turn.images());
    }
    if (turn.model() != null) {
      map.put(MODEL, turn.model());
    }
    map.put(AT, turn.at().toEpochMilli());
    return map;
  }

  /**
   * The {@value #META} value after a call of {@code tool} at {@code now} that consumed
   * {@code usage}, by {@code owner} (null: nobody in particular).
   */
  static Map<String, Object> meta(Conversation before, String tool, Instant now, Map<String, Usage> usage,
      @Nullable String owner) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put(CREATED_AT, before.createdAt().orElse(now).toEpochMilli());
    meta.put(UPDATED_AT, now.toEpochMilli());
    meta.put(LAST_TOOL, tool);
    if (owner != null) {
      meta.put(OWNER, owner);
    }
    Map<String, Usage> totals = new java.util.TreeMap<>(before.usage());
    usage.forEach((model, more) -> totals.merge(model, more, Usage::plus));
    if (!totals.isEmpty()) {
      Map<String, Object> encoded = new LinkedHashMap<>();
      totals.forEach((model, total) -> encoded.put(model, Usage.encode(total)));
      meta.put(USAGE, encoded);
    }
    return meta;
  }

  /** The principal that started the thread, from its {@value #META} value; null when none was told. */
  static @Nullable String owner(@Nullable Object metaValue) {
    return metaValue instanceof Map<?, ?> meta && meta.get(OWNER) instanceof String owner ? owner : null;
  }

  /** The part of the history that fits a budget, as chat messages, oldest first. */
  record History(List<ChatMessage> messages, int includedTurns, int omittedTurns, int tokens) {
    static final History EMPTY = new History(List.of(), 0, 0, 0);
  }

  /**
   * The newest turns that fit {@code budgetTokens}, chosen newest first (the latest exchange
   * matters most) and returned in conversation order.
   */
  static History history(List<ConversationTurn> turns, int budgetTokens) {
    if (turns.isEmpty()) {
      return History.EMPTY;
    }
    List<ChatMessage> chosen = new ArrayList<>();
    int used = 0;
    for (int index = turns.size() - 1; index >= 0; index--) {
      ChatMessage message = message(turns.get(index));
      int tokens = tokens(message.text());
      if (used + tokens > budgetTokens) {
        break;
      }
      chosen.add(message);
      used += tokens;
    }
    Collections.reverse(chosen);
    // A history must start with a request: an answer without its question confuses models.
    while (!chosen.isEmpty() && chosen.get(0).role() == ChatMessage.Role.ASSISTANT) {
      used -= tokens(chosen.get(0).text());
      chosen.remove(0);
    }
    int omitted = turns.size() - chosen.size();
    return new History(List.copyOf(chosen), chosen.size(), omitted, used);
  }

  /** The tokens a turn's text costs in a request, with the message framing. */
  static int tokens(String text) {
    return Tokens.estimate(text) + 4;
  }

  private static ChatMessage message(ConversationTurn turn) {
    if (turn.role() == ConversationTurn.Role.ASSISTANT) {
      return ChatMessage.assistant(turn.text());
    }
    StringBuilder header = new StringBuilder("[earlier request via ").append(turn.tool());
    if (!turn.files().isEmpty()) {
      header.append("; files: ").append(String.join(", ", turn.files()));
    }
    return ChatMessage.user(header.append("]\n").append(turn.text()).toString());
  }
}
