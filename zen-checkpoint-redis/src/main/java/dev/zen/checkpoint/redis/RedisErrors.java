package dev.zen.checkpoint.redis;

import dev.zen.AuthenticationException;
import dev.zen.OperationTimeoutException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.internal.Futures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/** Turns Lettuce failures into Zen's exceptions, with messages that say what to do. */
final class RedisErrors {
  private RedisErrors() {}

  static Throwable translate(Throwable failure, String operation, String endpoint, Duration timeout) {
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
      if (message.startsWith("NOAUTH") || message.startsWith("WRONGPASS") || message.startsWith("NOPERM")) {
        return new AuthenticationException(operation + " was refused by Redis at " + endpoint + ": " + message
            + "; check the user and password in the Redis URI and the user's ACL permissions", t);
      }
      return new ServiceUnavailableException(operation + " failed on Redis at " + endpoint + ": " + message, t);
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
}
