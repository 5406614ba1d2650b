package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * A service Zen depends on could not be reached or failed on its side: a connection refused or
 * reset, an HTTP 5xx, a store that is down. Later attempts may succeed.
 */
public class ServiceUnavailableException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public ServiceUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
