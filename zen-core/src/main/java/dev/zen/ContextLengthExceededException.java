package dev.zen;

import org.jspecify.annotations.Nullable;

/** The prompt and expected output do not fit in the model's context window. */
public class ContextLengthExceededException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  public ContextLengthExceededException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
