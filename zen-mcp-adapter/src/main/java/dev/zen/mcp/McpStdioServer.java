package dev.zen.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.ZenExecutors;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The SDK's {@link McpAsyncServer} on this package's {@link StdioTransport}, serving a
 * {@link ToolHost}. Reading starts as soon as it is built; {@link #terminated()} completes when the
 * client closes stdin (or stops reading stdout).
 */
final class McpStdioServer implements AutoCloseable {
  static final String NAME = "zen";

  private final StdioTransport transport;
  private final McpAsyncServer server;
  private final ExecutorService callExecutor;

  private McpStdioServer(ToolHost host, InputStream in, OutputStream out, String version) {
    ObjectMapper json = new ObjectMapper();
    McpJsonMapper mapper = new JacksonMcpJsonMapper(json);
    // Only starts calls (the host returns a future at once), so on JDK 17 a few threads suffice;
    // a pool as large as the agent's would start a new thread for each of the first 1,024 calls.
    this.callExecutor = ZenExecutors.newRuntimeExecutor("zen-mcp-call",
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    ToolBridge bridge = new ToolBridge(host, callExecutor);
    this.transport = new StdioTransport(json, mapper, in, out, Map.of(McpSchema.METHOD_TOOLS_CALL, bridge::check));
    this.server = McpServer.async(transport)
        .serverInfo(McpSchema.Implementation.builder(NAME, version).title("Zen").build())
        .instructions(host.instructions())
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).logging().build())
        .jsonMapper(mapper)
        // The agent checks arguments itself, from the same definitions as the schemas, and answers
        // with an isError result that names the argument; the SDK's generic check would answer first.
        .validateToolInputs(false)
        .jsonSchemaValidator(new ToolSchemas())
        .requestTimeout(Duration.ofMinutes(5))
        .tools(bridge.specifications())
        .build();
  }

  /** Starts serving {@code host} on {@code in}/{@code out}. */
  static McpStdioServer start(ToolHost host, InputStream in, OutputStream out, String version) {
    return new McpStdioServer(host, in, out, version);
  }

  CompletableFuture<Void> terminated() {
    return transport.terminated();
  }

  @Override
  public void close() {
    // Closes the transport too: running calls are cancelled, queued answers written.
    server.close();
    callExecutor.shutdownNow();
  }
}
