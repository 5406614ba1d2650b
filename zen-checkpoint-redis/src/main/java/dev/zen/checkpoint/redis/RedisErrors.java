package dev.zen.checkpoint.redis;

import dev.zen.AuthenticationException;
import dev.zen.ConnectionLostException;
import dev.zen.CorruptCheckpointException;
import dev.zen.OperationTimeoutException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.internal.Futures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/** Turns Lettuce failures into Zen's exceptions, with messages that say what to do. */
final class RedisErrors {
  private RedisErrors() {}

  /**
   * The Zen exception for a failed {@code operation}; {@code threadId} names the thread the call
   * was about, if any, so damage can be reported against it.
   */
  static Throwable translate(Throwable failure, String operation, String endpoint, Duration timeout,
      @Nullable String threadId) {
    Throwable t = Futures.unwrap(failure);
    if (t instanceof ZenException || t instanceof CancellationException || t instanceof Error
        || t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
      return t;
    }
    if (t instanceof RedisCommandTimeoutException) {
      return new OperationTimeoutException(operation + " on Redis at " + endpoint + " did not complete within "
          + timeout + " (the store's commandTimeout); Redis may be down, overloaded or unreachable", timeout, t);
    }
    if (t instanceof RedisConnectionException) {
      return new ServiceUnavailableException(operation + " failed: cannot connect to Redis at " + endpoint + " ("
          + t.getMessage() + "); check that Redis is running and reachable", t);
    }
    String message = String.valueOf(t.getMessage());
    if (t instanceof RedisCommandExecutionException) {
      if (message.startsWith("ZENWRONGTYPE ") || message.startsWith("WRONGTYPE")) {
        return wrongType(message, operation, endpoint, threadId, t);
      }
      if (message.startsWith("OOM")) {
        return new ServiceUnavailableException(operation + " was refused by Redis at " + endpoint + ": it is out of "
            + "memory (" + message + "); nothing was written. Raise Redis's maxmemory, give it an eviction policy, "
            + "or keep less (a shorter TTL, a smaller maxBytesPerThread)", t);
      }
      if (message.startsWith("NOAUTH") || message.startsWith("WRONGPASS") || message.startsWith("NOPERM")) {
        return new AuthenticationException(operation + " was refused by Redis at " + endpoint + ": " + message
            + "; check the user and password in the Redis URI and the user's ACL permissions", t);
      }
      return new ServiceUnavailableException(operation + " failed on Redis at " + endpoint + ": " + message, t);
    }
    if (connectionLost(t)) {
      return new ConnectionLostException(operation + " failed: the connection to Redis at " + endpoint + " dropped while "
          + "the command was under way (" + t + "); Redis is down or unreachable, the store keeps reconnecting. "
          + "Whether the command took effect is unknown", t);
    }
    if (message.startsWith("Currently not connected") || message.startsWith("Connection closed")) {
      return new ServiceUnavailableException(operation + " failed: not connected to Redis at " + endpoint
          + " (" + message + "); Redis is down or unreachable, the store keeps reconnecting", t);
    }
    if (message.startsWith("Request queue size exceeded")) {
      return new ServiceUnavailableException(operation + " failed: too many commands are waiting for Redis at "
          + endpoint + " (" + message + "); slow down or raise requestQueueSize", t);
    }
    return new ServiceUnavailableException(operation + " failed on Redis at " + endpoint + ": " + t, t);
  }

  /**
   * Whether {@code t} says the connection dropped under a command already sent: Lettuce fails the
   * commands awaiting a reply with "Connection disconnected" when the channel goes inactive (with
   * REJECT_COMMANDS, they are not kept for a replay), and with the socket's own error (connection
   * reset, broken pipe, closed channel) when a write or read fails first. Which one a caller gets
   * depends on whether the event loop has seen the close yet; both mean a dead or unreachable
   * Redis, like "Currently not connected" for a command sent after the close was seen.
   */
  private static boolean connectionLost(Throwable t) {
    if (t instanceof RedisException && String.valueOf(t.getMessage()).startsWith("Connection disconnected")) {
      return true;
    }
    int depth = 0;
    for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A key that holds another type than the store keeps there was written by something else: the
   * same call fails the same way until someone deletes it, so this is damage, not an outage.
   * {@code ZENWRONGTYPE <key> <found> <expected>} comes from the scripts' type checks, before they
   * write anything; a bare {@code WRONGTYPE} from a command names no key.
   */
  private static CorruptCheckpointException wrongType(String message, String operation, String endpoint,
      @Nullable String threadId, Throwable cause) {
    String whose = threadId == null ? "of the store's thread index" : "of thread '" + threadId + "'";
    String what = "a key " + whose + " holds the wrong kind of value (" + message + ")";
    String[] parts = message.split(" ");
    if (parts[0].equals("ZENWRONGTYPE") && parts.length >= 4) {
      what = "key '" + parts[1] + "' " + whose + " holds a " + parts[2] + " where the store keeps a " + parts[3];
    }
    String fix = threadId == null ? "delete that key (the index fills again as threads are written)"
        : "delete the thread (deleteThread) or that key to use the thread again";
    return new CorruptCheckpointException(operation + " failed on Redis at " + endpoint + ": " + what
        + "; something other than this store wrote it. Calling again will not help: " + fix + ".", cause);
  }

}
