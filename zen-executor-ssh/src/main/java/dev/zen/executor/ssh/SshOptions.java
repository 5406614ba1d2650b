package dev.zen.executor.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link SshExecutor} connects and authenticates: immutable, built with {@link #builder()},
 * whose setters validate at once. Defaults:
 *
 * <ul>
 *   <li>identities: those named with {@link Builder#identity}, plus a host's {@code IdentityFile}
 *       lines from the SSH config; when neither names one, {@code ~/.ssh/id_ed25519},
 *       {@code id_ecdsa} and {@code id_rsa} (those that exist);
 *   <li>no ssh-agent unless {@link Builder#agent(Path)} names its socket;
 *   <li>host keys checked strictly against {@code ~/.ssh/known_hosts}, or a pinned fingerprint
 *       per host; there is no way to accept an unknown key;
 *   <li>host settings from {@code ~/.ssh/config} when it exists;
 *   <li>connect (TCP, key exchange and authentication) within 15 s;
 *   <li>up to 10 channels (running commands) per connection, as OpenSSH's {@code MaxSessions},
 *       and up to 10 connections per host (so 100 commands at once; more wait for a channel);
 *   <li>a connection with no running command is closed after 5 minutes;
 *   <li>keep-alive every 15 s, the connection counted dead after 3 unanswered.
 * </ul>
 *
 * <p>Passphrases are kept only for decrypting keys: {@link #toString()} and every error message
 * leave them out.
 */
public final class SshOptions {
  /** The default connect timeout, {@value} seconds. */
  public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 15;
  /** The default number of channels per connection, {@value} (OpenSSH's {@code MaxSessions}). */
  public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 10;
  /** The default number of connections per host, {@value}. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 10;
  /** The default idle time after which an unused connection is closed, {@value} seconds. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;

  private static final Pattern SHA256_FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");

  private final List<Identity> identities;
  private final @Nullable Path agentSocket;
  private final Path knownHosts;
  private final Map<String, String> pinnedHostKeys;
  private final @Nullable Path sshConfig;
  private final boolean sshConfigExplicit;
  private final String defaultUser;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final Duration keepAliveInterval;
  private final int maxChannelsPerConnection;
  private final int maxConnectionsPerHost;

  private SshOptions(Builder builder) {
    this.identities = List.copyOf(builder.identities);
    this.agentSocket = builder.agentSocket;
    this.knownHosts = builder.knownHosts;
    this.pinnedHostKeys = Map.copyOf(builder.pinnedHostKeys);
    this.sshConfig = builder.sshConfig;
    this.sshConfigExplicit = builder.sshConfigExplicit;
    this.defaultUser = builder.defaultUser;
    this.connectTimeout = builder.connectTimeout;
    this.idleTimeout = builder.idleTimeout;
    this.keepAliveInterval = builder.keepAliveInterval;
    this.maxChannelsPerConnection = builder.maxChannelsPerConnection;
    this.maxConnectionsPerHost = builder.maxConnectionsPerHost;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults listed in the class documentation. */
  public static SshOptions defaults() {
    return builder().build();
  }

  /** The private keys named with {@link Builder#identity}, in order. */
  public List<Path> identities() {
    return identities.stream().map(Identity::path).toList();
  }

  List<Identity> identityEntries() {
    return identities;
  }

  public Optional<Path> agentSocket() {
    return Optional.ofNullable(agentSocket);
  }

  public Path knownHosts() {
    return knownHosts;
  }

  /** Pinned {@code SHA256:} fingerprints by host name (or {@code host:port}). */
  public Map<String, String> pinnedHostKeys() {
    return pinnedHostKeys;
  }

  /** The SSH config file read for host aliases, or empty when none is read. */
  public Optional<Path> sshConfig() {
    return Optional.ofNullable(sshConfig);
  }

  /** Whether the SSH config was named explicitly (then it must exist). */
  boolean sshConfigExplicit() {
    return sshConfigExplicit;
  }

  /** The user for targets that name none (and that the SSH config gives none for). */
  public String defaultUser() {
    return defaultUser;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Zero when keep-alive is off. */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  public int maxChannelsPerConnection() {
    return maxChannelsPerConnection;
  }

  public int maxConnectionsPerHost() {
    return maxConnectionsPerHost;
  }

  @Override
  public String toString() {
    // Paths only: a passphrase never leaves this object except to decrypt its key.
    return "SshOptions[identities=" + identities() + ", agent=" + agentSocket + ", knownHosts=" + knownHosts
        + ", pinned=" + pinnedHostKeys.keySet() + ", sshConfig=" + sshConfig + ", defaultUser=" + defaultUser
        + ", connectTimeout=" + connectTimeout + ", idleTimeout=" + idleTimeout + ", keepAlive=" + keepAliveInterval
        + ", maxChannelsPerConnection=" + maxChannelsPerConnection + ", maxConnectionsPerHost=" + maxConnectionsPerHost + "]";
  }

  /** A private key file and the passphrase that decrypts it (null: not encrypted). */
  record Identity(Path path, char @Nullable [] passphrase) {
    @Override
    public String toString() {
      return "Identity[" + path + "]";
    }
  }

  /** Builds {@link SshOptions}; setters validate their argument at once, {@link #build()} has no side effects. */
  public static final class Builder {
    private final List<Identity> identities = new ArrayList<>();
    private @Nullable Path agentSocket;
    private Path knownHosts = home().resolve(".ssh").resolve("known_hosts");
    private final Map<String, String> pinnedHostKeys = new LinkedHashMap<>();
    private @Nullable Path sshConfig = home().resolve(".ssh").resolve("config");
    private boolean sshConfigExplicit;
    private String defaultUser = System.getProperty("user.name", "root");
    private Duration connectTimeout = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS);
    private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    private Duration keepAliveInterval = Duration.ofSeconds(15);
    private int maxChannelsPerConnection = DEFAULT_MAX_CHANNELS_PER_CONNECTION;
    private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;

    private Builder() {}

    /** Adds an unencrypted private key (OpenSSH or PEM format). */
    public Builder identity(Path privateKey) {
      identities.add(new Identity(Objects.requireNonNull(privateKey, "privateKey").toAbsolutePath(), null));
      return this;
    }

    /**
     * Adds a passphrase-protected private key. The passphrase is copied; it is used to decrypt the
     * key when a connection first needs it and appears in no log, message or {@code toString}.
     */
    public Builder identity(Path privateKey, char[] passphrase) {
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(passphrase, "passphrase");
      identities.add(new Identity(privateKey.toAbsolutePath(), passphrase.clone()));
      return this;
    }

    /** Also offers the keys of the ssh-agent listening on this Unix socket ({@code $SSH_AUTH_SOCK}). */
    public Builder agent(Path socket) {
      this.agentSocket = Objects.requireNonNull(socket, "socket").toAbsolutePath();
      return this;
    }

    /** The known_hosts file host keys are checked against (hashed entries supported); default {@code ~/.ssh/known_hosts}. */
    public Builder knownHosts(Path knownHosts) {
      this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts").toAbsolutePath();
      return this;
    }

    /**
     * Accepts exactly the host key with this fingerprint for {@code host} (the host name after
     * SSH-config resolution, or {@code host:port} to pin one port only), instead of consulting
     * known_hosts. The fingerprint is as {@code ssh-keygen -l} prints it: {@code SHA256:...}.
     */
    public Builder pinHostKey(String host, String sha256Fingerprint) {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      if (!SHA256_FINGERPRINT.matcher(sha256Fingerprint).matches()) {
        throw new IllegalArgumentException("a host key fingerprint looks like SHA256: and 43 base64 characters "
            + "(ssh-keygen -l -E sha256 -f key.pub), was '" + sha256Fingerprint + "'");
      }
      pinnedHostKeys.put(host.toLowerCase(Locale.ROOT), sha256Fingerprint.endsWith("=")
          ? sha256Fingerprint.substring(0, sha256Fingerprint.length() - 1) : sha256Fingerprint);
      return this;
    }

    /** Reads host aliases ({@code Host}, {@code HostName}, {@code Port}, {@code User}, {@code IdentityFile}) from this file, which must exist. */
    public Builder sshConfig(Path config) {
      this.sshConfig = Objects.requireNonNull(config, "config").toAbsolutePath();
      this.sshConfigExplicit = true;
      return this;
    }

    /** Reads no SSH config: targets are {@code [user@]host[:port]} as written. */
    public Builder noSshConfig() {
      this.sshConfig = null;
      this.sshConfigExplicit = false;
      return this;
    }

    /** The user for targets that name none; default the {@code user.name} system property. */
    public Builder defaultUser(String user) {
      Objects.requireNonNull(user, "user");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      this.defaultUser = user;
      return this;
    }

    /** How long connecting may take: TCP, key exchange and authentication together. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long a connection with no running command stays open. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** How often an idle connection is probed (a missing reply three times in a row drops it); zero turns it off. */
    public Builder keepAliveInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("keepAliveInterval must be >= 0, was " + interval);
      }
      this.keepAliveInterval = interval;
      return this;
    }

    /**
     * Channels opened on one connection at most; past it a command goes to another connection. Set
     * it to the server's {@code MaxSessions}; a server refusing a channel earlier is handled too.
     */
    public Builder maxChannelsPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxChannelsPerConnection must be >= 1, was " + max);
      }
      this.maxChannelsPerConnection = max;
      return this;
    }

    /** Connections opened to one host at most; commands past their capacity wait for a channel. */
    public Builder maxConnectionsPerHost(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnectionsPerHost must be >= 1, was " + max);
      }
      this.maxConnectionsPerHost = max;
      return this;
    }

    public SshOptions build() {
      return new SshOptions(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static Path home() {
      return Path.of(System.getProperty("user.home", "."));
    }
  }
}
