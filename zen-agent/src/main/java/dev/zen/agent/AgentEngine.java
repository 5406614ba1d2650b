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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
final class AgentEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentEngine.class);
  private static final Pattern THREAD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private final AgentServices services;
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
    this.persistentGraph = graph.compile(GraphOptions.builder().checkpointStore(services.store())
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
    String threadId = continuation != null ? continuation : UUID.randomUUID().toString();
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
      start(call, result, ephemeralGraph);
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
      start(call, result, persistentGraph);
    } else {
      previous.whenComplete((ignored, error) -> {
        if (!result.isDone()) {
          start(call, result, persistentGraph);
        }
      });
    }
    return result;
  }

  private void start(Call call, CompletableFuture<ToolResult> result, CompiledAgentGraph graph) {
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
    try {
      running = graph.invoke(Map.of(AgentFlow.RUN, run), config);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    Futures.cancelling(result, running);
    running.whenComplete((ran, error) -> {
      if (call.deleteThread) {
        // An expired thread: gone before the answer, so no caller sees it half-deleted.
        services.store().deleteThread(call.threadId).whenComplete((deleted, failure) -> {
          if (failure != null) {
            LOG.debug("could not delete expired conversation {}", call.threadId, failure);
          }
          settle(call, result, error);
        });
      } else {
        settle(call, result, error);
      }
    });
  }

  private static void settle(Call call, CompletableFuture<ToolResult> result, @Nullable Throwable error) {
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
      result.complete(answer);
    }
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
