package dev.zen.agent;

import dev.zen.gateway.ModelSpec;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.ContentPart;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.ZenExecutors;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One tool call while its graph runs, attached to the run ({@code RunConfig.attach}) so every
 * node reaches it and no checkpoint ever holds it: the checked arguments, what the stages prepared
 * (conversation, models, files, history budget), the outcome and the result. Stages run one after
 * another and hand it over through futures; the fields they set are volatile for the progress and
 * cancel paths, which run on other threads.
 */
final class Call implements ToolContext {
  final ZenTool tool;
  final ToolArguments args;
  final String threadId;
  /** Unique per call: the holder of the thread's lease, and the mark on the turns it stores. */
  final String id = UUID.randomUUID().toString();
  /** Whether the call belongs to a stored conversation (continuable tools). */
  final boolean persistent;
  /** Whether the call continues an existing conversation. */
  final boolean continued;
  final Progress progress;
  final AgentServices services;
  private final ConcurrentLinkedQueue<Future<?>> inFlight = new ConcurrentLinkedQueue<>();
  private final ModelGateway trackedGateway = new TrackedGateway();
  private volatile boolean cancelled;

  volatile Conversation conversation;
  /** The tool's encoded state on the thread, from its previous remembered call. */
  volatile @Nullable Map<String, Object> savedState;
  volatile List<ModelSpec> models = List.of();
  volatile FileBundle files = FileBundle.EMPTY;
  volatile int historyBudget;
  volatile @Nullable ToolOutcome outcome;
  volatile @Nullable ToolResult result;
  /** Set when the call found its thread expired: the runner deletes it before answering. */
  volatile boolean deleteThread;
  /**
   * Set when the supervisor refused the call's thread (unknown, expired, at its turn cap): the
   * answer then offers no continuation_id, since the error says to drop it.
   */
  volatile boolean threadRefused;
  /** Who makes the call ({@link ToolCall#principal()}); a thread keeps its starter as owner. */
  volatile @Nullable String principal;
  /** The owner of the thread the call continues, as its metadata says (null: none). */
  volatile @Nullable String threadOwner;
  volatile List<ContentPart.Image> images = List.of();
  /** What this call's model calls consumed, by model. */
  final UsageLedger usage = new UsageLedger();
  /** Notes for the client: what was ignored or adjusted (a thinking mode for a model that does not reason). */
  final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

  Call(ZenTool tool, ToolArguments args, String threadId, boolean continued, Progress progress,
      AgentServices services) {
    this.tool = tool;
    this.args = args;
    this.threadId = threadId;
    this.persistent = tool.continuable();
    this.continued = continued;
    this.progress = progress;
    this.services = services;
    this.conversation = new Conversation(threadId, continued, List.of(), null, null);
  }

  @Override
  public String toolName() {
    return tool.name();
  }

  @Override
  public ToolArguments arguments() {
    return args;
  }

  @Override
  public String prompt() {
    String inline = args.string(tool.promptArgument()).orElse(null);
    String fromFile = files.promptFromFile();
    if (fromFile == null) {
      return inline == null ? "" : inline;
    }
    return inline == null || inline.isBlank() ? fromFile : fromFile + "\n\n" + inline;
  }

  @Override
  public List<ModelSpec> models() {
    return models;
  }

  @Override
  public ModelSpec model() {
    List<ModelSpec> resolved = models;
    if (resolved.isEmpty()) {
      throw new IllegalStateException("tool '" + tool.name() + "' uses no model (usesModel() is false), so no model "
          + "was resolved for it");
    }
    return resolved.get(0);
  }

  @Override
  public Conversation conversation() {
    return conversation;
  }

  @Override
  public <T> Optional<T> state(ToolStateCodec<T> codec) {
    Map<String, Object> saved = savedState;
    return saved == null ? Optional.empty() : Optional.of(codec.decode(saved));
  }

  @Override
  public List<ChatMessage> messages(String systemPrompt, String request) {
    return messages(systemPrompt, request, turn -> true);
  }

  @Override
  public List<ChatMessage> messages(String systemPrompt, String request, Predicate<ConversationTurn> accepted) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(ChatMessage.system(systemPrompt));
    ConversationState.History history = ConversationState.history(
        conversation.turns().stream().filter(accepted).toList(), historyBudget);
    messages.addAll(history.messages());
    StringBuilder user = new StringBuilder();
    if (history.omittedTurns() > 0) {
      user.append("(").append(history.omittedTurns()).append(" earlier turns of this conversation were left out "
          + "for lack of context space.)\n\n");
    }
    FileBundle loaded = files;
    user.append(loaded.block());
    user.append(loaded.notes());
    if (user.length() > 0) {
      user.append("\n=== REQUEST ===\n");
    }
    user.append(request);
    messages.add(ChatMessage.user(user.toString(), images));
    return messages;
  }

  @Override
  public CompletableFuture<Void> attachFiles(List<String> paths, String request) {
    return FileStage.attach(this, paths, request);
  }

  @Override
  public CompletableFuture<Void> attachImages(List<String> entries) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<List<ContentPart.Image>> loading = services.models().catalog().thenCompose(catalog ->
        services.images().load(entries, models, catalog.registry().models().stream()
            .filter(ModelSpec::supportsImages).map(ModelSpec::name).toList()));
    return Futures.cancelling(loading.thenAccept(loaded -> images = List.copyOf(loaded)), loading);
  }

  @Override
  public ChatRequest request(ModelSpec model, List<ChatMessage> messages) {
    ChatRequest.Builder request = ChatRequest.builder(model.name())
        .messages(messages)
        .temperature(model.temperatureFor(args.number("temperature").orElse(null)).orElse(null));
    String asked = args.string(ToolParam.THINKING_MODE.name()).orElse(null);
    String mode = asked != null ? asked : tool.defaultThinkingMode();
    if (mode != null) {
      Optional<ModelSpec.Thinking> thinking = model.thinkingFor(mode);
      if (thinking.isPresent()) {
        request.reasoningEffort(thinking.get().effort()).thinkingBudgetTokens(thinking.get().budgetTokens());
      } else if (asked != null) {
        note("thinking_mode '" + asked + "' was ignored: model '" + model.name() + "' does not reason");
      }
    }
    return request.build();
  }

  @Override
  public void note(String note) {
    if (!notes.contains(note)) {
      notes.add(note);
    }
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    return counted(request, track(Futures.call(() -> services.gateway().complete(request))));
  }

  /**
   * Reports "waiting for MODEL (N s)" every {@link ZenAgentOptions#progressHeartbeat()} while
   * {@code call} runs, so a client sees the call alive while a reasoning model thinks before its
   * first word (and clients that reset their request timeout on progress do not give up).
   */
  private <T> CompletableFuture<T> heartbeat(String model, CompletableFuture<T> call) {
    if (!progress.wanted() || call.isDone()) {
      return call;
    }
    long started = System.nanoTime();
    long every = services.options().progressHeartbeat().toMillis();
    ScheduledFuture<?> beats = ZenExecutors.scheduler().scheduleAtFixedRate(() -> progress.report("waiting for "
        + model + " (" + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s)"),
        every, every, TimeUnit.MILLISECONDS);
    call.whenComplete((value, error) -> beats.cancel(false));
    return call;
  }

  /** Adds each answer's usage to the call's and the agent's ledgers, as it arrives. */
  private CompletableFuture<ChatReply> counted(ChatRequest request, CompletableFuture<ChatReply> call) {
    heartbeat(request.model(), call);
    call.thenAccept(reply -> {
      usage.add(request.model(), reply, models);
      services.usage().add(request.model(), reply, models);
    });
    return call;
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, String label) {
    if (!progress.wanted()) {
      // Nobody is told about the chunks, so there is nothing to stream for: a whole answer costs
      // the gateway far less (one body to parse instead of an event per word or two).
      return complete(request);
    }
    Progress.Batcher batcher = progress.batcher(label);
    CompletableFuture<ChatReply> call = counted(request,
        track(Futures.call(() -> services.gateway().stream(request, batcher))));
    // Callers continue only after the last batch is reported, so no progress arrives after the answer.
    return Futures.cancelling(call.whenComplete((reply, error) -> batcher.flush()), call);
  }

  @Override
  public ModelGateway gateway() {
    return trackedGateway;
  }

  @Override
  public CompletableFuture<CommandResult> run(CommandSpec command) {
    return track(Futures.call(() -> services.commands().execute(command)));
  }

  @Override
  public void progress(String message) {
    progress.report(message);
  }

  @Override
  public CompletableFuture<ModelCatalog> catalog() {
    return services.models().catalog();
  }

  @Override
  public ZenAgentOptions options() {
    return services.options();
  }

  @Override
  public Map<String, Usage> lifetimeUsage() {
    return services.usage().snapshot();
  }

  @Override
  public AgentInfo agent() {
    return services.info();
  }

  /** The running tool's node executor (carries the node's trace context); set by {@link AgentFlow}. */
  private volatile @Nullable Executor nodeExecutor;

  void runningIn(Executor nodeExecutor) {
    this.nodeExecutor = nodeExecutor;
  }

  @Override
  public Executor executor() {
    // Inside the tool's node, its continuations keep the node's trace context: a model call made
    // after an asynchronous step (consensus' synthesis, say) is then still a child of the node.
    Executor node = nodeExecutor;
    return node != null ? node : services.executor();
  }

  @Override
  public Clock clock() {
    return services.clock();
  }

  /** Registers a model call so cancelling the call reaches it even if the graph has moved on. */
  <T> CompletableFuture<T> track(CompletableFuture<T> future) {
    inFlight.add(future);
    future.whenComplete((value, error) -> inFlight.remove(future));
    if (cancelled) {
      future.cancel(true);
    }
    return future;
  }

  void cancel() {
    cancelled = true;
    Future<?> future;
    while ((future = inFlight.poll()) != null) {
      future.cancel(true);
    }
  }

  @Override
  public String toString() {
    return "Call[" + tool.name() + ", thread " + threadId + "]";
  }

  /** The agent's gateway with every call tracked, for tools that hand a gateway to a helper. */
  private final class TrackedGateway implements ModelGateway {
    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      return Call.this.complete(request);
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      return counted(request, track(Futures.call(() -> services.gateway().stream(request, onChunk))));
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return track(Futures.call(() -> services.gateway().models()));
    }
  }
}
