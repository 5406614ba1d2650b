package dev.zen.mcp.server;

import dev.zen.NonRetriableException;

/** The server cannot start as configured; the message names the variable or argument and the fix. */
final class ConfigurationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  ConfigurationException(String message) {
    super(message);
  }

  ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
