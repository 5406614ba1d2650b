package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.ServiceUnavailableException;
import dev.zen.spi.Checkpoint;
import dev.zen.testkit.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslOptions;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code rediss://}: a real redis-server serving TLS only, with a self-signed test certificate. */
class RedisTlsTest {
  /**
   * These tests are about TLS, not timing: a JVM's first TLS handshake on a loaded machine took
   * more than the default 2 s, which made a correct store fail as "cannot connect".
   */
  private static final RedisCheckpointStoreOptions UNHURRIED = RedisCheckpointStoreOptions.builder()
      .connectTimeout(Duration.ofSeconds(20)).build();
  private static RedisServerProcess redis;
  private static Path certificate;

  @BeforeAll
  static void startRedis() throws URISyntaxException {
    certificate = resource("tls/redis-test-cert.pem");
    redis = RedisServerProcess.builder().tls(certificate, resource("tls/redis-test-key.pem")).start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void a_rediss_uri_verifies_the_server_certificate_by_default() {
    assertThat(redis.uri()).startsWith("rediss://");
    try (RedisCheckpointStore store = RedisCheckpointStore.builder(redis.uri()).options(UNHURRIED).build()) {
      assertThatThrownBy(() -> store.latest("t").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("cannot connect to Redis at rediss://127.0.0.1:" + redis.port());
    }
  }

  @Test
  void a_shared_client_that_trusts_the_certificate_stores_and_reads_over_tls() throws Exception {
    RedisClient shared = RedisClient.create();
    shared.setOptions(ClientOptions.builder()
        .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(certificate.toFile()).build())
        .build());
    try (RedisCheckpointStore store = RedisCheckpointStore.builder(shared, redis.uri()).build()) {
      Checkpoint checkpoint = new Checkpoint("t", "c1", "n", null, Map.of("secret", "over tls"), Instant.EPOCH);
      store.put(checkpoint).get(10, TimeUnit.SECONDS);
      assertThat(store.latest("t").get(10, TimeUnit.SECONDS)).contains(checkpoint);
    } finally {
      shared.shutdown();
    }
  }

  @Test
  void verify_peer_none_in_the_uri_encrypts_without_checking_the_certificate() throws Exception {
    try (RedisCheckpointStore store = RedisCheckpointStore.builder(redis.uri() + "?verifyPeer=NONE")
        .options(UNHURRIED).build()) {
      Checkpoint checkpoint = new Checkpoint("u", "c1", "n", null, Map.of("k", 1), Instant.EPOCH);
      store.put(checkpoint).get(10, TimeUnit.SECONDS);
      assertThat(store.get("u", "c1").get(10, TimeUnit.SECONDS)).contains(checkpoint);
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return new File(RedisTlsTest.class.getClassLoader().getResource(name).toURI()).toPath();
  }
}
