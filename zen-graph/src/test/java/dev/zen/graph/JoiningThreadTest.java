package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thread that joins a run's future before the executor started the run starts it itself, so a
 * run whose nodes never wait costs no thread hand-off; everything else about the run stays as on
 * the executor. And runs of thousands of steps whose nodes complete at once neither recurse nor
 * block, on either path.
 */
@Timeout(60)
class JoiningThreadTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "test-runtime");
    thread.setDaemon(true);
    return thread;
  });

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Holds submitted tasks until the test runs them: the executor has not started the run yet. */
  private static final class HeldExecutor extends AbstractExecutorService {
    final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
      held.add(task);
    }

    int runAll() {
      int ran = 0;
      for (Runnable task; (task = held.poll()) != null; ran++) {
        task.run();
      }
      return ran;
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }
  }

  private static AgentGraph recordingLine(List<String> threads, AsyncNode middle) {
    AsyncNode record = AsyncNode.sync((state, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return Map.of("trail", ctx.nodeId());
    });
    return AgentGraph.builder("line").channel("trail", StateChannel.appending())
        .node("a", record).node("b", middle).node("c", record)
        .edge(AgentGraph.START, "a").edge("a", "b").edge("b", "c").edge("c", AgentGraph.END)
        .build();
  }

  @Test
  void a_run_that_never_waits_runs_on_the_joining_thread_and_the_executors_task_does_nothing() {
    HeldExecutor executor = new HeldExecutor();
    List<String> threads = new CopyOnWriteArrayList<>();
    List<RunEvent> events = new CopyOnWriteArrayList<>();
    SimpleStore store = new SimpleStore();
    AsyncNode record = AsyncNode.sync((state, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return Map.of("trail", ctx.nodeId());
    });
    CompiledAgentGraph graph = recordingLine(threads, record)
        .compile(GraphOptions.builder().executor(executor).checkpointStore(store).build());

    CompletableFuture<RunResult> run = graph.invoke(Map.of(), RunConfig.builder("t").listener(events::add).build());
    assertThat(run).isNotDone();
    RunResult result = run.join();

    String me = Thread.currentThread().getName();
    assertThat(threads).containsExactly(me, me, me);
    assertThat(result.state().value("trail")).contains(List.of("a", "b", "c"));
    assertThat(events).filteredOn(RunEvent.NodeFinished.class::isInstance).hasSize(3);
    assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunCompleted.class);
    assertThat(store.threads.get("t")).hasSize(4);
    // The executor's copy of the first task finds the run taken: nothing runs twice.
    assertThat(executor.runAll()).isEqualTo(1);
    assertThat(threads).hasSize(3);
    assertThat(store.threads.get("t")).hasSize(4);
  }

  @Test
  void a_node_that_waits_hands_the_rest_of_the_run_to_the_executor() {
    List<String> threads = new CopyOnWriteArrayList<>();
    CompletableFuture<Map<String, ?>> later = new CompletableFuture<>();
    AsyncNode waits = (state, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return later;
    };
    HeldExecutor held = new HeldExecutor();
    CompiledAgentGraph graph = recordingLine(threads, waits).compile(GraphOptions.builder().executor(held).build());
    CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t");
    Thread completer = new Thread(() -> {
      // Once the joining thread has reached the waiting node, complete it, then let the
      // executor run the continuation.
      while (threads.size() < 2) {
        Thread.onSpinWait();
      }
      later.complete(Map.of("trail", "b"));
      while (!run.isDone()) {
        held.runAll();
        Thread.onSpinWait();
      }
    }, "completer");
    completer.start();

    RunResult result = run.join();

    String me = Thread.currentThread().getName();
    // a and b started on the joining thread; c ran where the executor ran it (the completer,
    // here), never inline on the thread that completed b's future.
    assertThat(threads).containsExactly(me, me, "completer");
    assertThat(result.state().value("trail")).contains(List.of("a", "b", "c"));
  }

  @Test
  void a_thread_inside_a_node_does_not_start_the_run_it_joins() throws Exception {
    List<String> innerThreads = new CopyOnWriteArrayList<>();
    CompiledAgentGraph inner = recordingLine(innerThreads, AsyncNode.sync((state, ctx) -> {
      innerThreads.add(Thread.currentThread().getName());
      return Map.of("trail", "b");
    })).compile(GraphOptions.builder().executor(pool).build());
    List<String> outerThreads = new CopyOnWriteArrayList<>();
    CompiledAgentGraph outer = AgentGraph.builder("outer")
        .node("call", AsyncNode.sync((state, ctx) -> {
          outerThreads.add(Thread.currentThread().getName());
          RunResult done = inner.invoke(Map.of(), "inner").join();
          return Map.of("inner", done.state().value("trail").orElseThrow());
        }))
        .edge(AgentGraph.START, "call").edge("call", AgentGraph.END)
        .build()
        .compile(GraphOptions.builder().executor(pool).build());

    RunResult result = outer.invoke(Map.of(), "outer").get(10, TimeUnit.SECONDS);

    assertThat(result.state().value("inner")).contains(List.of("a", "b", "c"));
    assertThat(innerThreads).hasSize(3).allMatch("test-runtime"::equals);
  }

  @Test
  void an_interrupted_thread_does_not_start_the_run() {
    HeldExecutor held = new HeldExecutor();
    List<String> threads = new CopyOnWriteArrayList<>();
    CompiledAgentGraph graph = recordingLine(threads, AsyncNode.sync((state, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return Map.of("trail", "b");
    })).compile(GraphOptions.builder().executor(held).build());
    CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t");
    Thread runner = new Thread(() -> {
      while (!run.isDone()) {
        held.runAll();
        Thread.onSpinWait();
      }
    }, "runner");
    runner.start();

    Thread.currentThread().interrupt();
    try {
      run.join();
      // join keeps the interrupt, as CompletableFuture's does.
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(threads).hasSize(3).allMatch("runner"::equals);
  }

  @Test
  void the_run_span_is_current_on_the_joining_thread_and_restored_after() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    try {
      OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
      List<String> parents = new CopyOnWriteArrayList<>();
      CompiledAgentGraph graph = AgentGraph.builder("traced")
          .node("a", AsyncNode.sync((state, ctx) -> {
            parents.add(Span.current().getSpanContext().getSpanId());
            return Map.of();
          }))
          .edge(AgentGraph.START, "a").edge("a", AgentGraph.END)
          .build()
          .compile(GraphOptions.builder().executor(new HeldExecutor()).tracing(GraphTracing.openTelemetry(otel)).build());
      Span caller = otel.getTracer("test").spanBuilder("caller").startSpan();
      try (var ignored = Context.current().with(caller).makeCurrent()) {
        graph.invoke(Map.of(), "t").join();
        assertThat(Span.current()).isEqualTo(caller);
      }
      caller.end();

      SpanData node = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("zen.node a")).findFirst()
          .orElseThrow();
      SpanData run = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("zen.run traced")).findFirst()
          .orElseThrow();
      assertThat(parents).containsExactly(node.getSpanId());
      assertThat(node.getParentSpanId()).isEqualTo(run.getSpanId());
      assertThat(run.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    } finally {
      provider.close();
    }
  }

  // ---- long runs: no recursion, no blocking ----

  private static final int LONG_RUN = 10_000;

  /** One node that loops back to itself until it ran {@code steps} times. */
  private static AgentGraph loop(Supplier<AsyncNode> node) {
    return AgentGraph.builder("loop")
        .node("step", node.get())
        .edge(AgentGraph.START, "step")
        .conditionalEdges("step", state -> state.value("counter", Integer.class).orElse(0) < LONG_RUN ? "again" : "done",
            Map.of("again", "step", "done", AgentGraph.END))
        .build();
  }

  @Test
  void ten_thousand_steps_that_complete_at_once_neither_recurse_nor_block_on_either_path() throws Exception {
    Supplier<AsyncNode> immediate = () -> AsyncNode.sync((state, ctx) ->
        Map.of("counter", state.value("counter", Integer.class).orElse(0) + 1));
    GraphOptions.Builder options = GraphOptions.builder().maxSteps(LONG_RUN + 10).checkpointStore(new SimpleStore())
        .latestCheckpointOnly(true);

    // On the joining thread (the executor holds its task), then on the executor, awaited without joining.
    RunResult joined = loop(immediate).compile(options.executor(new HeldExecutor()).build())
        .invoke(Map.of(), "joined").join();
    RunResult pooled = loop(immediate).compile(options.executor(pool).build())
        .invoke(Map.of(), "pooled").get(60, TimeUnit.SECONDS);

    assertThat(joined.state().value("counter")).contains(LONG_RUN);
    assertThat(pooled.state().value("counter")).contains(LONG_RUN);
  }

  @Test
  void ten_thousand_steps_that_complete_on_another_thread_resume_without_recursion() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Supplier<AsyncNode> elsewhere = () -> (state, ctx) -> CompletableFuture.supplyAsync(() -> {
      calls.incrementAndGet();
      return Map.of("counter", state.value("counter", Integer.class).orElse(0) + 1);
    }, pool);
    List<CompletableFuture<RunResult>> runs = new ArrayList<>();
    CompiledAgentGraph graph = loop(elsewhere).compile(GraphOptions.builder().maxSteps(LONG_RUN + 10).executor(pool).build());
    runs.add(graph.invoke(Map.of(), "a"));
    runs.add(graph.invoke(Map.of(), "b"));

    assertThat(runs.get(0).join().state().value("counter")).contains(LONG_RUN);
    assertThat(runs.get(1).get(60, TimeUnit.SECONDS).state().value("counter")).contains(LONG_RUN);
    assertThat(calls).hasValue(2 * LONG_RUN);
  }
}
