package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSpecTest {

  @Test
  void a_command_needs_a_program_name() {
    for (List<String> bad : List.of(List.<String>of(), List.of(""), List.of("  ", "arg"), Arrays.asList((String) null))) {
      assertThatThrownBy(() -> CommandSpec.builder(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a command needs a program name as its first argument");
    }
    assertThatThrownBy(() -> CommandSpec.builder(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a command needs a program name as its first argument");
  }

  @Test
  void a_null_argument_is_rejected_with_a_message() {
    assertThatThrownBy(() -> CommandSpec.builder("ls", "-l", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("arguments must not be null");
    assertThatThrownBy(() -> CommandSpec.builder(Arrays.asList("ls", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("arguments must not be null");
  }

  @Test
  void environment_names_must_be_non_empty_and_without_equals_sign() {
    for (String bad : new String[] {null, "", "A=B"}) {
      assertThatThrownBy(() -> CommandSpec.builder("env").environment(bad, "v"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid environment variable name: " + bad);
    }
    assertThatThrownBy(() -> CommandSpec.builder("env").environment("A", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
  }

  @Test
  void timeout_working_directory_and_output_limit_are_validated() {
    assertThatThrownBy(() -> CommandSpec.builder("x").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> CommandSpec.builder("x").timeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> CommandSpec.builder("x").timeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
    assertThatThrownBy(() -> CommandSpec.builder("x").workingDirectory(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workingDirectory must not be blank");
    assertThatThrownBy(() -> CommandSpec.builder("x").stdin(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("stdin");
    assertThatThrownBy(() -> CommandSpec.builder("x").outputLimitBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outputLimitBytes must be > 0, was 0");
  }

  @Test
  void defaults_are_documented_values() {
    CommandSpec spec = CommandSpec.builder("git", "status").build();

    assertThat(spec.argv()).containsExactly("git", "status");
    assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(CommandSpec.DEFAULT_TIMEOUT_SECONDS));
    assertThat(spec.outputLimitBytes()).isEqualTo(CommandSpec.DEFAULT_OUTPUT_LIMIT_BYTES);
    assertThat(spec.environment()).isEmpty();
    assertThat(spec.workingDirectory()).isEmpty();
    assertThat(spec.stdin()).isEmpty();
    assertThat(spec.commandLine()).isEqualTo("git status");
    assertThat(spec.toString()).contains("git status", "timeout=PT1M");
  }

  @Test
  void argv_and_environment_are_copied_and_immutable() {
    List<String> argv = new ArrayList<>(List.of("echo", "a"));
    CommandSpec.Builder builder = CommandSpec.builder(argv).environment("K", "V");
    argv.add("b");
    CommandSpec spec = builder.build();
    builder.environment("K2", "V2");

    assertThat(spec.argv()).containsExactly("echo", "a");
    assertThat(spec.environment()).containsOnlyKeys("K");
    assertThatThrownBy(() -> spec.argv().add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.environment().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }
}
