package dev.zen.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.ZenExecutors;
import dev.zen.gateway.internal.JsonMappers;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over Streamable HTTP, started by {@link McpAdapter#serveHttp}: an embedded Jetty 12 with the
 * MCP endpoint ({@link HttpOptions#path()}, default {@code /mcp}), {@code /healthz} (the process
 * is alive) and {@code /readyz} (not draining, and the options' readiness check passes). The same
 * tool bridge as stdio serves the calls: the same checks, progress, cancellation and error rules.
 *
 * <p>Lifecycle: {@link #drain(Duration)} stops taking new sessions and calls (503), lets running
 * calls finish within the grace period, then stops the rest, each answered with an error saying
 * the server is shutting down; {@link #close()} then stops the server. Threads: Jetty's pool
 * (nothing in it waits on a call), one timer for keep-alive comments and session expiry, and the
 * executor that starts calls.
 */
public final class McpHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpHttpServer.class);

  private final HttpOptions options;
  private final Server jetty;
  private final ServerConnector connector;
  private final HttpTransport transport;
  private final McpAsyncServer server;
  private final ToolBridge bridge;
  private final ExecutorService callExecutor;
  private final ExecutorService writeExecutor;
  private final ScheduledExecutorService timer;

  private McpHttpServer(ToolHost host, ServerIdentity identity, HttpOptions options) {
    this.options = options;
    ObjectMapper json = JsonMappers.create();
    McpJsonMapper mapper = new JacksonMcpJsonMapper(json);
    this.callExecutor = ZenExecutors.newRuntimeExecutor("zen-mcp-http-call",
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    this.bridge = new ToolBridge(host, callExecutor, identity.name(), options.callTimeout().orElse(null));
    // Writes to clients get their own threads: a slow reader must not hold the thread that
    // produced a message (see HttpTransport.Connection).
    this.writeExecutor = ZenExecutors.newRuntimeExecutor("zen-mcp-http-write");
    this.transport = new HttpTransport(json, mapper, options, RequestChecks.all(bridge::check), writeExecutor);
    this.server = McpStdioServer.configure(McpServer.async(transport), identity, host, bridge, mapper).build();

    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("zen-mcp-http");
    threads.setDaemon(true);
    this.jetty = new Server(threads);
    jetty.setStopTimeout(2_000);
    HttpConfiguration http = new HttpConfiguration();
    // No "Server: Jetty(12.x)" header: a version is a hint for an attacker and nothing for a client.
    http.setSendServerVersion(false);
    this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(options.host().startsWith("[") ? options.host().substring(1, options.host().length() - 1)
        : options.host());
    connector.setPort(options.port());
    // Above the keep-alive interval, so an open SSE stream is never closed for idleness.
    connector.setIdleTimeout(Math.max(60_000, 3 * options.keepAliveInterval().toMillis()));
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder mcp = new ServletHolder("mcp", transport);
    mcp.setAsyncSupported(true);
    context.addServlet(mcp, options.path());
    context.addServlet(new ServletHolder("health", new Health()), "/healthz");
    context.addServlet(new ServletHolder("ready", new Health()), "/readyz");
    jetty.setHandler(context);

    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "zen-mcp-http-timer");
      thread.setDaemon(true);
      return thread;
    });
    long every = Math.min(options.keepAliveInterval().toMillis(), options.sessionIdleTimeout().toMillis() / 2);
    timer.scheduleWithFixedDelay(() -> {
      try {
        transport.tick(System.currentTimeMillis());
      } catch (RuntimeException e) {
        LOG.warn("keep-alive and session expiry failed; retrying next tick", e);
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  static McpHttpServer start(ToolHost host, ServerIdentity identity, HttpOptions options) {
    McpHttpServer started = new McpHttpServer(host, identity, options);
    try {
      started.jetty.start();
    } catch (Exception e) {
      started.close();
      throw new IllegalStateException("could not listen on " + options.host() + ":" + options.port() + ": "
          + e.getMessage(), e);
    }
    return started;
  }

  /** The port listened on (the one chosen when the options said 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The MCP endpoint's URL, for clients. */
  public URI uri() {
    String host = options.host().contains(":") && !options.host().startsWith("[") ? "[" + options.host() + "]"
        : options.host();
    return URI.create("http://" + host + ":" + port() + options.path());
  }

  /** Tool calls running now. */
  public int runningCalls() {
    return bridge.running();
  }

  /**
   * Stops taking new sessions and calls ({@code /readyz} answers 503 at once), waits up to
   * {@code grace} for running calls to finish, then stops those left, each answered with an error
   * saying the server is shutting down. Completes when no call runs; never fails.
   */
  public CompletableFuture<Void> drain(Duration grace) {
    transport.drain();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    long deadline = System.nanoTime() + grace.toNanos();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      if (bridge.running() == 0 && transport.requestsInFlight() == 0) {
        drained.complete(null);
      } else if (System.nanoTime() >= deadline) {
        LOG.info("grace period over: stopping {} running calls", bridge.running());
        bridge.stopAll("the server is shutting down; call again, another instance will answer");
        timer.schedule(() -> drained.complete(null), 500, TimeUnit.MILLISECONDS);
      } else {
        timer.schedule(check[0], 50, TimeUnit.MILLISECONDS);
      }
    };
    timer.execute(check[0]);
    return drained;
  }

  /** Stops listening, ends every session (running calls are cancelled) and stops the threads. Idempotent. */
  @Override
  public void close() {
    server.close();
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.debug("stopping Jetty failed", e);
    }
    timer.shutdownNow();
    callExecutor.shutdownNow();
    writeExecutor.shutdownNow();
  }

  @Override
  public String toString() {
    return "McpHttpServer[" + uri() + "]";
  }

  /** {@code /healthz}: alive. {@code /readyz}: not draining and the readiness check passes. */
  private final class Health extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (request.getServletPath().equals("/healthz")) {
        write(response, 200, "ok");
        return;
      }
      if (transport.draining()) {
        write(response, 503, "draining");
        return;
      }
      try {
        options.readiness().get().toCompletableFuture().get(2, TimeUnit.SECONDS);
        write(response, 200, "ready");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        write(response, 503, "interrupted");
      } catch (Exception e) {
        write(response, 503, "not ready: " + e);
      }
    }

    private void write(HttpServletResponse response, int status, String text) throws IOException {
      byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.setContentType("text/plain;charset=utf-8");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
