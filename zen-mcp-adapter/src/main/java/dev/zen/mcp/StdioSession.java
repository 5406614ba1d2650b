package dev.zen.mcp;

import java.util.concurrent.CompletableFuture;

/**
 * One MCP session on a pair of streams, started by {@link McpAdapter#serveStdio}. It runs on its
 * own threads; the application waits for {@link #terminated()} and then closes it.
 */
public final class StdioSession implements AutoCloseable {
  private final McpStdioServer server;

  StdioSession(McpStdioServer server) {
    this.server = server;
  }

  /**
   * Completes when the session is over: the client closed its end of the input (MCP's way to end
   * a stdio session) or stopped reading the output. Running calls are cancelled by then.
   */
  public CompletableFuture<Void> terminated() {
    // A copy: completing it must not end the session behind the transport's back.
    return server.terminated().copy();
  }

  /**
   * Ends the session: running calls are cancelled, answers already queued are written (for up to
   * two seconds), the session's threads stop. Idempotent. The streams are left to their owner.
   */
  @Override
  public void close() {
    server.close();
  }
}
