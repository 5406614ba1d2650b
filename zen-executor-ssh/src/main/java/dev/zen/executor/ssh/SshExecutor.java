package dev.zen.executor.ssh;

import dev.zen.AuthenticationException;
import dev.zen.InvalidRequestException;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.OutputListener;
import dev.zen.spi.RemoteExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on hosts over SSH: {@link #forHost} gives a {@link RemoteExecutor} per host, all
 * sharing this executor's MINA client, its I/O threads and its connections.
 *
 * <pre>{@code
 * try (SshExecutor ssh = SshExecutor.create(SshOptions.builder()
 *     .identity(Path.of("/home/me/.ssh/id_ed25519"), passphrase)
 *     .build())) {
 *   RemoteExecutor host = ssh.forHost("build-1");          // an alias from ~/.ssh/config
 *   host.execute(CommandSpec.builder("uname", "-a").build()).join();
 * }
 * }</pre>
 *
 * <p>Connections open on demand (the first command to a host connects and authenticates), carry
 * up to {@link SshOptions#maxChannelsPerConnection()} commands at once, and close after
 * {@link SshOptions#idleTimeout()} without a command. Thread-safe. Closing releases every
 * connection and the I/O threads; commands still running fail.
 */
public final class SshExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SshExecutor.class);
  private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

  private final SshOptions options;
  private final SshClient client;
  private final @Nullable HostConfigEntryResolver sshConfig;
  private final Map<SshTarget, HostPool> pools = new ConcurrentHashMap<>();
  private final Map<Path, List<KeyPair>> loadedKeys = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private SshExecutor(SshOptions options) {
    this.options = options;
    Path config = options.sshConfig().orElse(null);
    if (config != null && options.sshConfigExplicit() && !Files.isRegularFile(config)) {
      throw new IllegalArgumentException("SSH config " + config + " does not exist");
    }
    this.sshConfig = config != null && Files.isRegularFile(config) ? new ConfigFileHostEntryResolver(config) : null;
    this.client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new KnownHostsVerifier(options.knownHosts(), options.pinnedHostKeys()));
    // Aliases are resolved here (forHost) so that errors and known_hosts use the resolved name.
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    // Keys are added per connection: none from MINA's own defaults, and public keys only, never a password prompt.
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    options.agentSocket().ifPresent(socket -> client.setAgentFactory(UnixSocketAgent.factory(socket)));
    // Every reply on an exec channel then answers a signal request (see ExecChannel).
    CoreModuleProperties.REQUEST_EXEC_REPLY.set(client, false);
    // A command may run silently for its whole timeout: MINA must not close a quiet connection.
    // Dead peers are found by keep-alive instead, and unused connections closed by the pool.
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, options.connectTimeout());
    CoreModuleProperties.AUTH_TIMEOUT.set(client, options.connectTimeout());
    if (!options.keepAliveInterval().isZero()) {
      CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, options.keepAliveInterval());
      CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, options.keepAliveInterval());
      CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
    }
    client.start();
  }

  /** Starts the SSH client (its I/O threads); nothing connects until a command runs. */
  public static SshExecutor create(SshOptions options) {
    return new SshExecutor(Objects.requireNonNull(options, "options"));
  }

  /**
   * An executor for one host: {@code ssh://[user@]host[:port]}, {@code [user@]host[:port]}, or a
   * {@code Host} alias of the SSH config (whose {@code HostName}, {@code Port}, {@code User} and
   * {@code IdentityFile} apply; what the target names itself wins). Executors for the same
   * resolved host share connections. Closing the returned executor does nothing: close this one.
   *
   * @throws IllegalArgumentException when the target is malformed
   * @throws InvalidRequestException when the SSH config cannot be read
   */
  public RemoteExecutor forHost(String target) {
    SshTarget resolved = resolve(target);
    HostPool pool = pools.computeIfAbsent(resolved, key -> new HostPool(this, key));
    return new HostExecutor(pool);
  }

  /** Closes every connection and stops the client's threads; commands still running fail. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pools.values().forEach(HostPool::close);
    try {
      client.stop();
    } catch (RuntimeException e) {
      log.debug("stopping the SSH client failed", e);
    }
  }

  @Override
  public String toString() {
    return "SshExecutor[" + pools.keySet().stream().map(SshTarget::display).toList() + (closed ? ", closed" : "") + "]";
  }

  boolean isClosed() {
    return closed;
  }

  SshClient client() {
    return client;
  }

  SshOptions options() {
    return options;
  }

  SshTarget resolve(String target) {
    SshTarget.Parsed parsed = SshTarget.parse(target);
    String host = parsed.host();
    int port = parsed.port();
    String user = parsed.user();
    List<String> identityFiles = List.of();
    if (sshConfig != null) {
      try {
        HostConfigEntry entry = sshConfig.resolveEffectiveHost(parsed.host(), parsed.port(), null,
            parsed.user() == null ? "" : parsed.user(), null, null);
        if (entry != null) {
          if (entry.getHostName() != null && !entry.getHostName().isBlank()) {
            host = entry.getHostName();
          }
          if (port <= 0 && entry.getPort() > 0) {
            port = entry.getPort();
          }
          if (user == null && entry.getUsername() != null && !entry.getUsername().isBlank()) {
            user = entry.getUsername();
          }
          identityFiles = entry.getIdentities() == null ? List.of() : List.copyOf(entry.getIdentities());
        }
      } catch (IOException | RuntimeException e) {
        throw new InvalidRequestException("cannot read SSH config " + options.sshConfig().orElse(null) + " for '"
            + target + "': " + e.getMessage(), e);
      }
    }
    return new SshTarget(target, host, port > 0 ? port : 22, user == null ? options.defaultUser() : user, identityFiles);
  }

  /**
   * The key pairs offered to {@code target}: the options' identities and the config's
   * {@code IdentityFile}s, else the default key files that exist. Decrypted once, then kept.
   */
  List<KeyPair> keysFor(SshTarget target) {
    List<KeyPair> keys = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (SshOptions.Identity identity : options.identityEntries()) {
      if (seen.add(identity.path())) {
        keys.addAll(load(identity.path(), identity.passphrase()));
      }
    }
    for (String file : target.identityFiles()) {
      Path path = expandHome(file);
      if (seen.add(path)) {
        if (!Files.exists(path)) {
          log.debug("IdentityFile {} for {} does not exist; skipped, as ssh does", path, target.display());
          continue;
        }
        keys.addAll(load(path, passphraseFor(path)));
      }
    }
    if (seen.isEmpty()) {
      Path dir = Path.of(System.getProperty("user.home", "."), ".ssh");
      for (String name : DEFAULT_KEYS) {
        Path path = dir.resolve(name);
        if (Files.isRegularFile(path)) {
          try {
            keys.addAll(load(path, null));
          } catch (AuthenticationException e) {
            // A default key nobody asked for (say, passphrase-protected, for ssh-agent): skip it as ssh would.
            log.debug("skipping default key {}: {}", path, e.getMessage());
          }
        }
      }
    }
    return keys;
  }

  private char @Nullable [] passphraseFor(Path path) {
    for (SshOptions.Identity identity : options.identityEntries()) {
      if (identity.path().equals(path)) {
        return identity.passphrase();
      }
    }
    return null;
  }

  private List<KeyPair> load(Path path, char @Nullable [] passphrase) {
    return loadedKeys.computeIfAbsent(path, ignored -> {
      FilePasswordProvider provider = new FilePasswordProvider() {
        @Override
        public @Nullable String getPassword(@Nullable SessionContext session, NamedResource resource, int retryIndex) {
          return passphrase == null ? null : new String(passphrase);
        }

        @Override
        public ResourceDecodeResult handleDecodeAttemptResult(@Nullable SessionContext session, NamedResource resource,
            int retryIndex, @Nullable String password, @Nullable Exception err) {
          // One attempt: a wrong passphrase does not get better by asking again.
          return err == null ? ResourceDecodeResult.IGNORE : ResourceDecodeResult.TERMINATE;
        }
      };
      try (InputStream in = Files.newInputStream(path)) {
        Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(path.toString()), in, provider);
        List<KeyPair> list = new ArrayList<>();
        if (pairs != null) {
          pairs.forEach(list::add);
        }
        if (list.isEmpty()) {
          throw new AuthenticationException("private key " + path + " holds no key this client can read", null);
        }
        return List.copyOf(list);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        if (e instanceof AuthenticationException authentication) {
          throw authentication;
        }
        // The cause's message may quote what was typed; keep only its type.
        String why = passphrase == null
            ? "it may be protected by a passphrase (give it with SshOptions.Builder.identity(path, passphrase), or load the key into ssh-agent)"
            : "the passphrase may be wrong";
        throw new AuthenticationException("cannot read private key " + path + " (" + e.getClass().getSimpleName()
            + "): " + why, null);
      }
    });
  }

  private static Path expandHome(String file) {
    if (file.startsWith("~/")) {
      return Path.of(System.getProperty("user.home", "."), file.substring(2)).toAbsolutePath();
    }
    return Path.of(file).toAbsolutePath();
  }

  /** The per-host view {@link #forHost} hands out; owns nothing. */
  private static final class HostExecutor implements RemoteExecutor {
    private final HostPool pool;

    HostExecutor(HostPool pool) {
      this.pool = pool;
    }

    @Override
    public CompletableFuture<CommandResult> execute(CommandSpec command, OutputListener listener) {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(listener, "listener");
      return new RemoteCommand(pool, command, listener).start();
    }

    @Override
    public String toString() {
      return "SshExecutor[" + pool.target().display() + "]";
    }
  }
}
