package dev.zen.agent;

import dev.zen.spi.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Conversation memory as graph state: the {@value #TURNS} channel appends one map per turn, and
 * {@value #META} records when the thread started and last changed. Turns are JSON-like maps so
 * any checkpoint store keeps them exactly; file contents are never stored, only paths.
 */
final class Conversation {
  static final String TURNS = "turns";
  static final String META = "conversation";

  static final String ROLE = "role";
  static final String TOOL = "tool";
  static final String TEXT = "text";
  static final String FILES = "files";
  static final String IMAGES = "images";
  static final String MODEL = "model";
  static final String AT = "at";
  static final String CREATED_AT = "created_at";
  static final String UPDATED_AT = "updated_at";

  private Conversation() {}

  static Map<String, Object> userTurn(String tool, String text, List<String> files, List<String> images, long at) {
    Map<String, Object> turn = new LinkedHashMap<>();
    turn.put(ROLE, "user");
    turn.put(TOOL, tool);
    turn.put(TEXT, text);
    turn.put(FILES, List.copyOf(files));
    if (!images.isEmpty()) {
      turn.put(IMAGES, List.copyOf(images));
    }
    turn.put(AT, at);
    return turn;
  }

  static Map<String, Object> assistantTurn(String tool, String text, @Nullable String model, long at) {
    Map<String, Object> turn = new LinkedHashMap<>();
    turn.put(ROLE, "assistant");
    turn.put(TOOL, tool);
    turn.put(TEXT, text);
    if (model != null) {
      turn.put(MODEL, model);
    }
    turn.put(AT, at);
    return turn;
  }

  /** The turns held in a state value (a list of maps), skipping anything malformed. */
  static List<Map<String, Object>> turns(@Nullable Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    List<Map<String, Object>> turns = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof Map<?, ?> map && map.get(TEXT) instanceof String) {
        @SuppressWarnings("unchecked")
        Map<String, Object> turn = (Map<String, Object>) map;
        turns.add(turn);
      }
    }
    return List.copyOf(turns);
  }

  /** When the conversation last changed (epoch millis), from its meta map, if recorded. */
  static @Nullable Long updatedAt(@Nullable Object meta) {
    if (meta instanceof Map<?, ?> map && map.get(UPDATED_AT) instanceof Number number) {
      return number.longValue();
    }
    return null;
  }

  static Map<String, Object> meta(@Nullable Object previous, String tool, long now) {
    Map<String, Object> meta = new LinkedHashMap<>();
    Object created = previous instanceof Map<?, ?> map ? map.get(CREATED_AT) : null;
    meta.put(CREATED_AT, created instanceof Number ? created : now);
    meta.put(UPDATED_AT, now);
    meta.put("last_tool", tool);
    return meta;
  }

  /** Every file the conversation's requests named, newest turn first, each once. */
  static List<String> filesNewestFirst(List<Map<String, Object>> turns) {
    Set<String> files = new LinkedHashSet<>();
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).get(FILES) instanceof List<?> list) {
        for (Object file : list) {
          if (file instanceof String path) {
            files.add(path);
          }
        }
      }
    }
    return List.copyOf(files);
  }

  /** The part of the history that fits a budget, as chat messages, oldest first. */
  record History(List<ChatMessage> messages, int includedTurns, int omittedTurns, int tokens) {
    static final History EMPTY = new History(List.of(), 0, 0, 0);
  }

  /**
   * The newest turns that fit {@code budgetTokens}, chosen newest first (the latest exchange
   * matters most) and returned in conversation order.
   */
  static History history(List<Map<String, Object>> turns, int budgetTokens) {
    if (turns.isEmpty()) {
      return History.EMPTY;
    }
    List<ChatMessage> chosen = new ArrayList<>();
    int used = 0;
    int index = turns.size() - 1;
    for (; index >= 0; index--) {
      ChatMessage message = message(turns.get(index));
      int tokens = Tokens.estimate(message.text()) + 4;
      if (used + tokens > budgetTokens) {
        break;
      }
      chosen.add(message);
      used += tokens;
    }
    Collections.reverse(chosen);
    // A history must start with a request: an answer without its question confuses models.
    while (!chosen.isEmpty() && chosen.get(0).role() == ChatMessage.Role.ASSISTANT) {
      used -= Tokens.estimate(chosen.get(0).text()) + 4;
      chosen.remove(0);
    }
    int omitted = turns.size() - chosen.size();
    return new History(List.copyOf(chosen), chosen.size(), omitted, used);
  }

  private static ChatMessage message(Map<String, Object> turn) {
    String text = (String) turn.get(TEXT);
    if ("assistant".equals(turn.get(ROLE))) {
      return ChatMessage.assistant(text);
    }
    StringBuilder header = new StringBuilder("[earlier request via ").append(turn.getOrDefault(TOOL, "chat"));
    if (turn.get(FILES) instanceof List<?> files && !files.isEmpty()) {
      header.append("; files: ").append(String.join(", ", files.stream().map(String::valueOf).toList()));
    }
    return ChatMessage.user(header.append("]\n").append(text).toString());
  }
}
