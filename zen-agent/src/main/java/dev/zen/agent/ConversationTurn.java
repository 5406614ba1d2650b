package dev.zen.agent;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One stored turn of a conversation: a request (by the client, through a tool) or an answer.
 * File contents are never stored, only the paths the request named.
 *
 * @param role who spoke
 * @param tool the tool the turn went through
 * @param text the request's prompt or the answer's text
 * @param files the files the request named (directories expanded); empty for answers
 * @param images the images the request named; empty for answers
 * @param model the model that answered; {@code null} for requests and model-less answers
 * @param at when the turn was stored
 */
public record ConversationTurn(Role role, String tool, String text, List<String> files, List<String> images,
    @Nullable String model, Instant at) {

  /** Who spoke. */
  public enum Role {
    USER,
    ASSISTANT
  }

  public ConversationTurn {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(text, "text");
    files = List.copyOf(files);
    images = List.copyOf(images);
    Objects.requireNonNull(at, "at");
  }

  /** {@link #model()} as an Optional. */
  public Optional<String> answeredBy() {
    return Optional.ofNullable(model);
  }
}
