package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher starts a real sshd that the OpenSSH client can log in to with the given key and known_hosts. */
class SshdProcessTest {

  @Test
  void the_openssh_client_logs_in_with_the_client_key_and_strict_host_key_checking() throws Exception {
    try (SshdProcess sshd = SshdProcess.builder().maxSessions(3).start()) {
      assertThat(sshd.hostKeyFingerprint()).startsWith("SHA256:");
      assertThat(sshd.version()).startsWith("OpenSSH");

      String output = ssh(sshd, "echo", "logged-in-as-$(id -un)");

      assertThat(output).isEqualTo("logged-in-as-" + sshd.user() + "\n");
      assertThat(Files.readString(sshd.dir().resolve("sshd_config"))).contains("MaxSessions 3");
    }
  }

  @Test
  void close_stops_the_server_and_deletes_its_directory() {
    SshdProcess sshd = SshdProcess.start();
    long pid = sshd.pid();
    Path dir = sshd.dir();

    sshd.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(dir).doesNotExist();
  }

  private static String ssh(SshdProcess sshd, String... command) throws IOException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(List.of("ssh", "-i", sshd.clientKey().toString(),
        "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + sshd.knownHosts(), "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "-p", Integer.toString(sshd.port()),
        sshd.user() + "@" + sshd.host()));
    argv.addAll(List.of(command));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output + "\n" + sshd.logTail()).isZero();
    return output;
  }
}
