package dev.zen.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenSSH {@code sshd} for tests: on a free loopback port, with its own config directory,
 * a freshly generated host key and client key, owned by the test that started it.
 *
 * <pre>{@code
 * try (SshdProcess sshd = SshdProcess.builder().maxSessions(10).start()) {
 *   sshd.target();              // ssh://<user>@127.0.0.1:<port>
 *   sshd.clientKey();           // private key (OpenSSH format, no passphrase) the server accepts
 *   sshd.knownHosts();          // a known_hosts file naming the server's host key
 *   sshd.hostKeyFingerprint();  // SHA256:...
 *   sshd.dropConnections();     // kills every connection's server process, like a network cut
 * }
 * }</pre>
 *
 * <p>The binary is the system property {@value #PROPERTY} if set, else the first of
 * {@code /usr/sbin/sshd}, {@code /usr/local/sbin/sshd}, {@code /usr/bin/sshd}; {@code ssh-keygen}
 * must be on the {@code PATH}. Without
 * them {@link Builder#start()} fails with a message saying what to install: a missing sshd is a
 * test failure, never a skip. The server accepts public keys only, for the user running the test
 * (as root, it creates the privilege separation directory {@code /run/sshd} when missing). Sessions
 * get {@code SHLVL=1}, so a bash login shell does not source the user's {@code ~/.bashrc} for each
 * command.
 * Processes still running when the JVM exits are killed.
 */
public final class SshdProcess implements AutoCloseable {
  /** The system property naming the sshd binary. */
  public static final String PROPERTY = "zen.sshd";
  /** How long starting may take. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final String HOST = "127.0.0.1";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "sshd-process-reaper"));
  }

  private final Path executable;
  private final Path dir;
  private final int maxSessions;
  private final List<String> extraConfig;
  private final List<String> extraAuthorizedKeys;
  private final Path hostKey;
  private final Path clientKey;
  private final String hostKeyFingerprint;
  private final String user;
  private int port;
  private @Nullable Process process;
  private @Nullable LogReader log;

  private SshdProcess(Builder builder) throws IOException {
    this.executable = findSshd();
    this.maxSessions = builder.maxSessions;
    this.extraConfig = List.copyOf(builder.extraConfig);
    this.extraAuthorizedKeys = List.copyOf(builder.authorizedKeys);
    this.user = System.getProperty("user.name");
    this.dir = Files.createTempDirectory("zen-sshd-");
    this.hostKey = dir.resolve("ssh_host_ed25519_key");
    this.clientKey = dir.resolve("id_ed25519");
    generateKey(hostKey, "zen-test-host");
    generateKey(clientKey, "zen-test-client");
    this.hostKeyFingerprint = fingerprint(hostKey.resolveSibling(hostKey.getFileName() + ".pub"));
  }

  /** A builder: OpenSSH's defaults ({@code MaxSessions 10}) plus what the tests need. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a server with the defaults. */
  public static SshdProcess start() {
    return builder().start();
  }

  /** {@code 127.0.0.1}. */
  public String host() {
    return HOST;
  }

  public synchronized int port() {
    return port;
  }

  /** The user the server lets in: the one running the test. */
  public String user() {
    return user;
  }

  /** {@code ssh://<user>@127.0.0.1:<port>}. */
  public String target() {
    return "ssh://" + user + "@" + HOST + ":" + port();
  }

  /** A private key (ed25519, OpenSSH format, no passphrase) in the server's authorized keys. */
  public Path clientKey() {
    return clientKey;
  }

  /** A known_hosts file with the server's host key for {@code [127.0.0.1]:<port>}. */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /** The server's host key fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:...}. */
  public String hostKeyFingerprint() {
    return hostKeyFingerprint;
  }

  /** The server's public host key file. */
  public Path hostPublicKey() {
    return hostKey.resolveSibling(hostKey.getFileName() + ".pub");
  }

  /** The directory holding the config, keys and logs; deleted on {@link #close()}. */
  public Path dir() {
    return dir;
  }

  /** The version the binary reports, for example {@code OpenSSH_9.2, OpenSSL 3.0.19 27 Jan 2026}. */
  public String version() {
    try {
      // sshd has no version flag: -V is refused with the version as the usage's first line.
      Process probe = new ProcessBuilder(executable.toString(), "-V").redirectErrorStream(true).start();
      String output;
      try (InputStream in = probe.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      probe.waitFor(10, TimeUnit.SECONDS);
      return output.lines().filter(line -> line.startsWith("OpenSSH")).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The listening server's process id. */
  public synchronized long pid() {
    return requireRunning().pid();
  }

  /**
   * Kills every process the server forked for a connection (and what they run) with SIGKILL, as
   * a cut network or a crashed host would look to clients: their TCP connections close without an
   * SSH goodbye. The listener stays up, so new connections work. Returns how many were killed.
   */
  public synchronized int dropConnections() {
    Process running = requireRunning();
    List<ProcessHandle> descendants = running.descendants().toList();
    // The connection processes first: a command killed first could still report its exit status.
    List<ProcessHandle> servers = descendants.stream().filter(SshdProcess::isSshd).toList();
    servers.forEach(ProcessHandle::destroyForcibly);
    descendants.forEach(ProcessHandle::destroyForcibly);
    return descendants.size();
  }

  /** The number of connections (per-connection server processes) open now. */
  public synchronized long connectionCount() {
    // OpenSSH forks a privileged monitor per connection, which forks the unprivileged child.
    return requireRunning().children().filter(SshdProcess::isSshd).count();
  }

  /** The last lines the server logged (LogLevel VERBOSE), for failure messages. */
  public synchronized String logTail() {
    return log == null ? "" : log.tail();
  }

  /** Stops the server and its connections, and deletes its directory. */
  @Override
  public synchronized void close() {
    if (process != null) {
      Process running = process;
      running.descendants().forEach(ProcessHandle::destroyForcibly);
      running.destroyForcibly();
      try {
        running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LIVE.remove(running);
    }
    deleteRecursively(dir);
  }

  @Override
  public String toString() {
    return "sshd on " + HOST + ":" + port + (isRunning() ? "" : " (not running)");
  }

  private static boolean isSshd(ProcessHandle handle) {
    return handle.info().command().map(command -> command.endsWith("sshd")).orElse(false);
  }

  private Process requireRunning() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("sshd is not running (port " + port + ")" + "\n" + logTail());
    }
    return process;
  }

  private void launch() throws IOException {
    if (isRoot()) {
      // Debian's sshd refuses to start without its privilege separation directory.
      Files.createDirectories(Path.of("/run/sshd"));
    }
    Files.writeString(dir.resolve("authorized_keys"), Files.readString(clientKey.resolveSibling("id_ed25519.pub"))
        + String.join("", extraAuthorizedKeys.stream().map(key -> key.strip() + "\n").toList()));
    String lastFailure = "";
    for (int attempt = 0; attempt < 5; attempt++) {
      port = freePort();
      writeConfig();
      Files.writeString(knownHosts(), "[" + HOST + "]:" + port + " " + publicKeyWithoutComment(hostPublicKey()) + "\n");
      Process started = new ProcessBuilder(executable.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .start();
      LIVE.add(started);
      LogReader reader = new LogReader(started, "sshd-" + port);
      try {
        reader.ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        process = started;
        log = reader;
        return;
      } catch (ExecutionException | TimeoutException e) {
        started.destroyForcibly();
        LIVE.remove(started);
        lastFailure = reader.tail();
        if (!lastFailure.contains("Address already in use")) {
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        started.destroyForcibly();
        throw new IllegalStateException("interrupted while starting sshd", e);
      }
    }
    throw new IllegalStateException("sshd did not start (" + executable + ", config " + dir.resolve("sshd_config")
        + "):\n" + lastFailure);
  }

  private void writeConfig() throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "Port " + port,
        "ListenAddress " + HOST,
        "HostKey " + hostKey,
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "AuthenticationMethods publickey",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "StrictModes no",
        "UsePAM no",
        "PrintMotd no",
        "MaxSessions " + maxSessions,
        // Tests and benchmarks open many connections at once; OpenSSH's default (10:30:100) drops
        // unauthenticated connections past 10 at random.
        "MaxStartups 100:30:200",
        // Debian's bash sources ~/.bashrc for every command run over SSH, unless SHLVL says it is
        // a nested shell: a developer's heavy .bashrc (pyenv init, ...) would otherwise add
        // seconds to each command, and tests and benchmarks would measure that instead of Zen.
        "SetEnv SHLVL=1",
        "LogLevel VERBOSE"));
    lines.addAll(extraConfig);
    Files.write(dir.resolve("sshd_config"), lines, StandardCharsets.UTF_8);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path findSshd() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured).toAbsolutePath();
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " is not an executable file");
      }
      return path;
    }
    // The usual install locations, not the PATH: sshd lives in sbin, which a user's PATH often
    // lacks, and the testkit reads no environment.
    List<Path> candidates = List.of(Path.of("/usr/sbin/sshd"), Path.of("/usr/local/sbin/sshd"),
        Path.of("/usr/bin/sshd"), Path.of("/opt/homebrew/sbin/sshd"));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        // sshd refuses to run from a relative path ("sshd re-exec requires execution with an absolute path").
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("no OpenSSH sshd found (looked at " + candidates + "). Install it "
        + "(Debian/Ubuntu: apt-get install openssh-server) or name it with -D" + PROPERTY + "=/path/to/sshd");
  }

  /** Generates an ed25519 key pair without a passphrase at {@code key} and {@code key.pub}. */
  static void generateKey(Path key, String comment) throws IOException {
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()));
  }

  /** {@code SHA256:...} of a public key file. */
  static String fingerprint(Path publicKey) throws IOException {
    String line = run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString()));
    String[] parts = line.strip().split("\\s+");
    if (parts.length < 2 || !parts[1].startsWith("SHA256:")) {
      throw new IOException("unexpected ssh-keygen -l output: " + line);
    }
    return parts[1];
  }

  private static String publicKeyWithoutComment(Path publicKey) throws IOException {
    String[] parts = Files.readString(publicKey).strip().split("\\s+");
    return parts[0] + " " + parts[1];
  }

  private static String run(List<String> command) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot run " + command.get(0) + " (Debian/Ubuntu: apt-get install openssh-client): "
          + e.getMessage(), e);
    }
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** Reads the server's log (stderr, with -e) on a daemon thread and signals readiness from it. */
  private static final class LogReader {
    private static final int TAIL_LINES = 300;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();

    LogReader(Process process, String name) {
      Thread thread = new Thread(() -> read(process), name + "-log");
      thread.setDaemon(true);
      thread.start();
    }

    private void read(Process process) {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
          }
          if (line.contains("Server listening on")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // The process went away; fall through.
      } finally {
        ready.completeExceptionally(new IllegalStateException("sshd exited"));
      }
    }

    String tail() {
      synchronized (tail) {
        return String.join("\n", tail);
      }
    }
  }

  /** Configures an {@link SshdProcess}; {@link #start()} starts it. */
  public static final class Builder {
    private int maxSessions = 10;
    private final List<String> extraConfig = new ArrayList<>();
    private final List<String> authorizedKeys = new ArrayList<>();

    private Builder() {}

    /** OpenSSH's {@code MaxSessions}: channels one connection may have open; default 10 as OpenSSH's. */
    public Builder maxSessions(int maxSessions) {
      if (maxSessions < 1) {
        throw new IllegalArgumentException("maxSessions must be >= 1, was " + maxSessions);
      }
      this.maxSessions = maxSessions;
      return this;
    }

    /** Also accepts this public key (one {@code authorized_keys} line, e.g. a passphrase-protected key's). */
    public Builder authorizedKey(String publicKeyLine) {
      Objects.requireNonNull(publicKeyLine, "publicKeyLine");
      if (publicKeyLine.isBlank() || publicKeyLine.strip().contains("\n")) {
        throw new IllegalArgumentException("one authorized_keys line, was '" + publicKeyLine + "'");
      }
      authorizedKeys.add(publicKeyLine);
      return this;
    }

    /** Adds a line to {@code sshd_config}, for example {@code "ClientAliveInterval 5"}. */
    public Builder config(String line) {
      Objects.requireNonNull(line, "line");
      if (line.contains("\n") || line.isBlank()) {
        throw new IllegalArgumentException("one non-blank config line without line breaks, was '" + line + "'");
      }
      extraConfig.add(line);
      return this;
    }

    /** Generates the keys, starts the server and waits until it listens. */
    public SshdProcess start() {
      SshdProcess server;
      try {
        server = new SshdProcess(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare sshd's directory and keys", e);
      }
      try {
        synchronized (server) {
          server.launch();
        }
      } catch (IOException | RuntimeException e) {
        deleteRecursively(server.dir);
        if (e instanceof IOException io) {
          throw new UncheckedIOException("cannot start sshd", io);
        }
        throw (RuntimeException) e;
      }
      return server;
    }
  }
}
