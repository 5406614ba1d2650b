package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.zen.CorruptCheckpointException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CheckpointCodecTest {

  private static final Instant CREATED = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);

  @Test
  void codec_round_trips_every_state_value_type() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("int", 42);
    state.put("long", 42L);
    state.put("float", 1.5f);
    state.put("double", 1.5d);
    state.put("short", (short) -7);
    state.put("byte", (byte) 127);
    state.put("bigInteger", new BigInteger("-123456789012345678901234567890"));
    state.put("bigDecimal", new BigDecimal("3.14159265358979323846264338327950288419716939937510"));
    state.put("scaledDecimal", new BigDecimal("1.50"));
    state.put("exponentDecimal", new BigDecimal("1E+3"));
    state.put("true", true);
    state.put("false", false);
    state.put("null", null);
    state.put("nan", Double.NaN);
    state.put("negativeZero", -0.0d);
    state.put("extremes", List.of(Integer.MIN_VALUE, Long.MAX_VALUE, Float.MAX_VALUE, Double.MIN_VALUE));
    state.put("empty", "");
    state.put("unicode", "héllo wörld 🌍👩‍👩‍👧 世界 \u0000 \n\t\"");
    state.put("list", Arrays.asList(1, "two", null, List.of(3L, Map.of("four", 4.0f))));
    state.put("emptyList", List.of());
    state.put("emptyMap", Map.of());
    state.put("nested", Map.of("deeper", Map.of("deepest", Arrays.asList(null, (short) 1))));
    Checkpoint checkpoint = new Checkpoint("thread-🌍", "cp-1", "__START__", "node-b", state, CREATED);

    Checkpoint decoded = CheckpointCodec.decode(CheckpointCodec.encode(checkpoint));

    assertThat(decoded).isEqualTo(checkpoint);
    assertThat(decoded.state().keySet()).containsExactlyElementsOf(state.keySet());
    for (Map.Entry<String, Object> entry : state.entrySet()) {
      Object back = decoded.state().get(entry.getKey());
      if (entry.getValue() != null && StateValues.isLeaf(entry.getValue())) {
        assertThat(back).as(entry.getKey()).isInstanceOf(entry.getValue().getClass());
      }
    }
    assertThat(decoded.state().get("int")).isExactlyInstanceOf(Integer.class);
    assertThat(decoded.state().get("long")).isExactlyInstanceOf(Long.class);
    assertThat(((BigDecimal) decoded.state().get("scaledDecimal")).scale()).isEqualTo(2);
    assertThat(Double.doubleToRawLongBits((Double) decoded.state().get("negativeZero")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0d));
    List<?> list = (List<?>) decoded.state().get("list");
    assertThat(list.get(0)).isExactlyInstanceOf(Integer.class);
    assertThat(((List<?>) list.get(3)).get(0)).isExactlyInstanceOf(Long.class);
    assertThat(((Map<?, ?>) ((List<?>) list.get(3)).get(1)).get("four")).isExactlyInstanceOf(Float.class);
    assertThat(StateValues.isFrozen(decoded.state())).isTrue();
  }

  @Test
  void codec_round_trips_a_one_mebibyte_string() {
    StringBuilder text = new StringBuilder(1 << 20);
    Random random = new Random(7);
    while (text.length() < (1 << 20)) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    Checkpoint checkpoint = checkpoint(Map.of("big", text.toString()));

    Checkpoint decoded = CheckpointCodec.decode(CheckpointCodec.encode(checkpoint));

    assertThat(decoded.state().get("big")).isEqualTo(text.toString());
  }

  @Test
  void codec_round_trips_ids_absent_node_ids_and_creation_time_with_nanos() {
    Instant[] times = {CREATED, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999), Instant.MAX, Instant.MIN};
    String[][] nodeIds = {{null, null}, {"a", null}, {null, "b"}, {"ノード", "__END__"}};
    for (Instant time : times) {
      for (String[] nodes : nodeIds) {
        Checkpoint checkpoint = new Checkpoint("t", "id with spaces", nodes[0], nodes[1], Map.of(), time);

        Checkpoint decoded = CheckpointCodec.decode(CheckpointCodec.encode(checkpoint));

        assertThat(decoded).isEqualTo(checkpoint);
        assertThat(decoded.nodeId()).isEqualTo(nodes[0]);
        assertThat(decoded.nextNodeId()).isEqualTo(nodes[1]);
        assertThat(decoded.createdAt().getNano()).isEqualTo(time.getNano());
      }
    }
  }

  @Test
  void state_nested_to_the_maximum_depth_round_trips() {
    Checkpoint checkpoint = checkpoint(Map.of("deep", StateValuesTest.nestedLists(StateValues.MAX_DEPTH - 1)));

    assertThat(CheckpointCodec.decode(CheckpointCodec.encode(checkpoint))).isEqualTo(checkpoint);
  }

  @Test
  void encoding_starts_with_magic_and_version() {
    byte[] bytes = CheckpointCodec.encode(checkpoint(Map.of()));

    assertThat(Arrays.copyOf(bytes, 3)).containsExactly('Z', 'C', CheckpointCodec.FORMAT_VERSION);
  }

  @Test
  void wrong_magic_is_reported_as_not_a_zen_checkpoint() {
    byte[] bytes = CheckpointCodec.encode(checkpoint(Map.of("a", 1)));
    bytes[0] = '{';

    assertThatThrownBy(() -> CheckpointCodec.decode(bytes))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("not a Zen checkpoint")
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> CheckpointCodec.decode("{\"json\":true}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("magic");
  }

  @Test
  void an_unknown_format_version_names_the_version_and_says_to_upgrade() {
    byte[] bytes = CheckpointCodec.encode(checkpoint(Map.of("a", 1)));
    bytes[2] = (byte) 200;

    assertThatThrownBy(() -> CheckpointCodec.decode(bytes))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("version 200")
        .hasMessageContaining("upgrade Zen");
  }

  @Test
  @Timeout(10)
  void every_truncated_prefix_is_reported_as_corrupt() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("s", "hé🌍");
    state.put("n", Arrays.asList(1, 2L, 3.0f, 4.0d, (short) 5, (byte) 6, null, true));
    state.put("b", List.of(BigInteger.TEN, new BigDecimal("0.1")));
    state.put("m", Map.of("k", Map.of()));
    byte[] bytes = CheckpointCodec.encode(new Checkpoint("thread", "id", "node", null, state, CREATED));

    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);

      Throwable failure = catchThrowable(() -> CheckpointCodec.decode(prefix));

      assertThat(failure).as("prefix of %d of %d bytes", length, bytes.length)
          .isExactlyInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("checkpoint");
    }
    assertThatThrownBy(() -> CheckpointCodec.decode(Arrays.copyOf(bytes, 10)))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> CheckpointCodec.decode(new byte[0]))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  @Timeout(20)
  void random_byte_flips_either_decode_or_fail_as_corrupt() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("text", "some text");
    state.put("numbers", List.of(1, 2L, 3.5, new BigDecimal("9.99"), BigInteger.TWO));
    state.put("map", Map.of("a", Map.of("b", List.of("c"))));
    byte[] original = CheckpointCodec.encode(new Checkpoint("thread", "id", "n", "m", state, CREATED));
    Random random = new Random(20240601L);
    int corrupt = 0;

    for (int round = 0; round < 5_000; round++) {
      byte[] bytes = original.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
      }

      Throwable failure = catchThrowable(() -> CheckpointCodec.decode(bytes));

      if (failure != null) {
        assertThat(failure).as("round %d", round).isExactlyInstanceOf(CorruptCheckpointException.class);
        corrupt++;
      }
    }
    assertThat(corrupt).isGreaterThan(1_000);
  }

  @Test
  void absurd_container_and_string_sizes_are_rejected_without_allocating_them() {
    byte[] emptyState = CheckpointCodec.encode(checkpoint(Map.of()));
    byte[] withList = CheckpointCodec.encode(checkpoint(Map.of("l", List.of())));
    byte[] withString = CheckpointCodec.encode(checkpoint(Map.of("s", "")));

    for (int size : new int[] {Integer.MAX_VALUE, 1 << 30, 1000, -2, Integer.MIN_VALUE}) {
      assertThatThrownBy(() -> CheckpointCodec.decode(withLastIntReplaced(emptyState, size)))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("container size " + size);
      assertThatThrownBy(() -> CheckpointCodec.decode(withLastIntReplaced(withList, size)))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("container size " + size);
      assertThatThrownBy(() -> CheckpointCodec.decode(withLastIntReplaced(withString, size)))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("string length " + size);
    }
  }

  @Test
  void nesting_deeper_than_the_limit_is_rejected_as_corrupt() throws IOException {
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(state);
    for (int i = 0; i < 100_000; i++) {
      out.writeByte(8); // a list of one element, nested
      out.writeInt(1);
    }
    out.writeByte(0);
    byte[] bytes = replaceState(CheckpointCodec.encode(checkpoint(Map.of())), state.toByteArray());

    assertThatThrownBy(() -> CheckpointCodec.decode(bytes))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("deeper than " + StateValues.MAX_DEPTH);
  }

  @Test
  void damaged_structure_is_reported_with_a_specific_message() {
    byte[] valid = CheckpointCodec.encode(checkpoint(Map.of()));

    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
    assertThatThrownBy(() -> CheckpointCodec.decode(trailing))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("trailing bytes");

    assertThatThrownBy(() -> CheckpointCodec.decode(replaceState(valid, new byte[] {99})))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("unknown value tag 99");

    assertThatThrownBy(() -> CheckpointCodec.decode(replaceState(valid, new byte[] {8, 0, 0, 0, 0})))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("state is not a map");

    byte[] badNumber = {12, 0, 0, 0, 3, 'x', 'y', 'z'};
    byte[] mapWithBadNumber = concat(new byte[] {9, 0, 0, 0, 1, 0, 0, 0, 1, 'n'}, badNumber);
    Throwable failure = catchThrowable(() -> CheckpointCodec.decode(replaceState(valid, mapWithBadNumber)));
    assertThat(failure).isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("cannot be decoded")
        .hasCauseInstanceOf(NumberFormatException.class);
  }

  @Test
  void a_foreign_content_type_is_rejected() {
    byte[] valid = CheckpointCodec.encode(checkpoint(Map.of()));
    int offset = 3 + 4;
    valid[offset] = 'X';

    assertThatThrownBy(() -> CheckpointCodec.decode(valid))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("content type 'Xpplication/x-zen-state; v=1'");
  }

  @Test
  void corrupt_checkpoint_exception_is_not_retriable() {
    Throwable failure = catchThrowable(() -> CheckpointCodec.decode(new byte[] {1, 2, 3}));

    assertThat(((CorruptCheckpointException) failure).isRetriable()).isFalse();
  }

  @Test
  void decoding_null_is_an_invalid_argument_not_corruption() {
    assertThatThrownBy(() -> CheckpointCodec.decode(null)).isExactlyInstanceOf(NullPointerException.class);
  }

  @Test
  void decoding_a_large_checkpoint_is_fast() {
    Map<String, Object> state = new LinkedHashMap<>();
    for (int i = 0; i < 20_000; i++) {
      state.put("key" + i, List.of(i, "value" + i));
    }
    Checkpoint checkpoint = checkpoint(state);
    long start = System.nanoTime();

    Checkpoint decoded = CheckpointCodec.decode(CheckpointCodec.encode(checkpoint));

    assertThat(decoded).isEqualTo(checkpoint);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  private static Checkpoint checkpoint(Map<String, ?> state) {
    return new Checkpoint("thread", "id", null, null, Map.copyOf(state), CREATED);
  }

  private static byte[] withLastIntReplaced(byte[] bytes, int value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).putInt(copy.length - 4, value);
    return copy;
  }

  /** The encoding of a checkpoint with an empty state ends with the 5 bytes of that empty map. */
  private static byte[] replaceState(byte[] emptyStateEncoding, byte[] state) {
    return concat(Arrays.copyOf(emptyStateEncoding, emptyStateEncoding.length - 5), state);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
