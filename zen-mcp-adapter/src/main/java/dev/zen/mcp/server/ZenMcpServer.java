package dev.zen.mcp.server;

import dev.zen.mcp.HttpOptions;
import dev.zen.mcp.McpAdapter;
import dev.zen.mcp.McpHttpServer;
import dev.zen.mcp.StdioSession;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zen's MCP server on stdio: {@code java -jar zen-mcp-server.jar [--demo]}. The Zen agent's tools
 * served by {@link McpAdapter}; this class adds the environment, the process and its exit status.
 *
 * <p>Configured by environment variables ({@code CUSTOM_API_URL}, {@code CUSTOM_API_KEY},
 * {@code CUSTOM_MODEL_NAME}, {@code OPENAI_API_KEY}, {@code OPENROUTER_API_KEY},
 * {@code DEFAULT_MODEL}, {@code DISABLED_TOOLS}, {@code CONVERSATION_TIMEOUT_HOURS},
 * {@code MAX_CONVERSATION_TURNS}, {@code LOG_LEVEL}, {@code LOG_FORMAT}, {@code REDIS_URL}, OpenTelemetry's
 * {@code OTEL_*} (traces and metrics),
 * {@code ZEN_MAX_CONCURRENT_CALLS}, the model-call timeouts {@code ZEN_CONNECT_TIMEOUT_SECONDS},
 * {@code ZEN_FIRST_BYTE_TIMEOUT_SECONDS}, {@code ZEN_IDLE_TIMEOUT_SECONDS} and
 * {@code ZEN_CALL_TIMEOUT_SECONDS}, {@code ZEN_IDLE_GC_SECONDS}; {@code --demo} also reads {@code ZEN_DEMO_LATENCY_MS}); the
 * module README describes each. A bad value stops the server before it reads anything, with exit
 * status 2 and a line on stderr naming the variable.
 *
 * <p>Stdout carries the protocol and nothing else: {@code System.out} is pointed at stderr before
 * anything runs, so a stray print from a library cannot corrupt the session. The server exits
 * with status 0 when the client closes stdin, and on SIGTERM or SIGINT, which end the session the
 * same way (running calls cancelled, queued answers written, everything closed).
 */
public final class ZenMcpServer {
  /** The server's name in {@code initialize}, and the prefix of its tools' log notifications. */
  static final String NAME = "zen";
  /** Exit status when the configuration is wrong. */
  static final int EXIT_CONFIGURATION = 2;
  /** Exit status when starting failed for another reason. */
  static final int EXIT_FAILURE = 1;
  /** How long an idle pooled connection to the model endpoint stays open. */
  static final int IDLE_CONNECTION_SECONDS = 30;
  /** How many idle pooled connections to the model endpoint stay open at most. */
  static final int IDLE_CONNECTIONS = 32;

  private ZenMcpServer() {}

  public static void main(String[] args) {
    // With fewer than 3 CPUs the common pool has one thread, and CompletableFuture's *Async
    // methods called without an executor (libraries below us do) then start a thread per task.
    setIfAbsent("java.util.concurrent.ForkJoinPool.common.parallelism",
        String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    boundIdleConnections();
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    boolean interactive = System.console() != null;
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Signals.onStop(() -> stop.complete(null));
    int status = run(List.of(args), System.getenv(), System.in, protocol, System.err, interactive, stop);
    // Explicitly: a library thread we do not own must not keep a server alive whose client left.
    System.exit(status);
  }

  /** Runs the server until the client closes {@code in} (HTTP: until the process is stopped); the exit status. */
  static int run(List<String> args, Map<String, String> env, InputStream in, OutputStream out, PrintStream err,
      boolean interactive) {
    return run(args, env, in, out, err, interactive, new CompletableFuture<>());
  }

  /** Runs the server until the client closes {@code in} or {@code stop} completes; the exit status. */
  static int run(List<String> args, Map<String, String> env, InputStream in, OutputStream out, PrintStream err,
      boolean interactive, CompletableFuture<Void> stop) {
    ServerConfig config;
    try {
      config = ServerConfig.parse(args, env);
    } catch (ConfigurationException e) {
      err.println("zen-mcp-server: " + e.getMessage());
      return EXIT_CONFIGURATION;
    }
    if (config.help()) {
      err.println(ServerConfig.USAGE);
      return 0;
    }
    configureLogging(config.logLevel(), config.jsonLogs());
    Logger log = LoggerFactory.getLogger(ZenMcpServer.class);
    if (config.http().options().isEmpty()) {
      return serveStdio(config, in, out, err, interactive, stop, log);
    }
    ZenRuntime runtime;
    try {
      runtime = startRuntime(config);
    } catch (RuntimeException e) {
      return failedToStart(e, err, log);
    }
    // Several users share an HTTP server and its store: each can list and delete their own
    // conversations. On stdio the tool list keeps its size budget for the one user it has.
    McpAdapter adapter = ConversationTools.addTo(adapterBuilder().agent(runtime.agent()), runtime.agent()).build();
    return serveHttp(adapter, config, runtime, version(), err, stop, log);
  }

  /** The server's name, version and title; the agent is added by the caller. */
  private static McpAdapter.Builder adapterBuilder() {
    return McpAdapter.builder().serverInfo(NAME, version()).title("Zen");
  }

  /** The runtime (store, catalogue, agent), and the idle collection it owns. */
  private static ZenRuntime startRuntime(ServerConfig config) {
    ZenRuntime runtime = ZenRuntime.start(config);
    if (!config.idleGc().isZero()) {
      runtime.own(IdleCollector.start(config.idleGc()));
    }
    return runtime;
  }

  /** The exit status for a runtime that could not start, after saying why on stderr. */
  private static int failedToStart(Throwable failure, PrintStream err, Logger log) {
    if (failure instanceof ConfigurationException) {
      err.println("zen-mcp-server: " + failure.getMessage());
      return EXIT_CONFIGURATION;
    }
    log.error("could not start", failure);
    err.println("zen-mcp-server: could not start: " + failure);
    return EXIT_FAILURE;
  }

  /**
   * Serves one session on stdio. The session starts first and answers {@code initialize} while the
   * runtime (checkpoint store, model catalogue, clink clients, agent) is built on another thread
   * (issue 14: the client's wait for {@code initialize} is the start-up users feel); requests that
   * need the tools wait for it. When building it fails the server stops as it did when it built
   * everything first: with the message on stderr and exit status 2 for a configuration error
   * (requests waiting for the tools are answered with the error first).
   */
  private static int serveStdio(ServerConfig config, InputStream in, OutputStream out, PrintStream err,
      boolean interactive, CompletableFuture<Void> stop, Logger log) {
    String version = version();
    CompletableFuture<ZenRuntime> runtime = new CompletableFuture<>();
    // Completed after the runtime's own dependents ran (the session's waiting requests are answered by then).
    CompletableFuture<Throwable> startFailure = new CompletableFuture<>();
    StdioSession server = adapterBuilder()
        .agent(runtime.thenApply(ZenRuntime::agent), config.agentOptions())
        .build()
        .serveStdio(in, out);
    Thread builder = new Thread(() -> {
      try {
        delayForTests();
        ZenRuntime started = startRuntime(config);
        log.info("Zen MCP server {} on stdio: {}", version, started.describe());
        log.debug("{}", config);
        runtime.complete(started);
      } catch (RuntimeException | Error e) {
        runtime.completeExceptionally(e);
        startFailure.complete(e);
      }
    }, "zen-start");
    builder.setDaemon(true);
    builder.start();
    Thread hook = new Thread(() -> {
      server.close();
      // Not one that failed: getNow would throw its failure here.
      if (runtime.isDone() && !runtime.isCompletedExceptionally()) {
        runtime.join().close();
      }
    }, "zen-mcp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (interactive) {
      // Someone ran the jar in a terminal (the README's first command): say what it waits for.
      err.println("zen-mcp-server: waiting for an MCP client on stdin (one JSON-RPC message per line; "
          + "Ctrl-D ends). Register the jar with Claude Code or Codex as the README shows.");
    }
    CompletableFuture.anyOf(server.terminated(), stop, startFailure).join();
    int status = 0;
    if (startFailure.isDone()) {
      server.close();
      status = failedToStart(startFailure.join(), err, log);
    } else {
      log.info(stop.isDone() ? "asked to stop; ending the session as if stdin had closed"
          : "the client closed the session; stopping");
      server.close();
      // A session may end before the runtime is built (a client that gave up, a closed stdin):
      // wait for it, to close it, or to report that it could not start.
      try {
        runtime.join().close();
      } catch (CompletionException e) {
        status = failedToStart(e.getCause() == null ? e : e.getCause(), err, log);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs or ran; it closes the same things, idempotently.
    }
    return status;
  }

  /** A test hook: slows the runtime's start (milliseconds), to show what the session does meanwhile. */
  static final String START_DELAY_PROPERTY = "dev.zen.mcp.server.startDelayMillis";

  private static void delayForTests() {
    long millis = Long.getLong(START_DELAY_PROPERTY, 0L);
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Serves Streamable HTTP until {@code stop} (SIGTERM, SIGINT): then drains (new sessions and
   * calls get 503, running calls get the grace period, the rest an error answer) and exits 0.
   */
  private static int serveHttp(McpAdapter adapter, ServerConfig config, ZenRuntime runtime, String version,
      PrintStream err, CompletableFuture<Void> stop, Logger log) {
    HttpOptions options = config.http().options().orElseThrow().readiness(runtime::ready).build();
    McpHttpServer server;
    try {
      server = adapter.serveHttp(options);
    } catch (IllegalStateException e) {
      err.println("zen-mcp-server: " + e.getMessage());
      runtime.close();
      return EXIT_FAILURE;
    }
    Thread hook = new Thread(() -> {
      server.close();
      runtime.close();
    }, "zen-mcp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    log.info("Zen MCP server {} on {} ({}; {}): {}", version, server.uri(), options.stateless() ? "stateless"
        : "sessions", options.principals().isEmpty() ? "no tokens, loopback only" : options.principals().size()
        + " principals", runtime.describe());
    // One line on stderr that scripts and tests can wait for; with LOG_FORMAT=json a JSON line too,
    // whose URL is followed by a space like the text's end of line.
    if (config.jsonLogs()) {
      log.info("zen-mcp-server: listening on {} (Streamable HTTP)", server.uri());
    } else {
      err.println("zen-mcp-server: listening on " + server.uri());
    }
    stop.join();
    Duration grace = config.http().drain();
    log.info("draining: no new sessions or calls; {} running calls get up to {} s", server.runningCalls(),
        grace.toSeconds());
    server.drain(grace).join();
    server.close();
    runtime.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs or ran; it closes the same things, idempotently.
    }
    log.info("stopped");
    return 0;
  }

  /** This jar's version, from its manifest; {@code dev} when run from classes. */
  static String version() {
    String version = ZenMcpServer.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * The JDK HTTP client's connection pool, read once when the first client is built: on JDK 17 it
   * keeps every idle connection for 20 minutes, and any number of them, so a burst of concurrent
   * model calls (the demo allows a thousand) left one socket per call open long after it ended.
   * Idle connections now close after {@value #IDLE_CONNECTION_SECONDS} s (JDK 21's default), and
   * at most {@value #IDLE_CONNECTIONS} wait in the pool; the ones beyond are closed when released.
   */
  static void boundIdleConnections() {
    setIfAbsent("jdk.httpclient.keepalive.timeout", String.valueOf(IDLE_CONNECTION_SECONDS));
    setIfAbsent("jdk.httpclient.connectionPoolSize", String.valueOf(IDLE_CONNECTIONS));
  }

  /**
   * slf4j-simple reads its settings once, when the first logger is made: set them before that. With
   * LOG_FORMAT=json, SLF4J is pointed at {@link JsonLogProvider} instead (same levels, same stderr).
   */
  private static void configureLogging(ServerConfig.LogLevel level, boolean json) {
    if (json && System.getProperty("slf4j.provider") == null) {
      JsonLogProvider.off = level == ServerConfig.LogLevel.OFF;
      if (!JsonLogProvider.off) {
        JsonLogProvider.threshold = org.slf4j.event.Level.valueOf(level.name());
      }
      // SLF4J's own note that it loads the named provider would be the one line that is not JSON.
      setIfAbsent("slf4j.internal.verbosity", "WARN");
      System.setProperty("slf4j.provider", JsonLogProvider.class.getName());
      JsonLogProvider.routeJavaUtilLogging();
    }
    if (System.getProperty("slf4j.provider") == null && simpleLoggerPresent()) {
      // Named, SLF4J loads it at once instead of searching the class path's service files (~45 ms
      // of a start); its note that it does so is not worth a line on stderr.
      setIfAbsent("slf4j.internal.verbosity", "WARN");
      System.setProperty("slf4j.provider", SIMPLE_LOGGER);
    }
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level.name().toLowerCase(Locale.ROOT));
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    if (level.compareTo(ServerConfig.LogLevel.INFO) < 0) {
      // Jetty's DEBUG prints every request header, a client's bearer token included (and floods the
      // log besides): it stays at INFO whatever LOG_LEVEL asks for.
      setIfAbsent("org.slf4j.simpleLogger.log." + JsonLogProvider.CAPPED_AT_INFO, "info");
    }
  }

  private static final String SIMPLE_LOGGER = "org.slf4j.simple.SimpleServiceProvider";

  private static boolean simpleLoggerPresent() {
    try {
      Class.forName(SIMPLE_LOGGER, false, ZenMcpServer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
