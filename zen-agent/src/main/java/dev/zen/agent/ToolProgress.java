package dev.zen.agent;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A progress report while a tool runs: one when each graph node starts and one per batch of
 * streamed answer chunks.
 *
 * @param progress increases with every report of a call, starting at 1
 * @param total the number of reports expected, when known (usually not: it depends on the answer)
 * @param message what is happening, for people ("model_router: choosing the model", ...)
 */
public record ToolProgress(long progress, @Nullable Long total, String message) {
  public ToolProgress {
    if (progress < 1) {
      throw new IllegalArgumentException("progress must be >= 1, was " + progress);
    }
    if (total != null && total < progress) {
      throw new IllegalArgumentException("total must be >= progress, was " + total + " < " + progress);
    }
    Objects.requireNonNull(message, "message");
  }

  /** {@link #total()} as an Optional. */
  public Optional<Long> totalIfKnown() {
    return Optional.ofNullable(total);
  }
}
