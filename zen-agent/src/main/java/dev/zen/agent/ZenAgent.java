package dev.zen.agent;

import dev.zen.ZenExecutors;
import dev.zen.agent.clink.CliClients;
import dev.zen.gateway.ModelRegistry;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.RemoteExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Zen's tools behind one object: list them with {@link #tools()}, run one with
 * {@link #call(ToolCall)}. Thread-safe; any number of calls may run at once (calls continuing the
 * same conversation run one after the other, in arrival order; across agents that share a
 * checkpoint store, in the order they obtain the conversation's lease, see
 * {@link ZenAgentOptions#conversationLease()}).
 *
 * <p>Contract for adapters (see also the package documentation):
 * <ul>
 *   <li>An unknown or disabled tool name fails the future with {@link UnknownToolException}
 *       (MCP: {@code -32602}); it is never thrown.
 *   <li>Bad arguments, relative or refused paths, an unknown or expired {@code continuation_id}, an
 *       unknown model or a failing model complete with an error {@link ToolResult}
 *       ({@code isError() == true}) whose text says what to do.
 *   <li>A prompt longer than {@link ZenAgentOptions#maxPromptChars()} completes with a
 *       non-error result of status {@code resend_prompt} asking the client to pass it as a file.
 *   <li>Cancelling the returned future cancels the run and the model calls in flight (the HTTP
 *       requests are aborted).
 *   <li>Other failures (checkpoint store unavailable, an unexpected node failure) fail the future
 *       with a {@link dev.zen.ZenException}.
 *   <li>An answer the model gave but the store could not save (out of memory, unreachable after the
 *       model answered) is not lost: it completes as usual, with a warning leading the text and
 *       {@code "saved": false} (or {@code "unknown"} when a timed-out write may still land) and
 *       {@code "save_warning"} in the structured content.
 * </ul>
 *
 * <p>Tools: Zen's built-in tools (less those {@linkplain ZenAgentOptions#disabledTools() disabled}),
 * then the application's own, added with {@link Builder#tool(ZenTool)}.
 *
 * <p>Lifecycle: the agent does not own the gateway, the store or the executor it is given;
 * {@link #close()} cancels calls in flight and leaves those open.
 */
public final class ZenAgent implements AutoCloseable {
  private final AgentEngine engine;
  private final Map<String, ZenTool> tools;
  private final List<ToolSpec> specs;
  private final ZenAgentOptions options;
  private final UsageLedger usage = new UsageLedger();
  private final ConversationIndex conversations;

  private ZenAgent(Builder builder, Map<String, ZenTool> offered) {
    this.options = builder.options;
    this.tools = Map.copyOf(offered);
    this.specs = offered.values().stream().map(ZenTool::spec).toList();
    ModelGateway gateway = Objects.requireNonNull(builder.gateway);
    CheckpointStore store = Objects.requireNonNull(builder.store);
    FileRules rules = FileRules.forThisMachine(options.refusedFiles());
    ToolContext.AgentInfo info = new ToolContext.AgentInfo(version(), List.copyOf(offered.keySet()),
        gateway.getClass().getSimpleName(), store.getClass().getSimpleName());
    AgentServices services = new AgentServices(gateway, new ModelDirectory(builder.models, gateway, builder.clock),
        store, options, builder.executor, builder.clock, rules,
        new FileLoader(rules, builder.executor, options.maxFileBytes()), new ImageLoader(rules, builder.executor),
        builder.commands != null ? builder.commands : RemoteExecutor.local(builder.executor), usage, info);
    this.engine = new AgentEngine(services, offered.values());
    this.conversations = new ConversationIndex(store, builder.clock, options.conversationTimeout());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Zen's version, from the jar's manifest; {@code development build} when run from classes. */
  static String version() {
    String version = ZenAgent.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }

  /** The tools this agent offers, in a stable order (disabled tools left out). */
  public List<ToolSpec> tools() {
    return specs;
  }

  /**
   * Ready-made requests for the offered tools (MCP prompts, shown by CLIs as slash commands), as
   * the anchor names them: {@code review}, {@code thinkdeeper}, ..., and {@code continue}.
   */
  public List<PromptSpec> prompts() {
    return BuiltInPrompts.forTools(tools.keySet());
  }

  /**
   * What this agent's model calls consumed since it was built, by model: tokens, calls, and the
   * cost at the catalogue's list prices where it gives them.
   */
  public Map<String, Usage> usage() {
    return usage.snapshot();
  }

  /**
   * The live conversations {@code owner} started ({@link ToolCall#principal()}; null: those
   * started without a principal), most recently active first, at most {@code limit}. Nobody sees
   * another owner's conversations.
   */
  public CompletableFuture<List<ConversationSummary>> conversations(@Nullable String owner, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    return conversations.list(owner, limit);
  }

  /**
   * Deletes one of {@code owner}'s conversations; false when there is no such conversation of
   * theirs (unknown, expired, or another owner's: the three are not told apart).
   */
  public CompletableFuture<Boolean> deleteConversation(@Nullable String owner, String continuationId) {
    Objects.requireNonNull(continuationId, "continuationId");
    return conversations.delete(owner, continuationId);
  }

  /** The offered tool with this name. */
  public Optional<ToolSpec> tool(String name) {
    ZenTool tool = tools.get(name);
    return tool == null ? Optional.empty() : Optional.of(tool.spec());
  }

  /**
   * Text for a client to read once (MCP: the server's {@code instructions}): what the tools do
   * together and what the arguments every tool shares mean, so tool schemas stay compact.
   */
  public String instructions() {
    return options.instructions();
  }

  public ZenAgentOptions options() {
    return options;
  }

  /**
   * Runs a tool. See the class documentation for how errors arrive; cancelling the future cancels
   * the run and its model calls.
   */
  public CompletableFuture<ToolResult> call(ToolCall call) {
    Objects.requireNonNull(call, "call");
    ZenTool tool = tools.get(call.tool());
    if (tool == null) {
      boolean disabled = BuiltInTools.names().contains(call.tool()) && !options.offers(call.tool());
      return CompletableFuture.failedFuture(new UnknownToolException(call.tool(),
          specs.stream().map(ToolSpec::name).toList(), disabled));
    }
    return engine.call(tool, call);
  }

  /** Cancels calls in flight; the gateway, store and executor stay open (the caller owns them). */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "ZenAgent[tools=" + tools.keySet() + ", " + options + "]";
  }

  /** Builds a {@link ZenAgent}; setters validate at once, {@link #build()} starts nothing. */
  public static final class Builder {
    private @Nullable ModelGateway gateway;
    private ModelRegistry models = ModelRegistry.bundled();
    private @Nullable CheckpointStore store;
    private ZenAgentOptions options = ZenAgentOptions.defaults();
    private ExecutorService executor = ZenExecutors.defaultRuntime();
    private Clock clock = Clock.systemUTC();
    private final List<ZenTool> ownTools = new ArrayList<>();
    private CliClients cliClients = CliClients.bundled();
    private @Nullable RemoteExecutor commands;
    private Function<String, RemoteExecutor> remoteHosts = host -> {
      throw new IllegalStateException("no SSH executor is configured for CLI clients that name a host ('" + host
          + "'): give the agent one with ZenAgent.Builder.remoteHosts");
    };

    private Builder() {}

    /**
     * The CLI clients {@code clink} may run; default {@link CliClients#bundled()} ({@code claude},
     * {@code codex}, {@code gemini} on this machine). The agent reads no configuration itself.
     */
    public Builder cliClients(CliClients clients) {
      this.cliClients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    /**
     * Where tools run the commands they compose on this machine (precommit's git, clink's CLIs that
     * name no host): default local processes on the agent's executor. The caller keeps ownership.
     */
    public Builder remoteExecutor(RemoteExecutor commands) {
      this.commands = Objects.requireNonNull(commands, "commands");
      return this;
    }

    /**
     * The executor for a named host (an SSH target or {@code ~/.ssh/config} alias), for CLI clients
     * that name one: typically {@code sshExecutor::forHost} from zen-executor-ssh. Default: none
     * (such clients fail with a message saying so). The caller keeps ownership.
     */
    public Builder remoteHosts(Function<String, RemoteExecutor> hosts) {
      this.remoteHosts = Objects.requireNonNull(hosts, "hosts");
      return this;
    }

    /** Answers model calls (required). Wrap it with resilience and the registry's interceptor as needed. */
    public Builder gateway(ModelGateway gateway) {
      this.gateway = Objects.requireNonNull(gateway, "gateway");
      return this;
    }

    /** The model catalogue used to resolve names and {@code auto}; default {@link ModelRegistry#bundled()}. */
    public Builder models(ModelRegistry models) {
      this.models = Objects.requireNonNull(models, "models");
      return this;
    }

    /** Conversation memory (required): every turn is checkpointed here, per thread. */
    public Builder checkpointStore(CheckpointStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder options(ZenAgentOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Offers {@code tool} after the built-in ones. Its name must not be taken by an offered
     * built-in tool (disable that one to replace it).
     */
    public Builder tool(ZenTool tool) {
      ownTools.add(Objects.requireNonNull(tool, "tool"));
      return this;
    }

    /**
     * Where runs and file reads execute (blocking work); default the shared runtime executor. Not
     * an event-loop executor. The caller keeps ownership.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Time source for conversation expiry (tests move it). */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws IllegalStateException when the gateway or the checkpoint store is missing, or two
     *     offered tools share a name
     */
    public ZenAgent build() {
      if (gateway == null) {
        throw new IllegalStateException("a ZenAgent needs a gateway: builder().gateway(...)");
      }
      if (store == null) {
        throw new IllegalStateException("a ZenAgent needs a checkpoint store for conversation memory: "
            + "builder().checkpointStore(...), for example MemoryCheckpointStore.create()");
      }
      Map<String, ZenTool> offered = new LinkedHashMap<>();
      BuiltInTools.ToolSetup setup = new BuiltInTools.ToolSetup(cliClients,
          commands != null ? commands : RemoteExecutor.local(executor), remoteHosts);
      List<ZenTool> builtIns = BuiltInTools.all(setup);
      for (ZenTool tool : builtIns) {
        if (options.offers(tool.name())) {
          offered.put(tool.name(), tool);
        }
      }
      for (ZenTool tool : ownTools) {
        ZenTool taken = offered.putIfAbsent(tool.name(), tool);
        if (taken != null) {
          throw new IllegalStateException("two tools are named '" + tool.name() + "': " + taken + " and " + tool
              + (builtIns.stream().anyMatch(builtIn -> builtIn.name().equals(tool.name()))
                  ? "; disable the built-in one with ZenAgentOptions.disabledTools to replace it" : ""));
        }
      }
      return new ZenAgent(this, offered);
    }
  }
}
