package dev.zen;

import org.jspecify.annotations.Nullable;

/**
 * A stored checkpoint could not be read back: its bytes are damaged or in a format this version
 * does not know. The checkpoint is left where it is; nothing is deleted.
 */
public class CorruptCheckpointException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  public CorruptCheckpointException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
