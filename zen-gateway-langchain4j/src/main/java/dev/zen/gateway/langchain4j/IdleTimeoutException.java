package dev.zen.gateway.langchain4j;

import java.io.IOException;
import java.time.Duration;

/**
 * The endpoint started answering, then sent nothing for the idle timeout. Not an
 * {@link java.net.http.HttpTimeoutException}: the JDK client rethrows those without their cause,
 * and this one must keep what it says.
 */
final class IdleTimeoutException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;
  private final long receivedBytes;

  IdleTimeoutException(Duration timeout, long receivedBytes) {
    super("no byte of the answer arrived for " + timeout + " (after " + receivedBytes + " bytes)");
    this.timeout = timeout;
    this.receivedBytes = receivedBytes;
  }

  Duration timeout() {
    return timeout;
  }

  long receivedBytes() {
    return receivedBytes;
  }
}
