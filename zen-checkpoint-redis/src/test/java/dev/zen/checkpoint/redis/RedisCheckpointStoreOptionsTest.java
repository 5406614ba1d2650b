package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisCheckpointStoreOptionsTest {

  @Test
  void the_defaults_are_the_documented_constants() {
    RedisCheckpointStoreOptions defaults = RedisCheckpointStoreOptions.defaults();
    assertThat(defaults.keyPrefix()).isEqualTo("zen");
    assertThat(defaults.ttl()).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.maxCheckpointsPerThread()).isEqualTo(1000);
    assertThat(defaults.maxBytesPerThread()).isEqualTo(64L * 1024 * 1024);
    assertThat(defaults.maxCheckpointBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(defaults.threadIndex()).isTrue();
    assertThat(defaults.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.requestQueueSize()).isEqualTo(10_000);
    assertThat(defaults.minReconnectDelay()).isEqualTo(Duration.ofMillis(20));
    assertThat(defaults.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.keepAliveIdle()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.topologyRefreshPeriod()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void setters_reject_bad_values_at_once_with_a_message_naming_the_setting() {
    RedisCheckpointStoreOptions.Builder builder = RedisCheckpointStoreOptions.builder();
    assertThatThrownBy(() -> builder.keyPrefix("has{brace")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> builder.keyPrefix("glob*")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> builder.keyPrefix("")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> builder.ttl(Duration.ofMillis(-1))).hasMessageContaining("ttl");
    assertThatThrownBy(() -> builder.maxCheckpointsPerThread(0)).hasMessageContaining("maxCheckpointsPerThread");
    assertThatThrownBy(() -> builder.maxBytesPerThread(0)).hasMessageContaining("maxBytesPerThread");
    assertThatThrownBy(() -> builder.maxCheckpointBytes(0)).hasMessageContaining("maxCheckpointBytes");
    assertThatThrownBy(() -> builder.commandTimeout(Duration.ZERO)).hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofHours(1))).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> builder.requestQueueSize(0)).hasMessageContaining("requestQueueSize");
    assertThatThrownBy(() -> builder.reconnectDelay(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("reconnect delay");
    assertThatThrownBy(() -> builder.keepAliveIdle(Duration.ofMillis(10))).hasMessageContaining("keepAliveIdle");
    assertThat(builder.build()).usingRecursiveComparison().isEqualTo(RedisCheckpointStoreOptions.defaults());
  }

  @Test
  void the_checkpoint_cap_never_exceeds_the_thread_budget() {
    assertThatThrownBy(() -> RedisCheckpointStoreOptions.builder().maxBytesPerThread(1000).maxCheckpointBytes(2000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytesPerThread");
    assertThat(RedisCheckpointStoreOptions.builder().maxBytesPerThread(1000).build().maxCheckpointBytes()).isEqualTo(1000);
  }

  @Test
  void to_builder_copies_every_setting() {
    RedisCheckpointStoreOptions options = RedisCheckpointStoreOptions.builder().keyPrefix("app:zen").ttl(Duration.ZERO)
        .maxCheckpointsPerThread(7).maxBytesPerThread(5000).maxCheckpointBytes(4000).threadIndex(false)
        .commandTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(400)).requestQueueSize(9)
        .reconnectDelay(Duration.ofMillis(1), Duration.ofMillis(2)).keepAliveIdle(Duration.ofSeconds(5))
        .topologyRefreshPeriod(Duration.ofSeconds(3)).build();
    assertThat(options.toBuilder().build()).usingRecursiveComparison().isEqualTo(options);
    assertThat(options.toString()).contains("app:zen", "threadIndex=false");
  }
}
