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
import dev.zen.internal.Futures;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.StateValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bsc.async.AsyncGenerator;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.GraphRunnerException;
import org.bsc.langgraph4j.NodeOutput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.action.Command;
import org.bsc.langgraph4j.action.InterruptionMetadata;
import org.bsc.langgraph4j.state.AgentState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One invoke/resume call: drives langgraph4j on a runtime thread, runs the nodes with their
 * policies, tracks what is in flight so cancellation reaches it, and turns failures into
 * {@link GraphExecutionException}s that name the graph, node and thread.
 *
 * <p>Failures never reach langgraph4j. It logs every failure it sees at ERROR with a stack trace
 * (its {@code CompiledGraph} catches, logs and rethrows each one, once per layer), while Zen
 * reports the same failure itself; a cancelled run is no error at all. So a node, router or
 * checkpoint write that fails (or is cancelled) records the failure here and hands langgraph4j
 * an ordinary value instead: an empty update, the {@link #HALT_ROUTE} or a write that seems done.
 * The node hook ({@link #step}) then turns the step's update into an embedded stream whose one
 * element {@link #drive} reads without asking langgraph4j for anything more, so nothing
 * (no reducer, router or checkpoint) runs after the failure, and the run's future completes with
 * the recorded failure. Threads that block inside a node are interrupted on cancel; the thread
 * reading langgraph4j's stream never is, as langgraph4j would log the interrupt.
 *
 * <p><b>No thread waits for a node.</b> langgraph4j's runner blocks on each node's future with
 * {@code get()}, which would hold a thread per running graph (a platform thread on JDK 17). So a
 * step whose update is not ready when the node returns is handed to langgraph4j as an embedded
 * stream ({@link Pending}), the mechanism it has for streaming nodes: langgraph4j returns at once,
 * {@link #advance} sees the pending element and returns too, and the node's completion resumes
 * the reading on the runtime executor, where langgraph4j applies the update, routes and writes
 * the checkpoint exactly as for a node that finished at once. Branches of a fork start on the
 * executor ({@link #runBranch}) instead of langgraph4j's per-branch blocking hand-off.
 *
 * <p><b>A joining thread starts the run itself.</b> A run starts on the runtime executor, so the
 * caller's thread never runs a step (it may be an event loop). But a thread that calls
 * {@link CompletableFuture#join()} on the run's future blocks anyway: if the executor has not
 * started the run yet, that thread takes the run's first task and reads the run itself (like
 * {@code ForkJoinTask.join}), until the run ends or a node has to wait, when the node's
 * completion continues the run on the executor as always. A run whose nodes never wait then
 * costs no thread hand-off at all, instead of two (to the executor and back). The executor's
 * copy of the task finds the run taken and does nothing. A thread inside a node's own code never
 * takes a run (a cancel of its own run may interrupt it), nor does an interrupted one.
 */
final class RunExecution {
  private static final Logger log = LoggerFactory.getLogger(RunExecution.class);
  private static final String RUN_KEY = "dev.zen.graph.run";
  /** Every conditional edge also maps this route, to END: the one a router takes once the run has failed. */
  static final String HALT_ROUTE = "__zen_halt__";
  /** The update a halted step hands langgraph4j: an embedded stream ({@link Halt}) it yields to {@link #advance}. */
  private static final Map<String, Object> HALT_UPDATE = Map.of("__zen_halted_step__", new Halt());
  /** The key of a step's update that is still being worked on: an embedded stream ({@link Pending}). */
  private static final String PENDING_KEY = "__zen_pending_step__";

  private final CompiledAgentGraph graph;
  private final CompiledGraph<AgentState> compiled;
  private final String threadId;
  private final String runId = UUID.randomUUID().toString();
  private final List<Consumer<RunEvent>> listeners = new ArrayList<>(2);
  private final CompletableFuture<RunResult> result = new RunFuture();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final RunTracer tracer;
  /** The starter's MDC, current wherever the run's work runs (as the trace context). */
  private final LogContext logContext;
  private volatile RunTracer.@Nullable TraceSpan runSpan;
  private final AtomicBoolean runSpanEnded = new AtomicBoolean();
  private volatile @Nullable Failure failure;
  private volatile @Nullable Checkpoint lastCheckpoint;
  private volatile @Nullable Checkpoint deferred;
  private volatile boolean skipExitCheckpoint;
  private final RunConfig config;
  private volatile AsyncGenerator.@Nullable Cancellable<?> generator;
  /** The run's input until its first task is taken (by the executor or a joining thread); then null. */
  private volatile @Nullable GraphInput unstarted;
  private static final AtomicReferenceFieldUpdater<RunExecution, GraphInput> UNSTARTED =
      AtomicReferenceFieldUpdater.newUpdater(RunExecution.class, GraphInput.class, "unstarted");
  /** The run whose node's own code this thread is running, if any (see {@link #startOnJoiningThread}). */
  private static final ThreadLocal<RunExecution> INSIDE_NODE = new ThreadLocal<>();
  /** Where the run's steps are read: the runtime executor, with the run's trace context. */
  private volatile Executor driver = Runnable::run;
  /** The last step read; written and read only by the thread reading the run at the time. */
  private @Nullable NodeOutput<AgentState> last;
  /** Steps of the graph read so far, against {@link GraphOptions#maxSteps()}; as {@link #last}. */
  private int stepsTaken;
  /** Whether the next read resumes a pending node (not a step of its own); as {@link #last}. */
  private boolean resuming;
  /** Threads inside a node's own code, which a cancel may interrupt; guarded by this. */
  private final Set<Thread> insideNodes = new HashSet<>();
  /** Those of them this run interrupted, whose flag must not outlive the node call; guarded by this. */
  private final Set<Thread> interruptedByUs = new HashSet<>();

  RunExecution(CompiledAgentGraph graph, CompiledGraph<AgentState> compiled, RunConfig config,
      @Nullable Consumer<RunEvent> extraListener) {
    this.graph = graph;
    this.compiled = compiled;
    this.threadId = config.threadId();
    this.config = config;
    config.listener().ifPresent(listeners::add);
    if (extraListener != null) {
      listeners.add(extraListener);
    }
    this.tracer = graph.options().tracing().tracer();
    this.logContext = LogContext.capture();
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
    result.whenComplete((done, error) -> {
      if (result.isCancelled()) {
        stopEverything();
      }
      endRunSpan(error);
    });
    driver = logContext.propagating(span.propagating(graph.options().executor()));
    unstarted = input;
    try {
      driver.execute(() -> {
        GraphInput first = take();
        if (first != null) {
          drive(first);
        }
      });
    } catch (RejectedExecutionException e) {
      unstarted = null;
      result.completeExceptionally(new GraphExecutionException("graph '" + graph.name() + "' could not start a run on thread '"
          + threadId + "': its executor rejected the run (shut down or saturated)", graph.name(), null, threadId, e));
    }
  }

  /** The run's input, to the one caller that gets to start the run; null for every other. */
  private @Nullable GraphInput take() {
    GraphInput input = unstarted;
    return input != null && UNSTARTED.compareAndSet(this, input, null) ? input : null;
  }

  /**
   * A thread is about to block in {@code join()} on the run: if the executor has not started the
   * run yet, start it here, with the run's trace and logging context, and read it until it ends or a node has
   * to wait. Not on a thread inside a node's code (a cancel of that node's run would interrupt
   * this one's steps) nor on an interrupted thread (the run's steps would see the interrupt).
   */
  private void startOnJoiningThread() {
    if (unstarted == null || INSIDE_NODE.get() != null || Thread.currentThread().isInterrupted()) {
      return;
    }
    GraphInput first = take();
    if (first == null) {
      return;
    }
    RunTracer.TraceSpan span = runSpan;
    try (RunTracer.Scope ignored = (span == null ? NoopRunTracer.INSTANCE : span).makeCurrent();
        LogContext.Scope logged = logContext.makeCurrent()) {
      drive(first);
    }
  }

  /** Starts langgraph4j's stream on a runtime thread and reads it ({@link #advance}). */
  private void drive(GraphInput input) {
    if (result.isDone()) {
      return;
    }
    AsyncGenerator.Cancellable<NodeOutput<AgentState>> steps;
    try {
      RunnableConfig.Builder config = RunnableConfig.builder().threadId(threadId);
      config.putMetadata(RUN_KEY, this);
      steps = compiled.stream(input, config.build());
    } catch (Throwable thrown) {
      failWith(thrown);
      return;
    }
    generator = steps;
    advance(steps);
  }

  /**
   * Reads steps until the run ends or a node is still working. A node whose update is not ready
   * reaches this loop as a {@link PendingStep} (see {@link #step}); the loop then returns, so no
   * thread waits for the node, and the node's completion calls it again on the runtime executor.
   * One run is read by one thread at a time: each call starts only after the previous one handed
   * the stream on.
   */
  private void advance(AsyncGenerator.Cancellable<NodeOutput<AgentState>> steps) {
    try {
      Object outcome = null;
      while (!halted()) {
        // langgraph4j counts each call of next() as a step, and a pending node takes two (its
        // pending element, then the resume that applies its update): count the steps of the
        // graph here, as langgraph4j would without pending nodes.
        if (!resuming && ++stepsTaken > graph.options().maxSteps()) {
          throw new IllegalStateException("Maximum number of iterations (" + graph.options().maxSteps() + ") reached!");
        }
        resuming = false;
        AsyncGenerator.Data<NodeOutput<AgentState>> step = steps.next();
        // A halted step's data is the Halt stream's element: nothing to read, the failure is recorded.
        if (halted()) {
          break;
        }
        if (step.isDone()) {
          outcome = step.resultValue();
          break;
        }
        CompletableFuture<NodeOutput<AgentState>> next = step.future();
        if (next instanceof PendingStep pending) {
          resuming = true;
          pending.whenComplete((ignored, never) -> resume(steps));
          return;
        }
        last = next.get();
      }
      finish(outcome);
    } catch (Throwable thrown) {
      failWith(thrown);
    }
  }

  /** Reads on once a pending node finished, on the runtime executor (never on the node's completing thread). */
  private void resume(AsyncGenerator.Cancellable<NodeOutput<AgentState>> steps) {
    if (result.isDone()) {
      return;
    }
    try {
      driver.execute(() -> advance(steps));
    } catch (RejectedExecutionException e) {
      failWith(new GraphExecutionException("graph '" + graph.name() + "' could not continue run " + runId + " on thread '"
          + threadId + "': its executor rejected the next step (shut down or saturated)", graph.name(), null, threadId, e));
    }
  }

  /** The run's stream ended: completes the run with its state, or with the recorded failure. */
  private void finish(@Nullable Object outcome) {
    if (result.isDone()) {
      return;
    }
    Failure failed = failure;
    if (failed != null) {
      fail(describe(failed));
      return;
    }
    NodeOutput<AgentState> output = last;
    Map<String, @Nullable Object> state = output == null ? StateValues.emptyMap() : StateValues.freezeMap(output.state().data());
    boolean interrupted = outcome instanceof InterruptionMetadata<?>;
    Checkpoint checkpoint = lastCheckpoint;
    String nextNode = interrupted && checkpoint != null ? checkpoint.nextNodeId() : null;
    RunResult done = new RunResult(graph.name(), threadId, runId, GraphState.of(state), interrupted, nextNode);
    // Written before the result completes, so the next run on this thread sees it.
    writeDeferred();
    emit(new RunEvent.RunCompleted(runId, done));
    endRunSpan(null);
    result.complete(done);
  }

  /**
   * Ends the run's span once. Before the result completes where the run ends itself: whatever the
   * caller chains on the result (an answer sent, a parent span ended) then finds the run's span
   * ended, since a future runs the callbacks registered last first.
   */
  private void endRunSpan(@Nullable Throwable error) {
    RunTracer.TraceSpan span = runSpan;
    if (span != null && runSpanEnded.compareAndSet(false, true)) {
      span.end(error);
    }
  }

  private void failWith(Throwable thrown) {
    if (!result.isDone()) {
      Failure failed = failure;
      fail(failed != null ? describe(failed) : describe(thrown));
    }
  }

  /** Completes the run with {@code described}, after writing what ON_EXIT checkpointing kept. */
  private void fail(Throwable described) {
    try {
      writeDeferred();
    } catch (RuntimeException storeFailure) {
      described.addSuppressed(storeFailure);
    }
    if (!result.isDone()) {
      endRunSpan(described);
    }
    result.completeExceptionally(described);
  }

  /** Whether nothing more may run: the run was cancelled or completed, or something failed. */
  boolean halted() {
    return failure != null || result.isDone();
  }

  /** Cancellation: stop the loop and everything in flight. */
  private void stopEverything() {
    AsyncGenerator.Cancellable<?> steps = generator;
    if (steps != null) {
      steps.cancel(false);
    }
    stopWork();
  }

  /**
   * Cancels the node and store futures in flight and interrupts threads blocked in a node's own
   * code, so that what langgraph4j waits on completes now (failed work completes its node with
   * an empty update). The thread langgraph4j waits on is never interrupted: it would log that.
   */
  private void stopWork() {
    for (CompletableFuture<?> future : inFlight) {
      future.cancel(true);
    }
    synchronized (this) {
      for (Thread thread : insideNodes) {
        interruptedByUs.add(thread);
        thread.interrupt();
      }
    }
  }

  /**
   * The failure the run reports: {@code failed} (recorded where it happened) in a
   * {@link GraphExecutionException} naming graph, thread and the node, when a node failed.
   */
  private Throwable describe(Failure failed) {
    if (failed.node() != null) {
      return new GraphExecutionException("graph '" + graph.name() + "' failed in node '" + failed.node() + "' on thread '"
          + threadId + "' (run " + runId + "): " + messageOf(failed.error()), graph.name(), failed.node(), threadId,
          failed.error());
    }
    return new GraphExecutionException("graph '" + graph.name() + "' failed on thread '" + threadId + "' (run " + runId
        + ")" + failed.during() + ": " + messageOf(failed.error()), graph.name(), null, threadId, failed.error());
  }

  /** A failure langgraph4j or the loop itself raised (no node, router or store failure was recorded). */
  private Throwable describe(Throwable thrown) {
    Throwable cause = unwrap(thrown);
    String hint = String.valueOf(cause.getMessage()).contains("Maximum number of iterations")
        ? " (the run exceeded GraphOptions.maxSteps = " + graph.options().maxSteps() + "; check for a loop between nodes)"
        : "";
    return new GraphExecutionException("graph '" + graph.name() + "' failed on thread '" + threadId + "' (run " + runId
        + "): " + messageOf(cause) + hint, graph.name(), null, threadId, cause);
  }

  private static String messageOf(Throwable error) {
    return error.getMessage() == null ? error.getClass().getName() : error.getMessage();
  }

  /**
   * The failure behind the future wrappers ({@link Futures#unwrap}) and the ones langgraph4j adds:
   * {@link GraphRunnerException} and the bare {@code RuntimeException}s it wraps checked
   * exceptions in.
   */
  static Throwable unwrap(Throwable failure) {
    Throwable current = Futures.unwrap(failure);
    while ((current instanceof GraphRunnerException || current.getClass() == RuntimeException.class)
        && current.getCause() != null && current.getCause() != current) {
      current = Futures.unwrap(current.getCause());
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
      saver.putNow(pending, null);
    }
  }

  // ---- steps: what langgraph4j calls ----

  /**
   * The node hook around every step langgraph4j runs (a node, or the parallel node it makes for
   * a fork): once the run halted, the step's update becomes {@link #HALT_UPDATE}, so langgraph4j
   * yields to {@link #drive} instead of applying it, routing and writing a checkpoint.
   */
  CompletableFuture<Map<String, Object>> step(Supplier<CompletableFuture<Map<String, Object>>> action) {
    CompletableFuture<Map<String, Object>> update;
    try {
      update = action.get();
    } catch (RuntimeException e) {
      update = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Map<String, Object>> settled = update.handle((partial, error) -> {
      if (error != null) {
        // Not from a Zen node (those never fail): langgraph4j's own parallel node, say.
        recordFailure(null, unwrap(error), "");
      }
      return halted() ? HALT_UPDATE : partial;
    });
    if (settled.isDone()) {
      return settled;
    }
    // langgraph4j would block its thread on this future with get(). An embedded stream is
    // handed back at once instead: its first element (a PendingStep) tells advance() to return
    // and wait, its end is the update, which langgraph4j then applies as it would the node's.
    return CompletableFuture.completedFuture(Map.of(PENDING_KEY, new Pending(settled)));
  }

  /** Where a conditional edge goes: the router's choice, or {@link #HALT_ROUTE} once the run halted. */
  CompletableFuture<Command> route(AgentGraph.RouteSpec route, Map<String, Object> data) {
    if (halted()) {
      return CompletableFuture.completedFuture(new Command(HALT_ROUTE));
    }
    try {
      String key = route.router().apply(GraphState.of(data));
      if (key == null || !route.targets().containsKey(key)) {
        throw new IllegalStateException("graph '" + graph.name() + "': the router after node '" + route.from()
            + "' returned '" + key + "', which is not one of its routes " + route.targets().keySet());
      }
      return CompletableFuture.completedFuture(new Command(key));
    } catch (RuntimeException e) {
      recordFailure(null, e, "");
      return CompletableFuture.completedFuture(new Command(HALT_ROUTE));
    }
  }

  /** A checkpoint write failed: the run fails with it once langgraph4j hands back the step. */
  void storeFailed(Throwable error) {
    recordFailure(null, error, " while saving a checkpoint");
  }

  /** Tracks a store call, so cancelling the run stops the runner waiting for it. */
  <T> CompletableFuture<T> trackStoreCall(CompletableFuture<T> call) {
    return track(call);
  }

  // ---- nodes ----

  /**
   * Runs a node with its policies. The returned future never fails: a failed or cancelled node
   * records its failure and completes with an empty update (see the class comment).
   */
  CompletableFuture<Map<String, Object>> runNode(AgentGraph.NodeSpec spec, Map<String, Object> data) {
    if (halted()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    GraphState state = GraphState.of(data);
    RunTracer.TraceSpan run = runSpan;
    RunTracer.TraceSpan span = tracer.startNode(run == null ? NoopRunTracer.INSTANCE : run, graph.name(), spec.id(), threadId);
    long started = System.nanoTime();
    CompletableFuture<Map<String, ?>> attempts = spec.options().isPlain()
        ? attempt(spec, state, span, 1, false)
        : track(withPolicies(spec, state, span));
    return attempts.handle((update, error) -> {
      if (error != null) {
        Throwable cause = normalize(unwrap(error), spec);
        recordFailure(spec.id(), cause, "");
        span.end(cause);
        return Map.of();
      }
      Map<String, Object> frozen;
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> checked = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(update == null ? Map.of() : update);
        frozen = checked;
      } catch (IllegalArgumentException e) {
        InvalidRequestException invalid = new InvalidRequestException("node '" + spec.id() + "' returned an invalid update: "
            + e.getMessage(), e);
        recordFailure(spec.id(), invalid, "");
        span.end(invalid);
        return Map.of();
      }
      emit(new RunEvent.NodeFinished(runId, spec.id(), frozen, Duration.ofNanos(System.nanoTime() - started)));
      span.end(null);
      return frozen;
    });
  }

  /** {@link #runNode} for a branch of a fork: started on the runtime executor, so branches overlap. */
  CompletableFuture<Map<String, Object>> runBranch(AgentGraph.NodeSpec spec, Map<String, Object> data) {
    CompletableFuture<Map<String, Object>> branch = new CompletableFuture<>();
    try {
      graph.options().executor().execute(() -> runNode(spec, data).whenComplete((update, never) -> branch.complete(update)));
    } catch (RejectedExecutionException e) {
      recordFailure(spec.id(), new GraphExecutionException("graph '" + graph.name() + "' could not start branch '" + spec.id()
          + "' on thread '" + threadId + "': its executor rejected it (shut down or saturated)", graph.name(), spec.id(),
          threadId, e), "");
      branch.complete(Map.of());
    }
    return branch;
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
      // re-enters Failsafe and loses the retry that should follow a timeout. The runtime
      // executor, not the shared timer: cancelling runs the node's callbacks (an HTTP abort).
      context.onCancel(() -> cancelElsewhere(current));
      return current;
    });
  }

  /** Cancels on the runtime executor, or here when it takes no more work. */
  private void cancelElsewhere(CompletableFuture<?> future) {
    try {
      graph.options().executor().execute(() -> future.cancel(true));
    } catch (RejectedExecutionException e) {
      future.cancel(true);
    }
  }

  private boolean isRetriable(Throwable failure, AgentGraph.NodeSpec spec) {
    Throwable cause = normalize(unwrap(failure), spec);
    return !(cause instanceof CancellationException) && spec.options().retry().retryOn().test(cause);
  }

  private CompletableFuture<Map<String, ?>> attempt(AgentGraph.NodeSpec spec, GraphState state, RunTracer.TraceSpan span,
      int attempt, boolean hasPolicies) {
    if (halted()) {
      return CompletableFuture.failedFuture(new CancellationException("run " + runId + " was cancelled"));
    }
    emit(new RunEvent.NodeStarted(runId, spec.id(), attempt));
    if (attempt > 1) {
      span.addEvent("retry " + attempt);
    }
    NodeContextImpl context = new NodeContextImpl(spec.id(), attempt, span);
    CompletableFuture<Map<String, ?>> future;
    Thread current = Thread.currentThread();
    synchronized (this) {
      insideNodes.add(current);
    }
    RunExecution outer = INSIDE_NODE.get();
    INSIDE_NODE.set(this);
    try (RunTracer.Scope ignored = span.makeCurrent(); LogContext.Scope logged = logContext.makeCurrent()) {
      future = spec.node().apply(state, context);
      if (future == null) {
        future = CompletableFuture.failedFuture(new IllegalStateException("node '" + spec.id() + "' returned null instead of a future"));
      }
    } catch (Throwable thrown) {
      future = CompletableFuture.failedFuture(thrown);
    } finally {
      INSIDE_NODE.set(outer);
      boolean ours;
      synchronized (this) {
        insideNodes.remove(current);
        ours = interruptedByUs.remove(current);
      }
      if (ours) {
        // Our interrupt reached the node; it must not reach langgraph4j or the executor's next task.
        Thread.interrupted();
      }
    }
    track(future);
    future.whenComplete((ignored, error) -> {
      if (error != null) {
        Throwable cause = normalize(unwrap(error), spec);
        boolean willRetry = hasPolicies && attempt < spec.options().retry().maxAttempts() && !halted()
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

  /**
   * Keeps the run's first failure (a cancellation caused by cancelling the run is none) and stops
   * the rest of the run's work, so parallel branches do not outlive a failed one.
   */
  private void recordFailure(@Nullable String node, Throwable error, String during) {
    synchronized (this) {
      if (failure != null || (error instanceof CancellationException && result.isCancelled())) {
        return;
      }
      failure = new Failure(node, error, during);
    }
    stopWork();
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> future) {
    if (!future.isDone()) {
      inFlight.add(future);
      future.whenComplete((ignored, error) -> inFlight.remove(future));
      if (halted()) {
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

  /** The run's future: a thread that joins it may start the run itself ({@link #startOnJoiningThread}). */
  private final class RunFuture extends CompletableFuture<RunResult> {
    @Override
    public RunResult join() {
      if (!isDone()) {
        startOnJoiningThread();
      }
      return super.join();
    }
  }

  /** What ends a run: the failure, and the node it happened in, or what the run was doing then. */
  private record Failure(@Nullable String node, Throwable error, String during) {}

  /**
   * The embedded stream langgraph4j yields a halted step through: its element is read by
   * {@link #drive}, which stops there, so its value never matters.
   */
  private static final class Halt implements AsyncGenerator<NodeOutput<AgentState>> {
    @Override
    public Data<NodeOutput<AgentState>> next() {
      return Data.error(new CancellationException("the run halted"));
    }

    @Override
    public Executor executor() {
      return Runnable::run;
    }
  }

  /** The element that says a node is still working: it completes (with nothing) when the node is done. */
  private static final class PendingStep extends CompletableFuture<NodeOutput<AgentState>> {}

  /**
   * The embedded stream of a step whose update is not ready: first a {@link PendingStep}, which
   * {@link #advance} waits on without a thread; then, read after the update is done, its end
   * with the update as result value (langgraph4j applies it, routes and writes the checkpoint),
   * or, once the run halted, the same error element as {@link Halt}.
   */
  private final class Pending implements AsyncGenerator<NodeOutput<AgentState>> {
    private final CompletableFuture<Map<String, Object>> update;
    private final PendingStep waiting = new PendingStep();
    private boolean yielded;

    Pending(CompletableFuture<Map<String, Object>> update) {
      this.update = update;
      update.whenComplete((ignored, never) -> waiting.complete(null));
    }

    @Override
    public Data<NodeOutput<AgentState>> next() {
      if (!yielded) {
        yielded = true;
        return Data.of(waiting);
      }
      Map<String, Object> partial = update.getNow(HALT_UPDATE);
      if (partial == HALT_UPDATE || halted()) {
        return Data.error(new CancellationException("the run halted"));
      }
      return Data.done(partial);
    }

    @Override
    public Executor executor() {
      return Runnable::run;
    }
  }

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
      return logContext.propagating(span.propagating(graph.options().executor()));
    }

    @Override
    public boolean isCancelled() {
      return halted();
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
