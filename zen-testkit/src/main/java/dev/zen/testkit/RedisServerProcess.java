package dev.zen.testkit;

import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} process for tests: on a free loopback port, with its own temporary
 * data directory and config file, owned by the test that started it.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.builder().appendOnly(AppendFsync.ALWAYS).start()) {
 *   String uri = redis.uri();          // redis://127.0.0.1:<port>
 *   redis.kill();                      // SIGKILL, like a crash
 *   redis.restart();                   // same port, same data directory, same config
 * }
 * }</pre>
 *
 * <p>The binary is the system property {@code zen.redis.server} if set, else the first
 * {@code redis-server} on the {@code PATH} of version 6.2 or later, else a binary shipped in a jar
 * on the test class path: add {@code org.signal:embedded-redis:0.9.1} (test scope, excluding its
 * dependencies: only its static Linux/macOS {@code redis-server} 7.0.15 binaries are used). With
 * none of these, {@link Builder#start()} fails with a message saying what to install: a missing
 * Redis is a test failure, never a skip.
 *
 * <p>Persistence is off unless chosen: no RDB snapshots, and AOF only with
 * {@link Builder#appendOnly(AppendFsync)}. Every method waits until its effect is complete (started
 * and accepting connections, or exited). Processes still running when the JVM exits are killed.
 */
public final class RedisServerProcess implements AutoCloseable {
  /** The AOF {@code appendfsync} policy. */
  public enum AppendFsync {
    /** fsync after every write, before the reply: an acknowledged write survives a crash. */
    ALWAYS,
    /** fsync once per second. */
    EVERYSEC,
    /** leave fsync to the operating system. */
    NO
  }

  /** How long starting (including loading the AOF) may take. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final String HOST = "127.0.0.1";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "redis-process-reaper"));
  }

  private final RedisExecutable executable;
  private final @Nullable AppendFsync appendFsync;
  private final boolean cluster;
  private final @Nullable String sentinelMonitor;
  private final @Nullable Path tlsCertificate;
  private final @Nullable Path tlsKey;
  private final List<String> extraConfig;
  private final Path dataDir;
  private int port;
  private @Nullable Process process;
  private @Nullable LogReader log;
  private int starts;

  private RedisServerProcess(Builder builder) throws IOException {
    this.executable = RedisExecutable.find();
    this.appendFsync = builder.appendFsync;
    this.cluster = builder.cluster;
    this.sentinelMonitor = builder.sentinelMonitor;
    this.tlsCertificate = builder.tlsCertificate;
    this.tlsKey = builder.tlsKey;
    this.extraConfig = List.copyOf(builder.extraConfig);
    this.dataDir = Files.createTempDirectory("zen-redis-");
  }

  /** A builder: no persistence, standalone. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a server with no persistence. */
  public static RedisServerProcess start() {
    return builder().start();
  }

  /** {@code 127.0.0.1}. */
  public String host() {
    return HOST;
  }

  /** The port it listens on; the same across restarts. */
  public synchronized int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}, or {@code rediss://} when the server speaks TLS only. */
  public String uri() {
    return (tlsCertificate == null ? "redis://" : "rediss://") + HOST + ":" + port();
  }

  /** Its data directory (config file, AOF, cluster state). */
  public Path dataDir() {
    return dataDir;
  }

  /** The server version, for example {@code 7.0.15}. */
  public String version() {
    return executable.version;
  }

  /** Which binary runs, and where it came from (PATH, property, class path resource). */
  public String executableDescription() {
    return executable.path + " (" + executable.version + ", from " + executable.source + ")";
  }

  /** Whether the process is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The process id of the running server. */
  public synchronized long pid() {
    return requireRunning().pid();
  }

  /** Kills the server with SIGKILL, as a crash would, and waits until it has exited. */
  public synchronized void kill() {
    Process running = requireRunning();
    running.destroyForcibly();
    awaitExit(running);
  }

  /** Stops the server with SIGTERM (it flushes the AOF and exits) and waits; SIGKILL after 10 s. */
  public synchronized void stop() {
    Process running = requireRunning();
    running.destroy();
    try {
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        running.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.destroyForcibly();
    }
    awaitExit(running);
  }

  /**
   * Starts the server again on the same port with the same data directory and config, after
   * {@link #kill()} or {@link #stop()} (a running server is stopped first), and waits until it
   * accepts connections, its AOF loaded.
   */
  public synchronized void restart() {
    if (isRunning()) {
      stop();
    }
    launch(false);
  }

  /** Freezes the server with SIGSTOP: connections stay open but nothing answers. */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Resumes a {@link #pause() paused} server with SIGCONT. */
  public synchronized void resume() {
    signal("CONT");
  }

  /** The last lines the server logged, for failure messages. */
  public synchronized String logTail() {
    return log == null ? "" : log.tail();
  }

  /** Kills the server if it runs and deletes its data directory. */
  @Override
  public synchronized void close() {
    if (isRunning()) {
      Process running = Objects.requireNonNull(process);
      running.destroyForcibly();
      awaitExit(running);
    }
    deleteRecursively(dataDir);
  }

  @Override
  public String toString() {
    return "redis-server " + executable.version + " on " + HOST + ":" + port + (isRunning() ? "" : " (not running)");
  }

  /** Sends one command over a fresh connection and returns the reply (for the cluster helper). */
  @Nullable Object command(String... args) throws IOException {
    try (RespConnection connection = new RespConnection(HOST, port(), Duration.ofSeconds(10))) {
      return connection.call(args);
    }
  }

  /** Completes when this server logs that its cluster state is ok (cluster mode only). */
  synchronized CompletableFuture<Void> clusterStateOk() {
    return Objects.requireNonNull(log, "not started").clusterOk;
  }

  private Process requireRunning() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("redis-server is not running (port " + port + ")");
    }
    return process;
  }

  private void awaitExit(Process running) {
    try {
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("redis-server pid " + running.pid() + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server to exit", e);
    }
    LIVE.remove(running);
    LogReader reader = log;
    if (reader != null) {
      reader.awaitEnd();
    }
  }

  private void signal(String name) {
    Process running = requireRunning();
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(running.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + running.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Starts the process; on the first start, retries on another port if the chosen one was taken. */
  private void launch(boolean choosePort) {
    int attempts = choosePort ? 5 : 1;
    String lastFailure = "";
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (choosePort) {
        port = freePort(cluster);
      }
      try {
        writeConfig();
        List<String> command = new ArrayList<>(List.of(executable.path.toString(), dataDir.resolve("redis.conf").toString()));
        if (sentinelMonitor != null) {
          command.add("--sentinel");
        }
        Process started = new ProcessBuilder(command)
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .start();
        LIVE.add(started);
        process = started;
        starts++;
        LogReader reader = new LogReader(started, "redis-" + port + "-" + starts,
            sentinelMonitor == null ? "Ready to accept connections" : "+monitor master");
        log = reader;
        try {
          reader.ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (ExecutionException e) {
          awaitExit(started);
          lastFailure = reader.tail();
          if (!choosePort || !lastFailure.contains("Address already in use")) {
            break;
          }
        } catch (TimeoutException e) {
          started.destroyForcibly();
          awaitExit(started);
          lastFailure = "not ready after " + START_TIMEOUT + "\n" + reader.tail();
          break;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + executable.path, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting redis-server", e);
      }
    }
    throw new IllegalStateException("redis-server " + executableDescription() + " did not start on port " + port
        + ":\n" + lastFailure);
  }

  private void writeConfig() throws IOException {
    List<String> lines = new ArrayList<>();
    if (tlsCertificate != null && tlsKey != null) {
      lines.add("port 0");
      lines.add("tls-port " + port);
      lines.add("tls-cert-file \"" + tlsCertificate + "\"");
      lines.add("tls-key-file \"" + tlsKey + "\"");
      lines.add("tls-ca-cert-file \"" + tlsCertificate + "\"");
      lines.add("tls-auth-clients no");
    } else {
      lines.add("port " + port);
    }
    lines.add("bind " + HOST);
    lines.add("protected-mode no");
    lines.add("daemonize no");
    lines.add("logfile \"\"");
    lines.add("dir \"" + dataDir + "\"");
    if (sentinelMonitor != null) {
      lines.add("sentinel monitor " + sentinelMonitor + " 1");
      lines.addAll(extraConfig);
      Files.write(dataDir.resolve("redis.conf"), lines, StandardCharsets.UTF_8);
      return;
    }
    lines.add("save \"\"");
    if (appendFsync == null) {
      lines.add("appendonly no");
    } else {
      lines.add("appendonly yes");
      lines.add("appendfsync " + appendFsync.name().toLowerCase(Locale.ROOT));
      lines.add("aof-load-truncated yes");
    }
    if (RedisExecutable.atLeast(executable.version, 7, 0)) {
      lines.add("enable-debug-command local");
    }
    if (cluster) {
      lines.add("cluster-enabled yes");
      lines.add("cluster-config-file nodes.conf");
      lines.add("cluster-node-timeout 3000");
    }
    lines.addAll(extraConfig);
    Files.write(dataDir.resolve("redis.conf"), lines, StandardCharsets.UTF_8);
  }

  private static int freePort(boolean withClusterBus) {
    for (int i = 0; i < 50; i++) {
      int candidate;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        candidate = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port", e);
      }
      if (!withClusterBus) {
        return candidate;
      }
      if (candidate + 10000 <= 65535) {
        try {
          new ServerSocket(candidate + 10000, 1, InetAddress.getByName(HOST)).close();
          return candidate;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IllegalStateException("no free port pair (port, port + 10000) found for a cluster node");
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

  /** Reads the server's log (stdout) on a daemon thread and signals readiness from it. */
  private static final class LogReader {
    private static final int TAIL_LINES = 200;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Void> clusterOk = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final String readyLine;

    LogReader(Process process, String name, String readyLine) {
      this.readyLine = readyLine;
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
          if (line.contains(readyLine)) {
            ready.complete(null);
          } else if (line.contains("Cluster state changed: ok")) {
            clusterOk.complete(null);
          }
        }
      } catch (IOException e) {
        // The process went away; fall through.
      } finally {
        IllegalStateException exited = new IllegalStateException("redis-server exited");
        ready.completeExceptionally(exited);
        clusterOk.completeExceptionally(exited);
        ended.complete(null);
      }
    }

    void awaitEnd() {
      try {
        ended.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The log pipe may be held by nothing else; the process has exited, which is what matters.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String tail() {
      synchronized (tail) {
        return String.join("\n", tail);
      }
    }
  }

  /** Configures a {@link RedisServerProcess}; {@link #start()} starts it. */
  public static final class Builder {
    private @Nullable AppendFsync appendFsync;
    private boolean cluster;
    private @Nullable String sentinelMonitor;
    private @Nullable Path tlsCertificate;
    private @Nullable Path tlsKey;
    private final List<String> extraConfig = new ArrayList<>();

    private Builder() {}

    /** Turns the AOF on with this fsync policy (default: no persistence at all). */
    public Builder appendOnly(AppendFsync fsync) {
      this.appendFsync = Objects.requireNonNull(fsync, "fsync");
      return this;
    }

    /** Keeps persistence off: a restart starts empty (the default). */
    public Builder noPersistence() {
      this.appendFsync = null;
      return this;
    }

    /**
     * Adds a line to the config file, for example {@code "requirepass secret"} or
     * {@code "user app on >secret ~app:* +@all"}.
     */
    public Builder config(String line) {
      Objects.requireNonNull(line, "line");
      if (line.contains("\n") || line.isBlank()) {
        throw new IllegalArgumentException("one non-blank config line without line breaks, was '" + line + "'");
      }
      extraConfig.add(line);
      return this;
    }

    /**
     * Makes this process a Sentinel (quorum 1) monitoring {@code master} under {@code masterName};
     * it is ready once it monitors the master. Clients then use
     * {@code redis-sentinel://127.0.0.1:<port>#<masterName>}.
     */
    public Builder sentinelFor(String masterName, RedisServerProcess master) {
      Objects.requireNonNull(master, "master");
      if (!masterName.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("masterName must be letters, digits or . _ -, was '" + masterName + "'");
      }
      this.sentinelMonitor = masterName + " " + master.host() + " " + master.port();
      return this;
    }

    /**
     * Serves TLS only, on the port {@link #port()} reports ({@link #uri()} is then
     * {@code rediss://}), with this PEM certificate (also used as the CA) and PEM private key;
     * clients are not asked for certificates. The binary must be built with TLS (Debian's and the
     * shipped fallback are).
     */
    public Builder tls(Path certificatePem, Path privateKeyPem) {
      this.tlsCertificate = Objects.requireNonNull(certificatePem, "certificatePem").toAbsolutePath();
      this.tlsKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem").toAbsolutePath();
      return this;
    }

    Builder cluster(boolean enabled) {
      this.cluster = enabled;
      return this;
    }

    /** Starts the server and waits until it accepts connections. */
    public RedisServerProcess start() {
      RedisServerProcess server;
      try {
        server = new RedisServerProcess(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a data directory for redis-server", e);
      }
      try {
        synchronized (server) {
          server.launch(true);
        }
      } catch (RuntimeException e) {
        deleteRecursively(server.dataDir);
        throw e;
      }
      return server;
    }
  }
}
