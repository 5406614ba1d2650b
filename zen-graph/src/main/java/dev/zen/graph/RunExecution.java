package dev.zen.graph;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Policy;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.zen.GraphExecutionException;
import dev.zen.InvalidRequestException;
import dev.zen.OperationTimeoutException;
import dev.zen.ZenExecutors;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.StateValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.bsc.async.AsyncGenerator;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.GraphRunnerException;
import org.bsc.langgraph4j.NodeOutput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.action.InterruptionMetadata;
import org.bsc.langgraph4j.state.AgentState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One invoke/resume call: drives langgraph4j on a runtime thread, runs the nodes with their
 * policies, tracks what is in flight so cancellation reaches it, and turns failures into
 * {@link GraphExecutionException}s that name the graph, node and thread.
 */
final class RunExecution {
  private static final Logger log = LoggerFactory.getLogger(RunExecution.class);
  private static final String RUN_KEY = "dev.zen.graph.run";

  private final CompiledAgentGraph graph;
  private final CompiledGraph<AgentState> compiled;
  private final Set<String> forkNodes;
  private final String threadId;
  private final String runId = UUID.randomUUID().toString();
  private final List<Consumer<RunEvent>> listeners = new ArrayList<>(2);
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final RunTracer tracer;
  private volatile RunTracer.@Nullable TraceSpan runSpan;
  private volatile @Nullable NodeFailure firstFailure;
  private volatile @Nullable Checkpoint lastCheckpoint;
  private volatile @Nullable Checkpoint deferred;
  private volatile boolean skipExitCheckpoint;
  private final RunConfig config;
  private volatile AsyncGenerator.@Nullable Cancellable<?> generator;
  private @Nullable Thread runner; // guarded by this

  RunExecution(CompiledAgentGraph graph, CompiledGraph<AgentState> compiled, Set<String> forkNodes, RunConfig config,
      @Nullable Consumer<RunEvent> extraListener) {
    this.graph = graph;
    this.compiled = compiled;
    this.forkNodes = forkNodes;
    this.threadId = config.threadId();
    this.config = config;
    config.listener().ifPresent(listeners::add);
    if (extraListener != null) {
      listeners.add(extraListener);
    }
    this.tracer = graph.options().tracing().tracer();
  }

  static Optional<RunExecution> of(RunnableConfig config) {
    return config.metadata(RUN_KEY).filter(RunExecution.class::isInstance).map(RunExecution.class::cast);
  }

  static RunExecution require(RunnableConfig config, String graph) {
    return of(config).orElseThrow(() -> new IllegalStateException("graph '" + graph
        + "' was run outside Zen's runtime (no run context in the langgraph4j config)"));
  }

  CompletableFuture<RunResult> result() {
    return result;
  }

  void start(GraphInput input) {
    RunTracer.TraceSpan span = tracer.startRun(graph.name(), threadId, runId);
    runSpan = span;
    result.whenComplete((done, failure) -> {
      if (result.isCancelled()) {
        stopEverything();
      }
      span.end(failure);
    });
    try {
      span.propagating(graph.options().executor()).execute(() -> drive(input));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new GraphExecutionException("graph '" + graph.name() + "' could not start a run on thread '"
          + threadId + "': its executor rejected the run (shut down or saturated)", graph.name(), null, threadId, e));
    }
  }

  /** Runs on a runtime thread: langgraph4j blocks it on each node's future. */
  private void drive(GraphInput input) {
    synchronized (this) {
      if (result.isDone()) {
        return;
      }
      runner = Thread.currentThread();
    }
    try {
      RunnableConfig.Builder config = RunnableConfig.builder().threadId(threadId);
      config.putMetadata(RUN_KEY, this);
      for (String fork : forkNodes) {
        config.addParallelNodeExecutor(fork, graph.options().executor());
      }
      AsyncGenerator.Cancellable<NodeOutput<AgentState>> steps = compiled.stream(input, config.build());
      generator = steps;
      NodeOutput<AgentState> last = null;
      Object outcome = null;
      while (!result.isDone()) {
        AsyncGenerator.Data<NodeOutput<AgentState>> step = steps.next();
        if (step.isDone()) {
          outcome = step.resultValue();
          break;
        }
        last = step.future().get();
      }
      if (result.isDone()) {
        return;
      }
      Map<String, @Nullable Object> state = last == null ? StateValues.emptyMap() : StateValues.freezeMap(last.state().data());
      boolean interrupted = outcome instanceof InterruptionMetadata<?>;
      Checkpoint checkpoint = lastCheckpoint;
      String nextNode = interrupted && checkpoint != null ? checkpoint.nextNodeId() : null;
      RunResult done = new RunResult(graph.name(), threadId, runId, GraphState.of(state), interrupted, nextNode);
      // Written before the result completes, so the next run on this thread sees it.
      writeDeferred();
      emit(new RunEvent.RunCompleted(runId, done));
      result.complete(done);
    } catch (Throwable failure) {
      if (!result.isDone()) {
        Throwable described = describe(failure);
        try {
          writeDeferred();
        } catch (RuntimeException storeFailure) {
          described.addSuppressed(storeFailure);
        }
        result.completeExceptionally(described);
      }
    } finally {
      synchronized (this) {
        runner = null;
        // A cancel may have interrupted us after the run ended: do not leak that to the next task.
        Thread.interrupted();
      }
    }
  }

  /** Cancellation: stop the loop, cancel node futures in flight, wake the runner if it waits. */
  private void stopEverything() {
    AsyncGenerator.Cancellable<?> steps = generator;
    if (steps != null) {
      steps.cancel(false);
    }
    for (CompletableFuture<?> future : inFlight) {
      future.cancel(true);
    }
    synchronized (this) {
      if (runner != null) {
        runner.interrupt();
      }
    }
  }

  private Throwable describe(Throwable failure) {
    Throwable cause = unwrap(failure);
    NodeFailure node = firstFailure;
    if (node != null) {
      return new GraphExecutionException("graph '" + graph.name() + "' failed in node '" + node.node() + "' on thread '"
          + threadId + "' (run " + runId + "): " + messageOf(node.error()), graph.name(), node.node(), threadId, node.error());
    }
    String hint = String.valueOf(cause.getMessage()).contains("Maximum number of iterations")
        ? " (the run exceeded GraphOptions.maxSteps = " + graph.options().maxSteps() + "; check for a loop between nodes)"
        : "";
    return new GraphExecutionException("graph '" + graph.name() + "' failed on thread '" + threadId + "' (run " + runId
        + "): " + messageOf(cause) + hint, graph.name(), null, threadId, cause);
  }

  private static String messageOf(Throwable error) {
    return error.getMessage() == null ? error.getClass().getName() : error.getMessage();
  }

  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException
        || current instanceof GraphRunnerException
        || (current instanceof RuntimeException && current.getClass() == RuntimeException.class))
        && current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
    }
    return current;
  }

  void onCheckpoint(Checkpoint checkpoint) {
    lastCheckpoint = checkpoint;
  }

  /**
   * With {@link Checkpointing#ON_EXIT}, keeps the checkpoint to write when the run exits instead
   * of writing it now; returns whether it did.
   */
  boolean defer(Checkpoint checkpoint) {
    if (graph.options().checkpointing() != Checkpointing.ON_EXIT) {
      return false;
    }
    deferred = checkpoint;
    lastCheckpoint = checkpoint;
    return true;
  }

  /** Writes the last deferred checkpoint, if any (the state the run reached). */
  private void writeDeferred() {
    Checkpoint pending = deferred;
    CheckpointStoreSaver saver = graph.saver();
    if (pending != null && saver != null && !skipExitCheckpoint) {
      deferred = null;
      saver.putNow(pending);
    }
  }

  // ---- nodes ----

  CompletableFuture<Map<String, Object>> runNode(AgentGraph.NodeSpec spec, Map<String, Object> data) {
    if (result.isDone()) {
      return CompletableFuture.failedFuture(new CancellationException("run " + runId + " of graph '" + graph.name()
          + "' was cancelled before node '" + spec.id() + "'"));
    }
    GraphState state = GraphState.of(data);
    RunTracer.TraceSpan run = runSpan;
    RunTracer.TraceSpan span = tracer.startNode(run == null ? NoopRunTracer.INSTANCE : run, graph.name(), spec.id(), threadId);
    long started = System.nanoTime();
    CompletableFuture<Map<String, ?>> attempts = spec.options().isPlain()
        ? attempt(spec, state, span, 1, false)
        : withPolicies(spec, state, span);
    CompletableFuture<Map<String, Object>> finished = attempts.handle((update, error) -> {
      if (error != null) {
        Throwable cause = normalize(unwrap(error), spec);
        recordFailure(spec.id(), cause);
        span.end(cause);
        throw cause instanceof CompletionException completion ? completion : new CompletionException(cause);
      }
      Map<String, Object> frozen;
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> checked = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(update == null ? Map.of() : update);
        frozen = checked;
      } catch (IllegalArgumentException e) {
        InvalidRequestException invalid = new InvalidRequestException("node '" + spec.id() + "' returned an invalid update: "
            + e.getMessage(), e);
        recordFailure(spec.id(), invalid);
        span.end(invalid);
        throw new CompletionException(invalid);
      }
      emit(new RunEvent.NodeFinished(runId, spec.id(), frozen, Duration.ofNanos(System.nanoTime() - started)));
      span.end(null);
      return frozen;
    });
    return track(finished);
  }

  private CompletableFuture<Map<String, ?>> withPolicies(AgentGraph.NodeSpec spec, GraphState state, RunTracer.TraceSpan span) {
    NodeOptions options = spec.options();
    RetryOptions retry = options.retry();
    List<Policy<Map<String, ?>>> policies = new ArrayList<>(2);
    if (retry.maxAttempts() > 1) {
      RetryPolicyBuilder<Map<String, ?>> builder = RetryPolicy.<Map<String, ?>>builder()
          .handleIf((ignored, failure) -> failure != null && isRetriable(failure, spec))
          .withMaxAttempts(retry.maxAttempts())
          .withBackoff(retry.initialDelay(), retry.maxDelay());
      if (retry.jitterFactor() > 0) {
        builder.withJitter(retry.jitterFactor());
      }
      policies.add(builder.build());
    }
    options.timeout().ifPresent(timeout -> policies.add(Timeout.<Map<String, ?>>builder(timeout).withInterrupt().build()));
    FailsafeExecutor<Map<String, ?>> executor = Failsafe.with(policies).with(graph.options().executor());
    return executor.getStageAsync(context -> {
      int attempt = context.getAttemptCount() + 1;
      CompletableFuture<Map<String, ?>> current = attempt(spec, state, span, attempt, true);
      // Cancel on another thread: completing the attempt inside Failsafe's cancel callback
      // re-enters Failsafe and loses the retry that should follow a timeout.
      context.onCancel(() -> ZenExecutors.scheduler().execute(() -> current.cancel(true)));
      return current;
    });
  }

  private boolean isRetriable(Throwable failure, AgentGraph.NodeSpec spec) {
    Throwable cause = normalize(unwrap(failure), spec);
    return !(cause instanceof CancellationException) && spec.options().retry().retryOn().test(cause);
  }

  private CompletableFuture<Map<String, ?>> attempt(AgentGraph.NodeSpec spec, GraphState state, RunTracer.TraceSpan span,
      int attempt, boolean hasPolicies) {
    if (result.isDone()) {
      return CompletableFuture.failedFuture(new CancellationException("run " + runId + " was cancelled"));
    }
    emit(new RunEvent.NodeStarted(runId, spec.id(), attempt));
    if (attempt > 1) {
      span.addEvent("retry " + attempt);
    }
    NodeContextImpl context = new NodeContextImpl(spec.id(), attempt, span);
    CompletableFuture<Map<String, ?>> future;
    try (RunTracer.Scope ignored = span.makeCurrent()) {
      future = spec.node().apply(state, context);
      if (future == null) {
        future = CompletableFuture.failedFuture(new IllegalStateException("node '" + spec.id() + "' returned null instead of a future"));
      }
    } catch (Throwable thrown) {
      future = CompletableFuture.failedFuture(thrown);
    }
    track(future);
    future.whenComplete((ignored, error) -> {
      if (error != null) {
        Throwable cause = normalize(unwrap(error), spec);
        boolean willRetry = hasPolicies && attempt < spec.options().retry().maxAttempts() && !result.isDone()
            && isRetriable(cause, spec);
        emit(new RunEvent.NodeFailed(runId, spec.id(), attempt, cause, willRetry));
      }
    });
    return future;
  }

  /** Failsafe's timeout becomes Zen's (retriable) timeout with a message naming the node. */
  private Throwable normalize(Throwable failure, AgentGraph.NodeSpec spec) {
    if (failure instanceof TimeoutExceededException) {
      Duration timeout = spec.options().timeout().orElse(Duration.ZERO);
      return new OperationTimeoutException("node '" + spec.id() + "' of graph '" + graph.name() + "' did not finish within "
          + timeout + " on thread '" + threadId + "'; it was cancelled", timeout, failure);
    }
    return failure;
  }

  private void recordFailure(String node, Throwable error) {
    synchronized (this) {
      if (firstFailure == null && !(error instanceof CancellationException && result.isCancelled())) {
        firstFailure = new NodeFailure(node, error);
      }
    }
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> future) {
    if (!future.isDone()) {
      inFlight.add(future);
      future.whenComplete((ignored, error) -> inFlight.remove(future));
      if (result.isDone()) {
        future.cancel(true);
      }
    }
    return future;
  }

  void emit(RunEvent event) {
    for (Consumer<RunEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("a run listener of graph '{}' threw on {}; ignored", graph.name(), event.getClass().getSimpleName(), e);
      }
    }
  }

  private record NodeFailure(String node, Throwable error) {}

  private final class NodeContextImpl implements NodeContext {
    private final String nodeId;
    private final int attempt;
    private final RunTracer.TraceSpan span;

    NodeContextImpl(String nodeId, int attempt, RunTracer.TraceSpan span) {
      this.nodeId = nodeId;
      this.attempt = attempt;
      this.span = span;
    }

    @Override
    public String graphName() {
      return graph.name();
    }

    @Override
    public String nodeId() {
      return nodeId;
    }

    @Override
    public String threadId() {
      return threadId;
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public void emit(Object payload) {
      RunExecution.this.emit(new RunEvent.Custom(runId, nodeId, payload));
    }

    @Override
    public Executor executor() {
      return span.propagating(graph.options().executor());
    }

    @Override
    public boolean isCancelled() {
      return result.isCancelled();
    }

    @Override
    public <T> Optional<T> attachment(Class<T> type) {
      return config.attachment(type);
    }

    @Override
    public void skipExitCheckpoint() {
      skipExitCheckpoint = true;
    }
  }

}
