package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckpointStoreSettingsTest {

  @Test
  void defaults_leave_the_ttl_to_the_store() {
    assertThat(CheckpointStoreSettings.defaults().ttl()).isEmpty();
    assertThat(CheckpointStoreSettings.builder().ttl(Duration.ofHours(3)).build().ttl()).hasValue(Duration.ofHours(3));
  }

  @Test
  void a_ttl_that_is_not_positive_is_refused_at_once() {
    assertThatThrownBy(() -> CheckpointStoreSettings.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl must be positive");
    assertThatThrownBy(() -> CheckpointStoreSettings.builder().ttl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
