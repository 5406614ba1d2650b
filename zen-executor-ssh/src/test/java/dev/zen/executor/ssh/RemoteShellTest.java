package dev.zen.executor.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteShellTest {

  @Test
  void every_argument_is_single_quoted_and_quotes_inside_are_escaped() {
    assertThat(RemoteShell.quote("it's $HOME")).isEqualTo("'it'\\''s $HOME'");
    String line = RemoteShell.commandLine(CommandSpec.builder("echo", "a b", "$(id)").build());

    assertThat(line).endsWith("exec 'echo' 'a b' '$(id)'").startsWith("printf 'zen-pid:%s\\n' \"$$\" >&2; ");
  }

  @Test
  void environment_names_a_remote_shell_cannot_export_are_refused() {
    assertThatThrownBy(() -> RemoteShell.commandLine(CommandSpec.builder("env").environment("A-B", "1").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A-B'");
  }

  @Test
  void the_wrappers_own_start_failures_become_invalid_requests_but_a_programs_exit_127_does_not() {
    CommandSpec spec = CommandSpec.builder("zen-missing").build();
    CommandResult wrapper = new CommandResult(127, "", "zen-exec: zen-missing: command not found\n", Duration.ZERO, false, false);
    CommandResult program = new CommandResult(127, "", "something else\n", Duration.ZERO, false, false);

    assertThat(RemoteShell.startFailure(spec, wrapper, "u@h:22")).get().extracting(Throwable::getMessage).asString()
        .contains("cannot start 'zen-missing' on u@h:22: zen-missing: command not found");
    assertThat(RemoteShell.startFailure(spec, program, "u@h:22")).isEmpty();
  }
}
