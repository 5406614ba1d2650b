package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

/** How the store prepares what it hands Lettuce. */
class RedisConnectorTest {

  @Test
  void a_parsed_uri_resolves_its_credentials_lazily_which_moves_lettuces_handshake_off_the_event_loop() {
    // The precondition of the race behind a refused AUTH reported as "cannot connect": if Lettuce
    // ever makes parsed credentials immediate itself, the conversion below becomes a no-op.
    RedisURI parsed = RedisURI.create("redis://zen:s3cret@127.0.0.1:6379");

    assertThat(parsed.getCredentialsProvider()).isNotInstanceOf(RedisCredentialsProvider.ImmediateRedisCredentialsProvider.class);
  }

  @Test
  void credentials_in_a_uri_are_resolved_at_once_so_a_refused_auth_is_handled_on_the_event_loop() {
    RedisURI uri = RedisConnector.withImmediateCredentials(RedisURI.create("redis://zen:s3cret@127.0.0.1:6379/2"));

    assertThat(uri.getCredentialsProvider()).isInstanceOf(RedisCredentialsProvider.ImmediateRedisCredentialsProvider.class);
    RedisCredentials credentials = ((RedisCredentialsProvider.ImmediateRedisCredentialsProvider) uri.getCredentialsProvider())
        .resolveCredentialsNow();
    assertThat(credentials.getUsername()).isEqualTo("zen");
    assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
    assertThat(uri.getDatabase()).isEqualTo(2);
  }

  @Test
  void sentinel_uris_get_immediate_credentials_too() {
    RedisURI uri = RedisConnector.withImmediateCredentials(
        RedisURI.create("redis-sentinel://zen:s3cret@127.0.0.1:26379,127.0.0.1:26380#primary"));

    assertThat(uri.getCredentialsProvider()).isInstanceOf(RedisCredentialsProvider.ImmediateRedisCredentialsProvider.class);
    for (RedisURI sentinel : uri.getSentinels()) {
      assertThat(sentinel.getCredentialsProvider()).satisfiesAnyOf(
          provider -> assertThat(provider).isNull(),
          provider -> assertThat(provider).isInstanceOf(RedisCredentialsProvider.ImmediateRedisCredentialsProvider.class));
    }
  }

  @Test
  void a_uri_without_credentials_is_left_as_it_is() {
    RedisURI uri = RedisConnector.withImmediateCredentials(RedisURI.create("redis://127.0.0.1:6379"));

    assertThat(uri.getHost()).isEqualTo("127.0.0.1");
    assertThat(uri.getPort()).isEqualTo(6379);
  }

  @Test
  void a_handshake_lettuce_lost_track_of_is_told_apart_from_an_unreachable_redis() {
    // The chain Lettuce 7.7 gives when the handshake ended before its connect listener ran.
    Throwable lost = new io.lettuce.core.RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:6379",
        new java.util.concurrent.CompletionException(new IllegalStateException("RedisHandshakeHandler not registered")));
    Throwable refused = new io.lettuce.core.RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:6379",
        new java.net.ConnectException("Connection refused"));

    assertThat(RedisConnector.handshakeOutcomeLost(lost)).isTrue();
    assertThat(RedisConnector.handshakeOutcomeLost(refused)).isFalse();
  }
}
