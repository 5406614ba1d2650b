package dev.zen.agent;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The conversation a call belongs to, as it stood when the call started: its thread (the
 * {@code continuation_id}) and its earlier turns, oldest first. Calls of tools that are not
 * {@linkplain ZenTool#continuable() continuable} see an empty conversation.
 */
public final class Conversation {
  private final String threadId;
  private final boolean continued;
  private final List<ConversationTurn> turns;
  private final @Nullable Instant createdAt;
  private final @Nullable Instant updatedAt;
  private final Map<String, Usage> usage;

  Conversation(String threadId, boolean continued, List<ConversationTurn> turns, @Nullable Instant createdAt,
      @Nullable Instant updatedAt) {
    this(threadId, continued, turns, createdAt, updatedAt, Map.of());
  }

  Conversation(String threadId, boolean continued, List<ConversationTurn> turns, @Nullable Instant createdAt,
      @Nullable Instant updatedAt, Map<String, Usage> usage) {
    this.threadId = threadId;
    this.continued = continued;
    this.turns = List.copyOf(turns);
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
    this.usage = Map.copyOf(usage);
  }

  /**
   * What the conversation's stored calls consumed, by model (calls that stored no turn, such as a
   * failed one, are not counted here; the agent's lifetime totals count every answer).
   */
  public Map<String, Usage> usage() {
    return usage;
  }

  /** The thread id, which clients pass back as {@code continuation_id}. */
  public String threadId() {
    return threadId;
  }

  /** Whether the call continues an existing conversation (it named a {@code continuation_id}). */
  public boolean continued() {
    return continued;
  }

  /** The turns before this call, oldest first. */
  public List<ConversationTurn> turns() {
    return turns;
  }

  /** When the conversation's first turn was stored, if it has one. */
  public Optional<Instant> createdAt() {
    return Optional.ofNullable(createdAt);
  }

  /** When the conversation last changed, if it has turns. */
  public Optional<Instant> updatedAt() {
    return Optional.ofNullable(updatedAt);
  }

  /** Every file the conversation's requests named, newest turn first, each once. */
  public List<String> filesNewestFirst() {
    Set<String> files = new LinkedHashSet<>();
    for (int i = turns.size() - 1; i >= 0; i--) {
      files.addAll(turns.get(i).files());
    }
    return List.copyOf(files);
  }

  @Override
  public String toString() {
    return "Conversation[" + threadId + ", " + turns.size() + " turns" + (continued ? ", continued" : "") + "]";
  }
}
