package dev.zen.executor.ssh;

import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.OutputListener;
import dev.zen.spi.RemoteExecutor;
import dev.zen.testkit.RemoteExecutorContract;
import dev.zen.testkit.SshdProcess;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The SSH executor passes the executor contract against a real OpenSSH server (Debian's sshd,
 * {@code MaxSessions 10}, so the concurrency case spreads over several connections).
 */
class SshExecutorOnOpenSshContractTest extends RemoteExecutorContract {
  private static SshdProcess sshd;

  @BeforeAll
  static void startServer() {
    sshd = SshdProcess.builder().maxSessions(10).start();
  }

  @AfterAll
  static void stopServer() {
    sshd.close();
  }

  @Override
  protected RemoteExecutor create() {
    SshExecutor ssh = SshExecutor.create(SshOptions.builder()
        .identity(sshd.clientKey())
        .knownHosts(sshd.knownHosts())
        .noSshConfig()
        .build());
    RemoteExecutor host = ssh.forHost(sshd.target());
    return new RemoteExecutor() {
      @Override
      public CompletableFuture<CommandResult> execute(CommandSpec command, OutputListener listener) {
        return host.execute(command, listener);
      }

      @Override
      public void close() {
        ssh.close();
      }
    };
  }
}
