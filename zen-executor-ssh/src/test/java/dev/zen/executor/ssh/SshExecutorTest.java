package dev.zen.executor.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.ConnectionLostException;
import dev.zen.NonRetriableException;
import dev.zen.ServiceUnavailableException;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import dev.zen.testkit.SshdProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract cannot say about SSH: host keys, keys, agents, config, connections, failures, against real OpenSSH. */
class SshExecutorTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static SshdProcess sshd;

  @TempDir
  Path dir;

  @BeforeAll
  static void startServer() {
    sshd = SshdProcess.builder().maxSessions(10).start();
  }

  @AfterAll
  static void stopServer() {
    sshd.close();
  }

  private SshOptions.Builder options() {
    return SshOptions.builder().identity(sshd.clientKey()).knownHosts(sshd.knownHosts()).noSshConfig();
  }

  @Test
  void an_unknown_host_key_is_refused_with_an_error_naming_the_host_and_the_offered_fingerprint() throws IOException {
    Path empty = Files.createFile(dir.resolve("known_hosts"));

    try (SshExecutor ssh = SshExecutor.create(options().knownHosts(empty).build())) {
      Throwable error = failure(ssh.forHost(sshd.target()).execute(echo()));

      assertThat(error).isInstanceOf(HostKeyRejectedException.class).isInstanceOf(NonRetriableException.class)
          .hasMessageContaining("unknown host key for [127.0.0.1]:" + sshd.port())
          .hasMessageContaining(sshd.hostKeyFingerprint());
      HostKeyRejectedException rejected = (HostKeyRejectedException) error;
      assertThat(rejected.reason()).isEqualTo(HostKeyRejectedException.Reason.UNKNOWN);
      assertThat(rejected.offeredFingerprint()).isEqualTo(sshd.hostKeyFingerprint());
      assertThat(rejected.host()).isEqualTo("[127.0.0.1]:" + sshd.port());
    }
  }

  @Test
  void a_missing_known_hosts_file_refuses_every_host_rather_than_trusting_it() {
    try (SshExecutor ssh = SshExecutor.create(options().knownHosts(dir.resolve("absent")).build())) {
      assertThat(failure(ssh.forHost(sshd.target()).execute(echo()))).isInstanceOf(HostKeyRejectedException.class);
    }
  }

  @Test
  void a_changed_host_key_is_refused_and_the_error_names_both_fingerprints() throws Exception {
    Path other = dir.resolve("other");
    Keys.generate(other, "");
    String otherKey = Files.readString(dir.resolve("other.pub")).strip().split(" ")[0] + " "
        + Files.readString(dir.resolve("other.pub")).strip().split(" ")[1];
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " " + otherKey + "\n");

    try (SshExecutor ssh = SshExecutor.create(options().knownHosts(knownHosts).build())) {
      Throwable error = failure(ssh.forHost(sshd.target()).execute(echo()));

      assertThat(error).isInstanceOf(HostKeyRejectedException.class)
          .hasMessageContaining("HOST KEY CHANGED for [127.0.0.1]:" + sshd.port())
          .hasMessageContaining(sshd.hostKeyFingerprint())
          .hasMessageContaining(Keys.run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", dir.resolve("other.pub").toString())).split(" ")[1]);
      assertThat(((HostKeyRejectedException) error).reason()).isEqualTo(HostKeyRejectedException.Reason.CHANGED);
    }
  }

  @Test
  void a_hashed_known_hosts_entry_is_accepted() throws Exception {
    Path hashed = dir.resolve("known_hosts");
    Files.copy(sshd.knownHosts(), hashed);
    Keys.run(List.of("ssh-keygen", "-H", "-f", hashed.toString()));
    assertThat(Files.readString(hashed)).startsWith("|1|").doesNotContain("127.0.0.1");

    try (SshExecutor ssh = SshExecutor.create(options().knownHosts(hashed).build())) {
      assertThat(run(ssh.forHost(sshd.target()), echo()).stdout()).isEqualTo("hi\n");
    }
  }

  @Test
  void a_pinned_fingerprint_replaces_known_hosts_and_a_wrong_pin_is_refused() throws IOException {
    Path empty = Files.createFile(dir.resolve("known_hosts"));
    String wrong = "SHA256:" + "A".repeat(43);

    try (SshExecutor pinned = SshExecutor.create(options().knownHosts(empty).pinHostKey("127.0.0.1", sshd.hostKeyFingerprint()).build());
         SshExecutor mispinned = SshExecutor.create(options().pinHostKey("127.0.0.1:" + sshd.port(), wrong).build())) {
      assertThat(run(pinned.forHost(sshd.target()), echo()).stdout()).isEqualTo("hi\n");
      Throwable error = failure(mispinned.forHost(sshd.target()).execute(echo()));
      assertThat(error).isInstanceOf(HostKeyRejectedException.class)
          .hasMessageContaining("does not match its pinned fingerprint")
          .hasMessageContaining(sshd.hostKeyFingerprint())
          .hasMessageContaining(wrong);
    }
  }

  @Test
  void a_key_the_server_does_not_accept_fails_as_an_authentication_error() throws Exception {
    Path stranger = dir.resolve("stranger");
    Keys.generate(stranger, "");

    try (SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(stranger).knownHosts(sshd.knownHosts()).noSshConfig().build())) {
      Throwable error = failure(ssh.forHost(sshd.target()).execute(echo()));

      assertThat(error).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("accepted none of the offered keys")
          .hasMessageContaining(sshd.user() + "@127.0.0.1:" + sshd.port());
      assertThat(((AuthenticationException) error).isRetriable()).isFalse();
    }
  }

  @Test
  void an_unreachable_host_fails_as_a_retriable_service_unavailable_error() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    try (SshExecutor ssh = SshExecutor.create(options().build())) {
      Throwable error = failure(ssh.forHost("ssh://" + sshd.user() + "@127.0.0.1:" + closedPort).execute(echo()));

      assertThat(error).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("cannot connect to " + sshd.user() + "@127.0.0.1:" + closedPort)
          .hasMessageContaining("sshd listens on port " + closedPort);
      assertThat(((ServiceUnavailableException) error).isRetriable()).isTrue();
    }
  }

  @Test
  void a_connection_dropped_mid_command_fails_it_as_connection_lost_and_the_next_command_reconnects() {
    try (SshExecutor ssh = SshExecutor.create(options().build())) {
      RemoteExecutor host = ssh.forHost(sshd.target());
      CompletableFuture<CommandResult> running = host.execute(CommandSpec.builder("sh", "-c", "echo started; sleep 60").build(),
          (stream, line) -> {});
      await(() -> sshd.connectionCount() > 0, "a connection");
      awaitRunning(host);

      sshd.dropConnections();

      Throwable error = failure(running);
      assertThat(error).isInstanceOf(ConnectionLostException.class)
          .hasMessageContaining("dropped while 'sh -c echo started; sleep 60' ran");
      assertThat(((ConnectionLostException) error).isRetriable()).isTrue();
      assertThat(run(host, echo()).stdout()).isEqualTo("hi\n");
    }
  }

  @Test
  void a_passphrase_protected_openssh_key_authenticates_with_its_passphrase() throws Exception {
    Path key = dir.resolve("locked");
    Keys.generate(key, "correct horse battery");
    try (SshdProcess server = SshdProcess.builder().authorizedKey(Files.readString(dir.resolve("locked.pub"))).start();
         SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(key, "correct horse battery".toCharArray())
             .knownHosts(server.knownHosts()).noSshConfig().build())) {
      assertThat(run(ssh.forHost(server.target()), echo()).stdout()).isEqualTo("hi\n");
    }
  }

  @Test
  void a_wrong_or_missing_passphrase_fails_as_authentication_and_never_shows_the_passphrase() throws Exception {
    Path key = dir.resolve("locked");
    Keys.generate(key, "correct horse battery");
    SshOptions wrong = SshOptions.builder().identity(key, "s3cr3t-guess".toCharArray())
        .knownHosts(sshd.knownHosts()).noSshConfig().build();
    SshOptions missing = SshOptions.builder().identity(key).knownHosts(sshd.knownHosts()).noSshConfig().build();

    try (SshExecutor withWrong = SshExecutor.create(wrong); SshExecutor withMissing = SshExecutor.create(missing)) {
      Throwable wrongError = failure(withWrong.forHost(sshd.target()).execute(echo()));
      Throwable missingError = failure(withMissing.forHost(sshd.target()).execute(echo()));

      assertThat(wrongError).isInstanceOf(AuthenticationException.class).hasMessageContaining(key.toString())
          .hasMessageContaining("passphrase may be wrong");
      assertThat(missingError).isInstanceOf(AuthenticationException.class).hasMessageContaining("protected by a passphrase");
      for (Throwable t = wrongError; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cr3t-guess");
      }
      assertThat(wrong.toString()).doesNotContain("s3cr3t-guess");
    }
  }

  @Test
  void keys_held_by_an_ssh_agent_authenticate() throws Exception {
    Path socket = dir.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
    try {
      await(() -> Files.exists(socket), "the agent's socket");
      ProcessBuilder add = new ProcessBuilder("ssh-add", sshd.clientKey().toString()).redirectErrorStream(true);
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      assertThat(add.start().waitFor()).isZero();

      // No identity named: only the agent (or a default key file, which the server does not know) can authenticate.
      try (SshExecutor ssh = SshExecutor.create(SshOptions.builder().agent(socket).knownHosts(sshd.knownHosts())
          .noSshConfig().build())) {
        assertThat(run(ssh.forHost(sshd.target()), echo()).stdout()).isEqualTo("hi\n");
      }
    } finally {
      agent.destroy();
    }
  }

  @Test
  void an_ssh_config_alias_gives_host_name_port_user_and_identity_file() throws IOException {
    Path config = dir.resolve("config");
    Files.writeString(config, "Host build-box\n  HostName 127.0.0.1\n  Port " + sshd.port() + "\n  User " + sshd.user()
        + "\n  IdentityFile " + sshd.clientKey() + "\n");

    try (SshExecutor ssh = SshExecutor.create(SshOptions.builder().knownHosts(sshd.knownHosts()).sshConfig(config).build())) {
      RemoteExecutor host = ssh.forHost("build-box");

      assertThat(run(host, CommandSpec.builder("id", "-un").build()).stdout()).isEqualTo(sshd.user() + "\n");
      assertThat(host.toString()).contains(sshd.user() + "@127.0.0.1:" + sshd.port());
    }
  }

  @Test
  void commands_past_the_servers_max_sessions_go_to_more_connections() {
    try (SshdProcess small = SshdProcess.builder().maxSessions(2).start();
         SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(small.clientKey()).knownHosts(small.knownHosts())
             .noSshConfig().build())) {
      RemoteExecutor host = ssh.forHost(small.target());
      Path barrier = dir.resolve("barrier");
      List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
      int n = 7;
      for (int i = 0; i < n; i++) {
        // Each waits until all have started: they pass only if all 7 run at once, on 2 channels per connection.
        futures.add(host.execute(CommandSpec.builder("sh", "-c", "mkdir -p \"$1\"; touch \"$1/$2\"; i=0; "
            + "while [ $(ls \"$1\" | wc -l) -lt $3 ]; do i=$((i+1)); [ $i -gt 400 ] && exit 9; sleep 0.05; done",
            "sh", barrier.toString(), Integer.toString(i), Integer.toString(n)).timeout(WAIT).build()));
      }

      for (CompletableFuture<CommandResult> future : futures) {
        assertThat(future).succeedsWithin(WAIT).extracting(CommandResult::exitCode).isEqualTo(0);
      }
      assertThat(small.connectionCount()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void an_idle_connection_is_closed_after_the_idle_timeout_and_reopened_on_demand() {
    try (SshdProcess own = SshdProcess.start();
         SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(own.clientKey()).knownHosts(own.knownHosts())
             .noSshConfig().idleTimeout(Duration.ofMillis(500)).build())) {
      RemoteExecutor host = ssh.forHost(own.target());
      run(host, echo());
      assertThat(own.connectionCount()).isEqualTo(1);

      await(() -> own.connectionCount() == 0, "the idle connection to close");

      assertThat(run(host, echo()).stdout()).isEqualTo("hi\n");
    }
  }

  @Test
  void close_releases_every_connection_and_fails_running_and_later_commands() {
    try (SshdProcess own = SshdProcess.start()) {
      SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(own.clientKey()).knownHosts(own.knownHosts())
          .noSshConfig().build());
      RemoteExecutor host = ssh.forHost(own.target());
      CompletableFuture<CommandResult> running = host.execute(CommandSpec.builder("sleep", "60").build());
      await(() -> own.connectionCount() == 1, "a connection");

      ssh.close();
      ssh.close();

      assertThat(failure(running)).isInstanceOf(NonRetriableException.class).hasMessageContaining("closed");
      assertThat(failure(host.execute(echo()))).isInstanceOf(NonRetriableException.class).hasMessageContaining("closed");
      await(() -> own.connectionCount() == 0, "the connection to close");
    }
  }

  @Test
  void fifty_running_commands_hold_no_thread_each() {
    try (SshExecutor ssh = SshExecutor.create(options().build())) {
      RemoteExecutor host = ssh.forHost(sshd.target());
      run(host, echo());
      int before = Thread.activeCount();
      List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(host.execute(CommandSpec.builder("sleep", "3").build()));
      }
      await(() -> sshd.connectionCount() >= 5, "five connections");
      int during = Thread.activeCount();

      futures.forEach(future -> assertThat(future).succeedsWithin(WAIT));
      // MINA's I/O pool has a fixed size (cores + 1) and the pool's timers are shared: 50 commands
      // running at once cost no thread of their own.
      assertThat(during - before).isLessThan(10);
    }
  }

  @Test
  void a_malformed_target_is_refused_at_once() {
    try (SshExecutor ssh = SshExecutor.create(options().build())) {
      assertThatThrownBy(() -> ssh.forHost("http://x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ssh://[user@]host[:port]");
      assertThatThrownBy(() -> ssh.forHost("host:99999")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid port");
      assertThatThrownBy(() -> ssh.forHost(" ")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private void awaitRunning(RemoteExecutor host) {
    await(() -> run(host, CommandSpec.builder("sh", "-c", "pgrep -f 'sleep 60' >/dev/null").build()).exitCode() == 0,
        "the command to run");
  }

  private static CommandSpec echo() {
    return CommandSpec.builder("echo", "hi").build();
  }

  private static CommandResult run(RemoteExecutor executor, CommandSpec spec) {
    CompletableFuture<CommandResult> future = executor.execute(spec);
    assertThat(future).succeedsWithin(WAIT);
    return future.join();
  }

  private static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "\n" + sshd.logTail());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
