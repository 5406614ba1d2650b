package dev.zen.agent;

import dev.zen.GraphExecutionException;
import dev.zen.ZenException;
import dev.zen.graph.Checkpointing;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunEvent;
import dev.zen.graph.RunResult;
import dev.zen.internal.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs tool calls through the {@link AgentFlow} graph: checks the arguments, orders the calls of
 * each conversation, starts the run with the {@link Call} attached, and settles the result.
 * Continuable tools run on a graph checkpointed per thread (the thread id is the
 * {@code continuation_id}); the others on an uncheckpointed copy, so they leave nothing behind.
 *
 * <p>What the agent keeps, per conversation thread: one checkpoint, replaced on every call that
 * stores turns (the graph keeps only the latest), holding the turns (request and answer text, the
 * files and images named, the model, the time), when the thread started and last changed, and
 * each tool's own state. File contents, progress listeners and loaded models never reach it. A
 * thread's storage therefore grows linearly with its turns, bounded by
 * {@link ZenAgentOptions#maxConversationTurns()}; the store's TTL removes it after the
 * conversation timeout.
 *
 * <p>The ordering rule for calls on one conversation: they run one after another, in arrival
 * order within this agent (its lanes) and in lease order across agents sharing the store. A
 * continued call takes its thread's lease ({@link ConversationLease}) before it reads the
 * conversation and keeps it until its turns are written ({@link ConversationWrite}), so each call
 * sees every earlier call's turns, as with a single agent. New conversations need no lease: nobody
 * else knows their id yet. If a call's answer cannot be saved, it still reaches the client, with a
 * warning at the top of the text and {@code "saved"} in the structured content saying so.
 */
final class AgentEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentEngine.class);
  /** MDC keys the agent's runs carry: the tool, and the conversation (its continuation id). */
  static final String MDC_TOOL = "tool";
  static final String MDC_CONVERSATION = "conversation_id";
  private static final Pattern THREAD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  /** How long a call waits for its conversation while other calls use it. */
  static final Duration MAX_LEASE_WAIT = Duration.ofMinutes(10);

  private final AgentServices services;
  private final ConversationStore conversations;
  private final CompiledAgentGraph persistentGraph;
  private final CompiledAgentGraph ephemeralGraph;
  /** The last call queued on each conversation thread: calls on one thread run in arrival order. */
  private final Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<ToolResult>> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  AgentEngine(AgentServices services, Collection<ZenTool> tools) {
    this.services = services;
    var graph = AgentFlow.define(tools, services);
    // One write per call (its final state), replacing the thread's previous checkpoint: a tool call
    // is cheap to redo, and each checkpoint holds the whole conversation.
    this.conversations = new ConversationStore(services.store());
    this.persistentGraph = graph.compile(GraphOptions.builder().checkpointStore(conversations)
        .executor(services.executor()).checkpointing(Checkpointing.ON_EXIT).latestCheckpointOnly(true).build());
    this.ephemeralGraph = graph.compile(GraphOptions.builder().executor(services.executor()).build());
  }

  CompletableFuture<ToolResult> call(ZenTool tool, ToolCall request) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("this ZenAgent is closed"));
    }
    List<String> errors = new ArrayList<>();
    ToolArguments args = ToolArguments.of(ToolParam.parseObject(tool.params(), request.arguments(), "", errors));
    if (errors.isEmpty()) {
      errors.addAll(tool.check(args));
    }
    if (errors.isEmpty()) {
      for (ToolParam param : tool.params()) {
        if (param.isPathList()) {
          for (String path : args.strings(param.name())) {
            String problem = param.equals(ToolParam.IMAGES) && ImageLoader.isDataUrl(path)
                ? ImageLoader.dataUrlProblem(path) : services.rules().lexicalProblem(path, param.name());
            if (problem != null) {
              errors.add(problem);
            }
          }
        }
      }
    }
    String continuation = args.string("continuation_id").orElse(null);
    if (errors.isEmpty() && continuation != null && !THREAD_ID.matcher(continuation).matches()) {
      errors.add("continuation_id '" + abbreviate(continuation) + "' is not an id Zen returned; "
          + "call again without continuation_id to start a new conversation");
    }
    if (!errors.isEmpty()) {
      return CompletableFuture.completedFuture(ToolResult.error("Invalid arguments for '" + tool.name() + "': "
          + String.join("; ", errors) + "."));
    }
    String threadId = continuation != null ? continuation : ConversationIds.newId(request.principal().orElse(null));
    Call call = new Call(tool, args, threadId, continuation != null,
        new Progress(request.progressListener().orElse(null)), services);
    call.principal = request.principal().orElse(null);
    CompletableFuture<ToolResult> result = new CompletableFuture<>();
    active.add(result);
    result.whenComplete((value, error) -> {
      active.remove(result);
      if (result.isCancelled()) {
        call.cancel();
      }
    });
    if (!call.persistent) {
      start(call, result, ephemeralGraph, null);
      return result;
    }
    // Two runs on a thread would both read its conversation and the second write would drop the
    // first's turns: queue them.
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> previous = lanes.put(threadId, done);
    result.whenComplete((value, error) -> {
      done.complete(null);
      lanes.remove(threadId, done);
    });
    if (previous == null) {
      begin(call, result);
    } else {
      previous.whenComplete((ignored, error) -> {
        if (!result.isDone()) {
          begin(call, result);
        }
      });
    }
    return result;
  }

  /**
   * Starts a call of a continuable tool: a continued call first takes its conversation's lease
   * (waiting while another call, here or in another agent on the same store, holds it). A store
   * that cannot be reached fails the call here, before any model is asked.
   */
  private void begin(Call call, CompletableFuture<ToolResult> result) {
    CompletableFuture<@Nullable ConversationLease> leasing = call.continued
        ? ConversationLease.take(services.store(), call, services.options().conversationLease(), MAX_LEASE_WAIT,
            services.executor(), result::isDone).thenApply(lease -> lease)
        : CompletableFuture.completedFuture(null);
    leasing.whenComplete((lease, failure) -> {
      if (failure != null) {
        Throwable cause = Futures.unwrap(failure);
        result.completeExceptionally(cause instanceof ZenException || cause instanceof CancellationException ? cause
            : new GraphExecutionException("tool '" + call.tool.name() + "' could not start: " + Futures.describe(cause),
                AgentFlow.GRAPH_NAME, null, call.threadId, cause));
        return;
      }
      if (result.isDone()) {
        release(lease);
        return;
      }
      ConversationWrite write = new ConversationWrite(call, services.store(), lease, MAX_LEASE_WAIT, services.executor());
      try {
        conversations.open(write);
      } catch (IllegalStateException e) {
        // The lanes and the lease rule this out; if it happens anyway, fail the call, never hang it.
        release(lease).whenComplete((released, ignored) -> result.completeExceptionally(e));
        return;
      }
      start(call, result, persistentGraph, write);
    });
  }

  private void start(Call call, CompletableFuture<ToolResult> result, CompiledAgentGraph graph,
      @Nullable ConversationWrite write) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put(AgentFlow.RESET, true);
    run.put("tool", call.tool.name());
    // Argument names only: the prompt is stored once, in the turns, not in every checkpoint's bookkeeping.
    run.put("arguments", List.copyOf(call.args.names()));
    run.put("started_at", services.clock().millis());
    RunConfig config = RunConfig.builder(call.threadId)
        .attach(Call.class, call)
        .listener(event -> onEvent(call, event))
        .build();
    CompletableFuture<RunResult> running;
    // The run keeps the MDC it starts with on every thread it uses (zen-graph): its log lines name
    // the tool and the conversation, a new one included.
    try (MDC.MDCCloseable tool = MDC.putCloseable(MDC_TOOL, call.tool.name());
        MDC.MDCCloseable conversation = MDC.putCloseable(MDC_CONVERSATION, call.threadId)) {
      running = graph.invoke(Map.of(AgentFlow.RUN, run), config);
    } catch (RuntimeException e) {
      finish(write).whenComplete((released, ignored) -> result.completeExceptionally(e));
      return;
    }
    Futures.cancelling(result, running);
    running.whenComplete((ran, error) -> {
      // Saved before the answer, and before the lease goes, so the next call on the thread sees it.
      CompletableFuture<ConversationWrite.Outcome> saving = write == null
          ? CompletableFuture.completedFuture(ConversationWrite.Outcome.NOTHING) : write.save();
      saving.whenComplete((outcome, never) -> {
        CompletableFuture<?> deleting = CompletableFuture.completedFuture(null);
        if (call.deleteThread) {
          // An expired thread: gone before the answer, so no caller sees it half-deleted.
          deleting = Futures.call(() -> services.store().deleteThread(call.threadId).toCompletableFuture())
              .handle((deleted, failure) -> {
                if (failure != null) {
                  LOG.debug("could not delete expired conversation {}", call.threadId, failure);
                }
                return null;
              });
        }
        deleting.thenCompose(deleted -> finish(write)).whenComplete((released, ignored) -> settle(call, result, error,
            outcome == null ? ConversationWrite.Outcome.NOTHING : outcome));
      });
    });
  }

  /** Ends a call's hold on its thread: its reads and writes go to the store again, its lease is released. */
  private CompletableFuture<Void> finish(@Nullable ConversationWrite write) {
    if (write == null) {
      return CompletableFuture.completedFuture(null);
    }
    conversations.close(write);
    return release(write.lease());
  }

  private static CompletableFuture<Void> release(@Nullable ConversationLease lease) {
    return lease == null ? CompletableFuture.completedFuture(null) : lease.release();
  }

  private static void settle(Call call, CompletableFuture<ToolResult> result, @Nullable Throwable error,
      ConversationWrite.Outcome saved) {
    ToolResult answer = call.result;
    if (error != null) {
      Throwable cause = Futures.unwrap(error);
      if (!(cause instanceof CancellationException)) {
        LOG.debug("tool {} failed on thread {}", call.tool.name(), call.threadId, cause);
      }
      result.completeExceptionally(cause instanceof ZenException || cause instanceof CancellationException ? cause
          : new GraphExecutionException("tool '" + call.tool.name() + "' failed: " + Futures.describe(cause),
              AgentFlow.GRAPH_NAME, null, call.threadId, cause));
    } else if (answer == null) {
      result.completeExceptionally(new GraphExecutionException("tool '" + call.tool.name()
          + "' ended without an answer", AgentFlow.GRAPH_NAME, null, call.threadId, null));
    } else {
      result.complete(saved.status() == ConversationWrite.Status.SAVED ? answer : unsaved(call, answer, saved));
    }
  }

  /**
   * The answer, paid for and valid, with a warning that its turns are not (or not surely) in the
   * conversation: not an error result, because the answer itself is good, but the warning leads
   * the text and {@code "saved"} / {@code "save_warning"} say it in the structured content.
   */
  static ToolResult unsaved(Call call, ToolResult answer, ConversationWrite.Outcome saved) {
    Throwable failure = saved.failure();
    String why = failure == null ? "the checkpoint store did not accept it" : Futures.describe(failure);
    String warning;
    if (saved.status() == ConversationWrite.Status.NOT_SAVED) {
      warning = call.continued
          ? "Warning: this answer could not be saved (" + why + "); this turn will not be in the conversation, so "
              + "a later call with continuation_id " + call.threadId + " will not see it."
          : "Warning: this answer could not be saved (" + why + "); the conversation was not stored, so its "
              + "continuation_id " + call.threadId + " will not be found. Start again without continuation_id to "
              + "continue the topic.";
    } else {
      warning = "Warning: it could not be confirmed that this answer was saved (" + why + "). The checkpoint store did "
          + "not answer in time; this turn may still appear in the conversation once the store recovers. A later "
          + "call with continuation_id " + call.threadId + " will show whether it did.";
    }
    LOG.warn("tool {} on conversation {}: {}", call.tool.name(), call.threadId, warning);
    Map<String, Object> structured = new LinkedHashMap<>(answer.structuredContent());
    structured.put("saved", saved.status() == ConversationWrite.Status.NOT_SAVED ? false : "unknown");
    structured.put("save_warning", warning);
    return new ToolResult(warning + "\n\n" + answer.text(), structured, answer.isError(), answer.continuationId());
  }

  private static void onEvent(Call call, RunEvent event) {
    if (event instanceof RunEvent.NodeStarted started) {
      String node = started.node();
      String what = switch (node) {
        case AgentFlow.SUPERVISOR -> "checking the request";
        case AgentFlow.ROUTER -> "choosing the model";
        case AgentFlow.FILES -> "reading files";
        case AgentFlow.RESPONSE -> "preparing the answer";
        default -> call.models.isEmpty() ? "working"
            : "asking " + String.join(", ", call.models.stream().map(model -> model.name()).distinct().toList());
      };
      call.progress.report(node + ": " + what + (started.attempt() > 1 ? " (attempt " + started.attempt() + ")" : ""));
    }
  }

  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<ToolResult> call : List.copyOf(active)) {
      call.cancel(true);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
