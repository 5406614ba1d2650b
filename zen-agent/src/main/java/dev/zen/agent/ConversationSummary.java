package dev.zen.agent;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored conversation as {@link ZenAgent#conversations} lists it.
 *
 * @param continuationId the id to continue it with ({@code continuation_id})
 * @param lastTool the tool of its latest turn
 * @param firstPrompt the start of its first request (at most 120 characters)
 * @param lastActivity when its latest turn was stored
 * @param turns how many turns it holds (a call stores two)
 */
public record ConversationSummary(String continuationId, String lastTool, String firstPrompt, Instant lastActivity,
    int turns) {
  public ConversationSummary {
    Objects.requireNonNull(continuationId, "continuationId");
    Objects.requireNonNull(lastTool, "lastTool");
    Objects.requireNonNull(firstPrompt, "firstPrompt");
    Objects.requireNonNull(lastActivity, "lastActivity");
  }
}
