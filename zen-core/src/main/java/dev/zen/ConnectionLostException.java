package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * An established connection dropped while work was under way on it (a remote command was running,
 * a reply was due). Whether the work took effect on the other side is unknown: retry only what is
 * safe to repeat.
 */
public class ConnectionLostException extends ServiceUnavailableException {
  private static final long serialVersionUID = 1L;

  public ConnectionLostException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
