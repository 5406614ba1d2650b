package dev.zen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

  private final List<String> lines = new ArrayList<>();

  @Test
  void lines_split_across_reads_are_reported_whole_without_their_terminators() {
    OutputCapture capture = new OutputCapture(1024, "stdout", line -> lines.add("STDOUT:" + line));

    feed(capture, "first li");
    feed(capture, "ne\r\nsecond\nthi");
    assertThat(lines).containsExactly("STDOUT:first line", "STDOUT:second");
    feed(capture, "rd");
    capture.finish();
    capture.finish();

    assertThat(lines).containsExactly("STDOUT:first line", "STDOUT:second", "STDOUT:third");
    assertThat(capture.text()).isEqualTo("first line\r\nsecond\nthird");
    assertThat(capture.truncated()).isFalse();
  }

  @Test
  void bytes_past_the_limit_are_dropped_flagged_and_never_reported() {
    OutputCapture capture = new OutputCapture(8, "stderr", line -> lines.add("STDERR:" + line));

    feed(capture, "abc\ndefgh\nlost\n");
    feed(capture, "more lost\n");
    capture.finish();

    assertThat(capture.text()).isEqualTo("abc\ndefg");
    assertThat(capture.truncated()).isTrue();
    assertThat(lines).containsExactly("STDERR:abc", "STDERR:defg");
  }

  @Test
  void a_multi_byte_character_split_between_reads_is_decoded_whole() {
    OutputCapture capture = new OutputCapture(64, "stdout", line -> lines.add("STDOUT:" + line));
    byte[] bytes = "wörld 🌍\n".getBytes(StandardCharsets.UTF_8);

    for (byte b : bytes) {
      capture.append(new byte[] {b}, 0, 1);
    }

    assertThat(lines).containsExactly("STDOUT:wörld 🌍");
  }

  @Test
  void a_failing_listener_does_not_stop_the_capture() {
    OutputCapture capture = new OutputCapture(64, "stdout", line -> {
      throw new IllegalStateException("listener bug");
    });

    feed(capture, "a\nb\n");

    assertThat(capture.text()).isEqualTo("a\nb\n");
  }

  private static void feed(OutputCapture capture, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    capture.append(bytes, 0, bytes.length);
  }
}
