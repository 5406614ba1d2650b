package dev.zen;

import org.jspecify.annotations.Nullable;

/** The credentials were missing, wrong or lack permission (HTTP 401/403). */
public class AuthenticationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
