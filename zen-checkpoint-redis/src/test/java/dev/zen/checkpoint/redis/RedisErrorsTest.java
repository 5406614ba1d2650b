package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ConnectionLostException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * How Lettuce's failures of a connection to a Redis that died are classified. Which one a command
 * gets depends on a race (has the event loop seen the close yet?), so each must say the same thing:
 * Redis is down, try again later. RedisOutageTest makes Redis die under a real command.
 */
class RedisErrorsTest {
  private static final String ENDPOINT = "redis://127.0.0.1:6379";

  @Test
  void a_command_failed_because_the_connection_dropped_under_it_is_a_retriable_connection_loss() {
    // Lettuce's failure for commands still awaiting a reply when the channel went inactive.
    assertConnectionLost(new RedisException("Connection disconnected"));
    // The socket's own error, when a write or read on the dead connection fails first.
    assertConnectionLost(new SocketException("Connection reset"));
    assertConnectionLost(new IOException("Broken pipe"));
    assertConnectionLost(new RedisException("wrapped", new ClosedChannelException()));
    assertConnectionLost(new CompletionException(new RedisException("Connection disconnected")));
  }

  @Test
  void a_command_rejected_before_it_was_sent_stays_a_plain_service_unavailable() {
    Throwable rejected = translate(new RedisException("Currently not connected. Commands are rejected."));

    assertThat(rejected).isExactlyInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("Redis is down or unreachable");
  }

  private static void assertConnectionLost(Throwable failure) {
    Throwable translated = translate(failure);
    assertThat(translated).isInstanceOf(ConnectionLostException.class)
        .hasMessageStartingWith("lease failed: the connection to Redis at " + ENDPOINT + " dropped")
        .hasMessageContaining("Redis is down or unreachable")
        .hasMessageContaining("Whether the command took effect is unknown");
    assertThat(ZenException.isRetriable(translated)).isTrue();
  }

  private static Throwable translate(Throwable failure) {
    return RedisErrors.translate(failure, "lease", ENDPOINT, Duration.ofSeconds(3), "t");
  }
}
