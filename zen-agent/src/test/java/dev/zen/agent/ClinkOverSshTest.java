package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.agent.clink.CliClients;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.executor.ssh.SshExecutor;
import dev.zen.executor.ssh.SshOptions;
import dev.zen.testkit.SshdProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** clink with a client that names a host: the CLI runs there through the SSH executor, on a real OpenSSH server. */
@EnabledOnOs(OS.LINUX)
class ClinkOverSshTest {
  private static SshdProcess sshd;
  private static SshExecutor ssh;
  final GatewayDouble gateway = new GatewayDouble();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sshd = SshdProcess.start();
    ssh = SshExecutor.create(SshOptions.builder().identity(sshd.clientKey()).knownHosts(sshd.knownHosts())
        .noSshConfig().build());
  }

  @AfterAll
  static void stop() {
    ssh.close();
    sshd.close();
  }

  ZenAgent agent(String definition) {
    return Agents.builder(gateway, MemoryCheckpointStore.create())
        .cliClients(CliClients.builder().define(definition, "test").build())
        .remoteHosts(ssh::forHost)
        .build();
  }

  Path script(String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\ncat > \"$0.stdin\"\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void a_client_naming_a_host_runs_its_cli_there_with_progress() throws IOException {
    Path gemini = script("gemini", "echo \"on $(hostname) as $(id -un)\" >&2; "
        + "printf '%s' '{\"response\": \"Remote answer.\", \"stats\": {\"models\": {\"gemini-2.5-flash\": {}}}}'");
    Agents.Reports reports = new Agents.Reports();

    try (ZenAgent agent = agent("{\"name\": \"gemini\", \"command\": \"" + gemini + "\", \"host\": \"" + sshd.target() + "\"}")) {
      ToolResult result = agent.call(ToolCall.builder("clink").arguments(Map.of("prompt", "remote question"))
          .progressListener(reports.all::add).build()).join();

      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(result.text()).contains("Remote answer.");
      assertThat(result.structuredContent().get("metadata").toString()).contains("host=" + sshd.target())
          .contains("model_used=gemini-2.5-flash");
    }
    assertThat(reports.messages()).anyMatch(message -> message.startsWith("gemini: on ") && message.contains(sshd.user()));
    assertThat(Files.readString(dir.resolve("gemini.stdin"))).contains("=== USER REQUEST ===\nremote question");
  }

  @Test
  void a_cli_missing_on_the_remote_host_gives_an_error_naming_the_host() {
    try (ZenAgent agent = agent("{\"name\": \"ghost\", \"command\": \"zen-no-such-cli-42\", \"host\": \"" + sshd.target() + "\"}")) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("cannot be started on host " + sshd.target())
          .contains("zen-no-such-cli-42: command not found");
    }
  }

  @Test
  void an_unreachable_host_gives_an_error_naming_it() {
    String target = "ssh://" + sshd.user() + "@127.0.0.1:1";
    try (ZenAgent agent = agent("{\"name\": \"far\", \"command\": \"gemini\", \"host\": \"" + target + "\"}")) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("could not run on host " + target).contains("cannot connect");
    }
  }

  @Test
  void cancelling_the_call_kills_the_remote_cli_within_a_second() throws Exception {
    Path hang = script("hang", "echo $$ > \"$0.pid\"; sleep 300");

    try (ZenAgent agent = agent("{\"name\": \"hang\", \"command\": \"" + hang + "\", \"host\": \"" + sshd.target() + "\"}")) {
      CompletableFuture<ToolResult> call = agent.call(ToolCall.of("clink", Map.of("prompt", "x")));
      ClinkTest.await(() -> Files.exists(dir.resolve("hang.pid")) && !readQuietly(dir.resolve("hang.pid")).isBlank(),
          Duration.ofSeconds(20));
      long pid = Long.parseLong(Files.readString(dir.resolve("hang.pid")).strip());

      long start = System.nanoTime();
      call.cancel(true);
      ClinkTest.await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(5));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
