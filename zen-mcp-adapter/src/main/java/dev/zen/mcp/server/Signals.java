package dev.zen.mcp.server;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, handled by the server's own shutdown path rather than
 * the JVM's default (run the shutdown hooks, exit 143 or 130). The server then stops the way it
 * does when the client closes stdin, or drains its HTTP calls, and exits with status 0: a process
 * manager or Kubernetes asking it to stop is a normal end, not a failure. A second signal while
 * stopping ends the process at once with the conventional status.
 *
 * <p>{@code sun.misc.Signal} lives in {@code jdk.unsupported}, which every JDK since 9 exports
 * and keeps for exactly this use; where it is missing, the JVM's default stays in place.
 */
final class Signals {
  // Not a static logger: onStop runs before the server configures logging (LOG_LEVEL, LOG_FORMAT),
  // and the first logger made fixes SLF4J's backend and its settings.

  private Signals() {}

  private static Logger log() {
    return LoggerFactory.getLogger(Signals.class);
  }

  /** Runs {@code stop} (once) on the first SIGTERM or SIGINT; false when they cannot be handled. */
  static boolean onStop(Runnable stop) {
    AtomicInteger received = new AtomicInteger();
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        int status = name.equals("TERM") ? 143 : 130;
        Signal.handle(new Signal(name), signal -> {
          if (received.getAndIncrement() == 0) {
            log().info("SIG{} received: stopping", name);
            stop.run();
          } else {
            log().warn("SIG{} received again while stopping: exiting now", name);
            Runtime.getRuntime().halt(status);
          }
        });
      }
      return true;
    } catch (LinkageError | IllegalArgumentException e) {
      log().debug("signals cannot be handled here; the JVM's default applies", e);
      return false;
    }
  }
}
