package dev.zen.spi;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model's whole answer.
 *
 * @param model the model that answered, as the provider named it
 * @param text the answer
 * @param usage tokens consumed
 * @param latency time from sending the request to the last byte of the answer
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...), when reported
 */
public record ChatReply(String model, String text, TokenUsage usage, Duration latency, @Nullable String finishReason) {
  public ChatReply {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(latency, "latency");
  }
}
