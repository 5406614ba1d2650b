package dev.zen;

import org.jspecify.annotations.Nullable;

/** The request itself is wrong (HTTP 400, a malformed argument, a value out of range). */
public class InvalidRequestException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    this(message, null);
  }

  public InvalidRequestException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
