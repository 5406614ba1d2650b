package dev.zen.mcp;

import dev.zen.agent.ToolSpec;
import dev.zen.agent.ZenAgent;
import dev.zen.agent.ZenAgentOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Serves tools over the Model Context Protocol: the Zen agent's, an application's own
 * ({@link ToolSpec} plus {@link ToolHandler}), and compiled agent graphs ({@link GraphTool}), on
 * the official MCP Java SDK. Immutable and thread-safe; one adapter may serve several sessions.
 *
 * <pre>{@code
 * CompiledAgentGraph graph = ...;                       // your own graph, with its checkpoint store
 * McpAdapter adapter = McpAdapter.builder()
 *     .serverInfo("review-server", "1.0.0")
 *     .instructions("Reviews code changes with three models.")
 *     .graph(GraphTool.builder("review", graph)
 *         .description("Reviews a code change; answers the review.")
 *         .inputSchema(Map.of("type", "object",
 *             "properties", Map.of("change", Map.of("type", "string", "description", "the diff")),
 *             "required", List.of("change")))
 *         .output(result -> new ToolResult(result.state().value("review", String.class).orElse(""),
 *             Map.of("status", result.interrupted() ? "paused" : "success"), false, null))
 *         .build())
 *     .tool(new ToolSpec("ping_db", "Checks the database.", Map.of("type", "object")),
 *         call -> database.ping().thenApply(ok -> new ToolResult("ok", Map.of("status", "success"), false, null)))
 *     .agent(zenAgent)                                  // optional: chat, consensus, ...
 *     .build();
 * try (StdioSession session = adapter.serveStdio()) {   // this process's stdin and stdout
 *   session.terminated().join();                        // until the client closes stdin
 * }
 * }</pre>
 *
 * <p>What every served tool gets, whatever its source:
 * <ul>
 *   <li>{@code tools/list} shows its name, description, input schema and, when declared, output
 *       schema; an unknown tool name is answered with JSON-RPC {@code -32602} naming it and the
 *       tools there are.
 *   <li>Arguments of application tools and graphs are checked against the input schema's top
 *       level; a misfit is an {@code isError} result naming the argument (see {@link ToolHandler}).
 *   <li>{@code notifications/progress} only when the client sent a {@code progressToken}, always
 *       before the answer; {@code notifications/cancelled} cancels the call's future and sends no
 *       answer; a failure is an {@code isError} result, never a protocol error;
 *       {@code logging/setLevel} chooses which per-call log notifications the client receives.
 * </ul>
 *
 * <p>Transports: stdio ({@link #serveStdio}) today; the tool bridge behind it does not depend on
 * the transport, so Streamable HTTP can be served by the same adapter. Lifecycle: the adapter
 * owns nothing; a session owns its threads and stops them on {@link StdioSession#close()}. The
 * agent and the graphs' stores belong to the application, which closes them after its sessions.
 */
public final class McpAdapter {
  private final ServerIdentity identity;
  private final PendingHost host;

  private McpAdapter(ServerIdentity identity, PendingHost host) {
    this.identity = identity;
    this.host = host;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tools served, in the order they were added (the agent's first). With an agent that is
   * still being built ({@link Builder#agent(CompletionStage, ZenAgentOptions)}), waits for it.
   *
   * @throws java.util.concurrent.CompletionException when that agent failed, or does not fit
   */
  public List<ToolSpec> tools() {
    return host.host().join().tools();
  }

  /**
   * Serves one MCP session on {@code in} and {@code out}, one JSON-RPC message per line, starting
   * at once on its own threads (one reads {@code in}, one writes {@code out}). {@code out} must
   * carry nothing else: see {@link #serveStdio()} for a process's own stdout.
   */
  public StdioSession serveStdio(InputStream in, OutputStream out) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    return new StdioSession(McpStdioServer.start(host, identity, in, out));
  }

  /**
   * Serves one MCP session on this process's stdin and stdout, as an MCP client that started the
   * process expects. First points {@link System#out} at {@link System#err}, so that a stray print
   * from any library cannot corrupt the protocol; the session writes to the real stdout. Log to
   * stderr too (slf4j-simple does by default).
   */
  public StdioSession serveStdio() {
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    return serveStdio(System.in, protocol);
  }

  /**
   * Serves MCP's Streamable HTTP transport (2025-11-25) in an embedded Jetty 12, starting at once;
   * see {@link McpHttpServer}. Any number of sessions and clients; with tokens configured each
   * request needs {@code Authorization: Bearer <token>}, whose name becomes the call's
   * {@linkplain dev.zen.agent.ToolCall#principal() principal}. Needs {@code jetty-ee10-servlet} on
   * the class path (an optional dependency of this module; the runnable jar has it).
   *
   * @throws IllegalStateException when the address cannot be bound
   */
  public McpHttpServer serveHttp(HttpOptions options) {
    Objects.requireNonNull(options, "options");
    // Many sessions share the server: it starts once the tools are there (an agent still being built).
    return McpHttpServer.start(host.host().join(), identity, options);
  }

  @Override
  public String toString() {
    ToolHost tools = host.now();
    return "McpAdapter[" + identity.name() + " " + identity.version() + ", "
        + (tools != null ? tools : host.host().isDone() ? "tools failed" : "tools being built") + "]";
  }

  /**
   * Configures an {@link McpAdapter}; setters validate at once, {@link #build()} checks that the
   * tools fit together and has no side effects.
   */
  public static final class Builder {
    private @Nullable String name;
    private @Nullable String version;
    private @Nullable String title;
    private @Nullable String instructions;
    private @Nullable ZenAgent agent;
    private @Nullable CompletionStage<ZenAgent> pendingAgent;
    private @Nullable ZenAgentOptions pendingOptions;
    private Duration maxWait = PendingHost.DEFAULT_WAIT;
    private final List<AdapterHost.Entry> added = new ArrayList<>();

    private Builder() {}

    /** The server's name and version, as {@code initialize} reports them to the client. Required. */
    public Builder serverInfo(String name, String version) {
      this.name = requireText(name, "name");
      this.version = requireText(version, "version");
      return this;
    }

    /** A display name for the server, when it differs from its name. */
    public Builder title(String title) {
      this.title = requireText(title, "title");
      return this;
    }

    /**
     * What the client's model should know to use the tools well, sent with {@code initialize};
     * default: the agent's instructions when an agent is served, else none.
     */
    public Builder instructions(String instructions) {
      this.instructions = Objects.requireNonNull(instructions, "instructions");
      return this;
    }

    /**
     * Serves every tool of {@code agent} ({@link ZenAgent#tools()}) and its prompts
     * ({@link ZenAgent#prompts()}, slash commands in CLIs); the agent checks tool arguments itself. A call of one of the agent's disabled tools is refused saying it is
     * disabled. At most one agent.
     *
     * @throws IllegalStateException when an agent was set already
     */
    public Builder agent(ZenAgent agent) {
      Objects.requireNonNull(agent, "agent");
      requireNoAgent();
      this.agent = agent;
      return this;
    }

    /**
     * Serves the Zen agent that {@code agent} completes with, as {@link #agent(ZenAgent)} does,
     * without waiting for it: a session answers {@code initialize} at once (with the
     * instructions of {@code options}, the options the agent is built with), and holds
     * {@code tools/list}, {@code tools/call}, {@code prompts/list} and {@code prompts/get} until
     * the agent is there, for up to 60 seconds each. When {@code agent} fails, or its tools clash
     * with the adapter's own, those requests are answered with a JSON-RPC error ({@code -32603})
     * naming the failure. Lets a server start its session while it builds its agent (stores,
     * model catalogue, tools) on another thread. At most one agent.
     *
     * @throws IllegalStateException when an agent was set already
     */
    public Builder agent(CompletionStage<ZenAgent> agent, ZenAgentOptions options) {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(options, "options");
      requireNoAgent();
      this.pendingAgent = agent;
      this.pendingOptions = options;
      return this;
    }

    /** How long a request waits for an agent still being built (tests shorten it). */
    Builder maxWait(Duration maxWait) {
      this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
      return this;
    }

    private void requireNoAgent() {
      if (agent != null || pendingAgent != null) {
        throw new IllegalStateException("an adapter serves at most one Zen agent; agent(...) was called already");
      }
    }

    /** Serves an application's own tool: {@code spec} is what clients see, {@code handler} runs calls. */
    public Builder tool(ToolSpec spec, ToolHandler handler) {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(handler, "handler");
      added.add(new AdapterHost.Entry(spec, "tool(...)", handler, true));
      return this;
    }

    /** Serves a compiled agent graph as a tool (see {@link GraphTool}). */
    public Builder graph(GraphTool tool) {
      Objects.requireNonNull(tool, "tool");
      added.add(new AdapterHost.Entry(tool.spec(), "graph(...)", tool::call, true));
      return this;
    }

    /**
     * The adapter.
     *
     * @throws IllegalStateException when {@link #serverInfo} was not called, when there is no tool,
     *     or when two tools share a name (with an agent still being built, these two are found when
     *     it arrives, and answered to the requests that need the tools)
     */
    public McpAdapter build() {
      if (name == null || version == null) {
        throw new IllegalStateException("call serverInfo(name, version): MCP clients show them to their users");
      }
      ServerIdentity identity = new ServerIdentity(name, title, version);
      List<AdapterHost.Entry> own = List.copyOf(added);
      CompletionStage<ZenAgent> later = pendingAgent;
      ZenAgentOptions options = pendingOptions;
      if (later == null || options == null) {
        AdapterHost host = host(agent, own, instructions);
        return new McpAdapter(identity, new PendingHost(CompletableFuture.completedFuture(host), host.instructions(),
            !host.prompts().isEmpty(), maxWait));
      }
      String text = instructions;
      CompletableFuture<AdapterHost> host = new CompletableFuture<>();
      later.whenComplete((zen, failure) -> {
        if (failure != null) {
          host.completeExceptionally(failure);
          return;
        }
        try {
          host.complete(host(zen, own, text));
        } catch (RuntimeException e) {
          host.completeExceptionally(e);
        }
      });
      // The agent's prompts are known only with it: prompts are offered, maybe none listed.
      return new McpAdapter(identity, new PendingHost(host, text != null ? text : options.instructions(), true,
          maxWait));
    }

    /** The tools of {@code agent} and the adapter's own, checked to fit together. */
    private static AdapterHost host(@Nullable ZenAgent agent, List<AdapterHost.Entry> added,
        @Nullable String instructions) {
      List<AdapterHost.Entry> entries = new ArrayList<>();
      Set<String> disabled = Set.of();
      if (agent != null) {
        ZenAgent zen = agent;
        for (ToolSpec spec : zen.tools()) {
          entries.add(new AdapterHost.Entry(spec, "the Zen agent", zen::call, false));
        }
        disabled = zen.options().disabledTools();
      }
      entries.addAll(added);
      if (entries.isEmpty()) {
        throw new IllegalStateException("the adapter has no tools: add an agent(...), a tool(...) or a graph(...)");
      }
      Map<String, AdapterHost.Entry> byName = new LinkedHashMap<>();
      for (AdapterHost.Entry entry : entries) {
        AdapterHost.Entry earlier = byName.putIfAbsent(entry.spec().name(), entry);
        if (earlier != null) {
          throw new IllegalStateException("tool '" + entry.spec().name() + "' is served twice, by " + earlier.source()
              + " and by " + entry.source() + "; tool names must be unique: rename one");
        }
      }
      String text = instructions != null ? instructions : agent != null ? agent.instructions() : "";
      return new AdapterHost(byName, disabled, text, agent != null ? agent.prompts() : List.of());
    }

    private static String requireText(@Nullable String value, String what) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be null or blank");
      }
      return value;
    }
  }
}
