package dev.zen.executor.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;

/**
 * MINA's embeddable SSH server on loopback for tests: a generated host key, the given
 * authorized_keys, at most {@code maxChannels} channels per connection (like OpenSSH's
 * MaxSessions), and commands run as local processes by {@code sh -c} that honour {@code KILL} and
 * {@code TERM} signals (killing the process tree) and die with their channel.
 */
final class MinaSshServer implements AutoCloseable {
  private final SshServer server;
  private final KeyPair hostKey;
  private final Path knownHosts;

  MinaSshServer(Path dir, Path authorizedKeys, int maxChannels) throws IOException, GeneralSecurityException {
    this.hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory((channel, command) -> new ProcessCommand(command));
    CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, maxChannels);
    server.start();
    knownHosts = dir.resolve("mina_known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
  }

  int port() {
    return server.getPort();
  }

  String target(String user) {
    return "ssh://" + user + "@127.0.0.1:" + port();
  }

  Path knownHosts() {
    return knownHosts;
  }

  String hostKeyFingerprint() {
    return KeyUtils.getFingerPrint(hostKey.getPublic());
  }

  int sessionCount() {
    return server.getActiveSessions().size();
  }

  /** Closes every connection at once, without an SSH goodbye. */
  void dropConnections() {
    List.copyOf(server.getActiveSessions()).forEach(session -> session.close(true));
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  /** {@code sh -c <command>} as a local process, streams pumped on plain threads (a test server). */
  static final class ProcessCommand implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    ProcessCommand(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      process = new ProcessBuilder("sh", "-c", command).start();
      env.addSignalListener((ch, signal) -> killTree(), Signal.KILL, Signal.TERM, Signal.INT, Signal.HUP);
      CompletableFuture<Void> stdout = pump(process.getInputStream(), out, "out");
      CompletableFuture<Void> stderr = pump(process.getErrorStream(), err, "err");
      Thread input = new Thread(() -> {
        try (OutputStream stdin = process.getOutputStream()) {
          in.transferTo(stdin);
        } catch (IOException e) {
          // the process closed its stdin, or the channel went away
        }
      }, "mina-test-stdin");
      input.setDaemon(true);
      input.start();
      Thread waiter = new Thread(() -> {
        try {
          int code = process.waitFor();
          CompletableFuture.allOf(stdout, stderr).join();
          exit.onExit(code);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "mina-test-exit");
      waiter.setDaemon(true);
      waiter.start();
    }

    @Override
    public void destroy(ChannelSession channel) {
      killTree();
    }

    private void killTree() {
      Process running = process;
      if (running != null) {
        running.descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
      }
    }

    private static CompletableFuture<Void> pump(InputStream from, OutputStream to, String name) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread thread = new Thread(() -> {
        byte[] buffer = new byte[16384];
        try (from) {
          int read;
          while ((read = from.read(buffer)) != -1) {
            to.write(buffer, 0, read);
            to.flush();
          }
        } catch (IOException e) {
          // the channel closed or the process died
        } finally {
          done.complete(null);
        }
      }, "mina-test-" + name);
      thread.setDaemon(true);
      thread.start();
      return done;
    }
  }
}
