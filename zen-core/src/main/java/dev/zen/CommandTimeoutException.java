package dev.zen;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A command outlived its timeout and was stopped; {@link #termination()} says how, because over
 * SSH that depends on what the server supports.
 */
public class CommandTimeoutException extends OperationTimeoutException {
  private static final long serialVersionUID = 1L;

  /** How a command that ran too long was stopped. */
  public enum Termination {
    /**
     * The process was killed: a local process and its descendants; or a remote process group by a
     * {@code kill} command on a second channel, because the server refused the signal request
     * (OpenSSH does for root logins).
     */
    KILLED,
    /** A remote process: the server accepted a {@code KILL} signal over the channel, then the channel was closed. */
    SIGNALLED,
    /**
     * A remote process: the server refused signals, so only the channel was closed; the process
     * ends when it next reads or writes its closed streams (or on the server's own terms).
     */
    CHANNEL_CLOSED,
    /** The command never started: it was still waiting for a connection or a channel. */
    NOT_STARTED
  }

  private final Termination termination;

  public CommandTimeoutException(String message, Duration timeout, Termination termination, @Nullable Throwable cause) {
    super(message, timeout, cause);
    this.termination = Objects.requireNonNull(termination, "termination");
  }

  /** How the command was stopped. */
  public Termination termination() {
    return termination;
  }
}
