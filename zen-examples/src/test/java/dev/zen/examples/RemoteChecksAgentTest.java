package dev.zen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.executor.ssh.SshExecutor;
import dev.zen.executor.ssh.SshOptions;
import dev.zen.graph.RunResult;
import dev.zen.spi.RemoteExecutor;
import dev.zen.testkit.SshdProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The remote-checks example, with the executor injected: locally, and on the testkit's real OpenSSH server. */
@EnabledOnOs(OS.LINUX)
class RemoteChecksAgentTest {
  private static final List<List<String>> CHECKS = List.of(
      List.of("sh", "-c", "echo compiling; echo ok"),
      List.of("sh", "-c", "echo 'test failed: 1 of 12' >&2; exit 1"),
      List.of("uname", "-s"));

  @Test
  void checks_run_locally_and_the_report_names_what_passed_and_failed() {
    RunResult result = RemoteChecksAgent.create(RemoteExecutor.local(), Duration.ofSeconds(30)).run("local", CHECKS).join();

    assertReport(result);
  }

  @Test
  void checks_run_on_a_host_over_ssh_with_the_same_report() {
    try (SshdProcess sshd = SshdProcess.start();
         SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(sshd.clientKey())
             .knownHosts(sshd.knownHosts()).noSshConfig().build())) {
      RunResult result = RemoteChecksAgent.create(ssh.forHost(sshd.target()), Duration.ofSeconds(30))
          .run("remote", CHECKS).join();

      assertReport(result);
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertReport(RunResult result) {
    Map<String, Object> state = result.state().asMap();
    assertThat((List<String>) state.get("passed")).containsExactly("sh -c echo compiling; echo ok", "uname -s");
    assertThat((List<String>) state.get("failed")).containsExactly("sh -c echo 'test failed: 1 of 12' >&2; exit 1");
    List<Map<String, Object>> results = (List<Map<String, Object>>) state.get("results");
    assertThat(results.get(0)).containsEntry("stdout", "compiling\nok\n");
    assertThat(results.get(1)).containsEntry("exit_code", 1).containsEntry("stderr", "test failed: 1 of 12\n");
    assertThat(results.get(2)).containsEntry("stdout", "Linux\n");
  }
}
