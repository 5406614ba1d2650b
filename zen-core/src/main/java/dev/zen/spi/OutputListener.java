package dev.zen.spi;

/**
 * Receives a running command's output line by line, as it arrives: for progress reports and live
 * logs. The {@link CommandResult} still carries the whole (capped) output.
 *
 * <p>Lines are those of the output the executor keeps: once a stream reaches the command's
 * {@link CommandSpec#outputLimitBytes() cap}, no more of its lines are reported, so a flood cannot
 * flood the listener either. A line is reported without its terminator ({@code \n} or
 * {@code \r\n}), decoded as UTF-8; the last line of a stream is reported when the stream ends even
 * without a terminator. Calls for one stream come in order, one at a time, on an executor's I/O
 * thread, and before the command's future completes: return quickly and never block. An exception
 * thrown by the listener is logged and does not affect the command.
 */
@FunctionalInterface
public interface OutputListener {

  /** A listener that ignores every line. */
  OutputListener NONE = (stream, line) -> {};

  /** The stream a line came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  void onLine(Stream stream, String line);
}
