package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

  @Test
  void encoded_thread_ids_never_hold_braces_or_colons_and_decode_back() {
    Random random = new Random(42);
    Set<String> encodings = new HashSet<>();
    List<String> samples = new java.util.ArrayList<>(List.of("{", "}", ":", "{}", "a:b", "%7B", "%", "ü", "🙂", " ", "-._~"));
    for (int i = 0; i < 2000; i++) {
      StringBuilder id = new StringBuilder();
      int length = 1 + random.nextInt(12);
      for (int c = 0; c < length; c++) {
        id.appendCodePoint(random.nextBoolean() ? "{}:%ab-".charAt(random.nextInt(7)) : 1 + random.nextInt(0x2FFF));
      }
      samples.add(id.toString());
    }
    for (String id : new HashSet<>(samples)) {
      String encoded = KeyLayout.encode(id);
      assertThat(encoded).doesNotContain("{", "}", ":");
      assertThat(encoded).matches("[A-Za-z0-9%._~-]+");
      String expected = new String(id.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      assertThat(KeyLayout.decode(encoded)).isEqualTo(expected);
      assertThat(encodings.add(encoded)).as("distinct ids get distinct encodings: " + id).isTrue();
    }
  }

  @Test
  void keys_of_a_thread_share_one_hash_tag_and_index_keys_map_back_to_thread_ids() {
    KeyLayout layout = new KeyLayout("zen");
    byte[][] keys = layout.threadKeys("a:{b}");
    assertThat(new String(keys[0], StandardCharsets.UTF_8)).isEqualTo("zen:{a%3A%7Bb%7D}:idx");
    assertThat(new String(keys[1], StandardCharsets.UTF_8)).isEqualTo("zen:{a%3A%7Bb%7D}:body");
    assertThat(new String(keys[2], StandardCharsets.UTF_8)).isEqualTo("zen:{a%3A%7Bb%7D}:meta");
    assertThat(layout.threadIdOfIndexKey("zen:{a%3A%7Bb%7D}:idx")).isEqualTo("a:{b}");
    assertThat(layout.threadIdOfIndexKey("other:{a}:idx")).isNull();
    assertThat(layout.threadIdOfIndexKey("zen:{a%ZZ}:idx")).isNull();
  }
}
