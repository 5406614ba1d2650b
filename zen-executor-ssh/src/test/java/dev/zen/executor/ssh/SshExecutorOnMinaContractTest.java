package dev.zen.executor.ssh;

import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.OutputListener;
import dev.zen.spi.RemoteExecutor;
import dev.zen.testkit.RemoteExecutorContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The SSH executor passes the executor contract against MINA's embedded SSH server. */
class SshExecutorOnMinaContractTest extends RemoteExecutorContract {
  @TempDir
  static Path dir;
  private static MinaSshServer server;
  private static Path clientKey;

  @BeforeAll
  static void startServer() throws Exception {
    clientKey = dir.resolve("id_ed25519");
    Keys.generate(clientKey, "");
    Path authorized = dir.resolve("authorized_keys");
    Files.copy(dir.resolve("id_ed25519.pub"), authorized);
    server = new MinaSshServer(dir, authorized, 10);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected RemoteExecutor create() {
    SshExecutor ssh = SshExecutor.create(SshOptions.builder()
        .identity(clientKey)
        .knownHosts(server.knownHosts())
        .noSshConfig()
        .build());
    RemoteExecutor host = ssh.forHost(server.target(System.getProperty("user.name")));
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
