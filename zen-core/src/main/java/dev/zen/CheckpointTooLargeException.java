package dev.zen;

/** A checkpoint is larger than the store accepts; nothing was written. */
public class CheckpointTooLargeException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  public CheckpointTooLargeException(String message) {
    super(message);
  }
}
