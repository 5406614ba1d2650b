package dev.zen.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.ZenExecutors;
import dev.zen.gateway.internal.JsonMappers;
import dev.zen.internal.Futures;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The SDK's {@link McpAsyncServer} on this package's {@link StdioTransport}, serving a
 * {@link ToolHost}. Reading starts as soon as it is built; {@link #terminated()} completes when the
 * client closes stdin (or stops reading stdout).
 *
 * <p>The host may still be being built ({@link PendingHost}): the session then starts at once
 * and answers {@code initialize}, and its tools and prompts are added to the SDK server when the
 * host arrives; until then the transport holds the requests that need them.
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
  private final String name;
  private volatile @Nullable ToolBridge bridge;

  private McpStdioServer(PendingHost pending, ServerIdentity identity, InputStream in, OutputStream out,
      int maxOutstanding) {
    ObjectMapper json = JsonMappers.create();
    McpJsonMapper mapper = new JacksonMcpJsonMapper(json);
    this.name = identity.name();
    // Only starts calls (the host returns a future at once), so on JDK 17 a few threads suffice;
    // a pool as large as the agent's would start a new thread for each of the first 1,024 calls.
    this.callExecutor = ZenExecutors.newRuntimeExecutor("zen-mcp-call",
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    ToolHost now = pending.now();
    if (now != null) {
      ToolBridge ready = new ToolBridge(now, callExecutor, name);
      this.bridge = ready;
      this.transport = new StdioTransport(json, mapper, in, out, RequestChecks.all(ready::check), maxOutstanding);
      transport.answerInitializeWith(InitializeAnswer.of(json, identity, now.instructions(), !now.prompts().isEmpty(),
          transport.protocolVersions()));
      this.server = configure(McpServer.async(transport), identity, now, ready, mapper).build();
      return;
    }
    CompletableFuture<Void> tools = new CompletableFuture<>();
    this.transport = new StdioTransport(json, mapper, in, out,
        RequestChecks.all(params -> Objects.requireNonNull(bridge, "bridge").check(params)), maxOutstanding,
        tools, pending.maxWait());
    transport.answerInitializeWith(InitializeAnswer.of(json, identity, pending.instructions(), pending.prompts(),
        transport.protocolVersions()));
    this.server = configure(McpServer.async(transport), identity, pending.instructions(), pending.prompts(), List.of(),
        List.of(), mapper).build();
    pending.host().whenComplete((host, failure) -> serve(host, failure, tools));
  }

  /** Starts serving {@code host} on {@code in}/{@code out}. */
  static McpStdioServer start(ToolHost host, ServerIdentity identity, InputStream in, OutputStream out) {
    return start(PendingHost.ready(host), identity, in, out);
  }

  /** Starts serving the tools of {@code host}, which may still be being built, on {@code in}/{@code out}. */
  static McpStdioServer start(PendingHost host, ServerIdentity identity, InputStream in, OutputStream out) {
    return new McpStdioServer(host, identity, in, out, StdioTransport.DEFAULT_MAX_OUTSTANDING);
  }

  /** As {@link #start}, pausing stdin at {@code maxOutstanding} requests and queued messages. */
  static McpStdioServer start(ToolHost host, ServerIdentity identity, InputStream in, OutputStream out,
      int maxOutstanding) {
    return new McpStdioServer(PendingHost.ready(host), identity, in, out, maxOutstanding);
  }

  /** The host arrived (or failed): its tools and prompts join the SDK server, then held requests go on. */
  private void serve(@Nullable ToolHost host, @Nullable Throwable failure, CompletableFuture<Void> tools) {
    if (failure != null || host == null) {
      tools.completeExceptionally(failure == null ? new IllegalStateException("no tools") : Futures.unwrap(failure));
      return;
    }
    try {
      ToolBridge ready = new ToolBridge(host, callExecutor, name);
      // Without listChanged these complete at once, on this thread: no client is told, none has listed yet.
      for (McpServerFeatures.AsyncToolSpecification tool : ready.specifications()) {
        server.addTool(tool).toFuture().join();
      }
      for (McpServerFeatures.AsyncPromptSpecification prompt : Prompts.specifications(host.prompts())) {
        server.addPrompt(prompt).toFuture().join();
      }
      this.bridge = ready;
      tools.complete(null);
    } catch (RuntimeException e) {
      tools.completeExceptionally(Futures.unwrap(e));
    }
  }

  /** The transport, for tests that watch its queue. */
  StdioTransport transport() {
    return transport;
  }

  /** Everything about the SDK server that does not depend on the transport. */
  static McpServer.AsyncSpecification<?> configure(McpServer.AsyncSpecification<?> spec, ServerIdentity identity,
      ToolHost host, ToolBridge bridge, McpJsonMapper mapper) {
    return configure(spec, identity, host.instructions(), !host.prompts().isEmpty(), bridge.specifications(),
        Prompts.specifications(host.prompts()), mapper);
  }

  /** As above, for a host that may still be being built: what is known of it before. */
  static McpServer.AsyncSpecification<?> configure(McpServer.AsyncSpecification<?> spec,
      ServerIdentity identity, String instructions, boolean prompts,
      List<McpServerFeatures.AsyncToolSpecification> tools, List<McpServerFeatures.AsyncPromptSpecification> promptSpecs,
      McpJsonMapper mapper) {
    McpSchema.Implementation.Builder info = McpSchema.Implementation.builder(identity.name(), identity.version());
    if (identity.title() != null) {
      info.title(identity.title());
    }
    McpSchema.ServerCapabilities.Builder capabilities = McpSchema.ServerCapabilities.builder().tools(false).logging();
    if (prompts) {
      capabilities.prompts(false);
    }
    spec.serverInfo(info.build())
        .capabilities(capabilities.build())
        .jsonMapper(mapper)
        // Tools check arguments themselves (the agent from the same definitions as its schemas,
        // the adapter for application tools) and answer with an isError result naming the
        // argument; the SDK's generic check would answer first, with a protocol error.
        .validateToolInputs(false)
        .jsonSchemaValidator(new ToolSchemas())
        .requestTimeout(Duration.ofMinutes(5))
        .tools(tools)
        .prompts(promptSpecs);
    if (!instructions.isEmpty()) {
      spec.instructions(instructions);
    }
    return spec;
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
