package dev.zen;

/** A thread id was given that has no checkpoints (never existed, expired or was deleted). */
public class UnknownThreadException extends NonRetriableException {
  private static final long serialVersionUID = 1L;
  private final String threadId;

  public UnknownThreadException(String message, String threadId) {
    super(message);
    this.threadId = threadId;
  }

  /** The thread id that was not found. */
  public String threadId() {
    return threadId;
  }
}
