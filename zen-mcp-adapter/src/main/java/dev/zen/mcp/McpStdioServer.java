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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The SDK's {@link McpAsyncServer} on this package's {@link StdioTransport}, serving a
 * {@link ToolHost}. Reading starts as soon as it is built; {@link #terminated()} completes when the
 * client closes stdin (or stops reading stdout).
 *
 * <p>Only the transport is stdio-specific: {@link #configure} sets up any SDK server around a
 * {@link ToolBridge}, so a Streamable HTTP transport provider gets the same tools, checks and
 * capabilities (its provider must also apply {@link RequestChecks#all} before the SDK session,
 * as {@link StdioTransport} does).
 */
final class McpStdioServer implements AutoCloseable {
  private final StdioTransport transport;
  private final McpAsyncServer server;
  private final ExecutorService callExecutor;

  private McpStdioServer(ToolHost host, ServerIdentity identity, InputStream in, OutputStream out,
      int maxOutstanding) {
    ObjectMapper json = new ObjectMapper();
    McpJsonMapper mapper = new JacksonMcpJsonMapper(json);
    // Only starts calls (the host returns a future at once), so on JDK 17 a few threads suffice;
    // a pool as large as the agent's would start a new thread for each of the first 1,024 calls.
    this.callExecutor = ZenExecutors.newRuntimeExecutor("zen-mcp-call",
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    ToolBridge bridge = new ToolBridge(host, callExecutor, identity.name());
    this.transport = new StdioTransport(json, mapper, in, out, RequestChecks.all(bridge), maxOutstanding);
    this.server = configure(McpServer.async(transport), identity, host, bridge, mapper).build();
  }

  /** Starts serving {@code host} on {@code in}/{@code out}. */
  static McpStdioServer start(ToolHost host, ServerIdentity identity, InputStream in, OutputStream out) {
    return new McpStdioServer(host, identity, in, out, StdioTransport.DEFAULT_MAX_OUTSTANDING);
  }

  /** As {@link #start}, pausing stdin at {@code maxOutstanding} requests and queued messages. */
  static McpStdioServer start(ToolHost host, ServerIdentity identity, InputStream in, OutputStream out,
      int maxOutstanding) {
    return new McpStdioServer(host, identity, in, out, maxOutstanding);
  }

  /** The transport, for tests that watch its queue. */
  StdioTransport transport() {
    return transport;
  }

  /** Everything about the SDK server that does not depend on the transport. */
  static McpServer.AsyncSpecification<?> configure(McpServer.AsyncSpecification<?> spec, ServerIdentity identity,
      ToolHost host, ToolBridge bridge, McpJsonMapper mapper) {
    McpSchema.Implementation.Builder info = McpSchema.Implementation.builder(identity.name(), identity.version());
    if (identity.title() != null) {
      info.title(identity.title());
    }
    spec.serverInfo(info.build())
        .capabilities(capabilities(host))
        .jsonMapper(mapper)
        // Tools check arguments themselves (the agent from the same definitions as its schemas,
        // the adapter for application tools) and answer with an isError result naming the
        // argument; the SDK's generic check would answer first, with a protocol error.
        .validateToolInputs(false)
        .jsonSchemaValidator(new ToolSchemas())
        .requestTimeout(Duration.ofMinutes(5))
        .tools(bridge.specifications())
        .prompts(Prompts.specifications(host.prompts()));
    if (!host.instructions().isEmpty()) {
      spec.instructions(host.instructions());
    }
    return spec;
  }

  private static McpSchema.ServerCapabilities capabilities(ToolHost host) {
    McpSchema.ServerCapabilities.Builder capabilities = McpSchema.ServerCapabilities.builder().tools(false).logging();
    if (!host.prompts().isEmpty()) {
      capabilities.prompts(false);
    }
    return capabilities.build();
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
