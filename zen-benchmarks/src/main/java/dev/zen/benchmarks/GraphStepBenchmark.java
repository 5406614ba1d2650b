package dev.zen.benchmarks;

import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.zen.ZenExecutors;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.GraphState;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunResult;
import dev.zen.graph.StateChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Channels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-step cost of a 5-node linear graph (START → n1 → … → n5 → END) that checkpoints its input
 * and every step (6 checkpoints per run on both sides): Zen's runtime with {@link MemoryCheckpointStore} against raw langgraph4j 1.8.17 with its
 * default {@code ObjectStreamStateSerializer} and {@link MemorySaver}, in the same JMH run. Issue 2's
 * target is Zen ≤ 0.5× langgraph4j.
 *
 * <p>Both graphs carry the same state: two input strings ({@code topic}, {@code user}), a counter
 * each node increments, a {@code last} string each node overwrites, and a {@code steps} list each
 * node appends one entry to (Zen: {@link StateChannel#appending()}, langgraph4j:
 * {@code Channels.appender}). Nodes are synchronous lambdas, so what is measured is the runtime:
 * state merging, cloning, checkpointing and, for Zen, whatever hand-off of the run to the runtime
 * executor and back remains (a thread that joins a run the executor has not started yet runs it
 * itself; see {@code zen-get} for a caller that waits without joining).
 *
 * <p>The score is per <em>step</em> ({@code @OperationsPerInvocation(5)}); one run is 5× the
 * score. Every invocation uses a fresh thread id and deletes that thread when the run is done
 * (inside the measured time, on both sides: a hash-map removal), so stores hold at most one thread
 * and the state never grows across runs.
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -q -o package -pl zen-benchmarks -am -DskipTests
 * java -jar zen-benchmarks/target/zen-benchmarks.jar GraphStepBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 * Add {@code -prof gc} for allocation per step. JMH runs the three values one after another, so on
 * a machine shared with other work their scores may see different load; {@link GraphStepInterleaved}
 * measures the same graphs interleaved in one JVM.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(GraphStepBenchmark.STEPS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class GraphStepBenchmark {
  static final int STEPS = 5;

  /**
   * {@code zen}: the default runtime executor (virtual threads on JDK 21+, a platform pool on 17),
   * as users run it: {@code invoke(...).join()}. {@code zen-inline}: a diagnostic, the same graph
   * on an executor that runs the whole run on the calling thread, i.e. the runtime's own CPU per
   * step, without any thread hand-off. {@code zen-get}: a diagnostic, {@code zen} awaited with
   * {@code get()}, which (unlike {@code join()}) never runs the run on the waiting thread: the two
   * thread hand-offs (to the executor, then waking the caller) that a caller who does not join
   * pays. {@code langgraph4j}: the baseline, which runs on the caller's thread.
   */
  @Param({"zen", "zen-inline", "zen-get", "langgraph4j"})
  public String runtime;

  private LinearGraph graph;
  private long nextThread;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    graph = switch (runtime) {
      case "zen" -> new ZenLinear(ZenExecutors.defaultRuntime());
      case "zen-inline" -> new ZenLinear(new CallerRunsExecutor());
      case "zen-get" -> new ZenLinear(ZenExecutors.defaultRuntime(), false);
      case "langgraph4j" -> new LangGraphLinear();
      default -> throw new IllegalArgumentException("unknown runtime '" + runtime + "'");
    };
    // Both graphs must compute the same thing, or the comparison means nothing.
    graph.verify(graph.run("verify"));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  @Benchmark
  public Object run() {
    return graph.run("bench-" + nextThread++);
  }

  static Map<String, Object> input() {
    return Map.of("topic", "benchmark the graph runtime", "user", "alice", "counter", 0);
  }

  /** One way of running the 5-step graph on a fresh thread, then forgetting that thread. */
  interface LinearGraph extends AutoCloseable {
    Object run(String threadId);

    void verify(Object result);

    @Override
    void close();
  }

  static void check(Object counter, Object last, List<?> steps) {
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= STEPS; i++) {
      expected.add("n" + i);
    }
    if (!Integer.valueOf(STEPS).equals(counter) || !("n" + STEPS).equals(last) || !expected.equals(steps)) {
      throw new IllegalStateException("the benchmark graph computed counter=" + counter + ", last=" + last
          + ", steps=" + steps + "; expected " + STEPS + ", n" + STEPS + ", " + expected);
    }
  }

  /** Zen's public API on the given runtime executor, with the in-memory checkpoint store. */
  static final class ZenLinear implements LinearGraph {
    private final MemoryCheckpointStore store = MemoryCheckpointStore.create();
    private final CompiledAgentGraph graph;
    private final boolean join;

    ZenLinear(ExecutorService executor) {
      this(executor, true);
    }

    /** {@code join}: wait for each run with {@code join()}; otherwise with {@code get()}. */
    ZenLinear(ExecutorService executor, boolean join) {
      this.join = join;
      AgentGraph.Builder builder = AgentGraph.builder("linear-5").channel("steps", StateChannel.appending());
      String previous = AgentGraph.START;
      for (int i = 1; i <= STEPS; i++) {
        String id = "n" + i;
        builder.node(id, AsyncNode.sync((state, context) -> Map.of(
            "counter", state.value("counter", Integer.class).orElse(0) + 1,
            "last", id,
            "steps", id)));
        builder.edge(previous, id);
        previous = id;
      }
      builder.edge(previous, AgentGraph.END);
      graph = builder.build().compile(GraphOptions.builder().checkpointStore(store).executor(executor).build());
    }

    @Override
    public Object run(String threadId) {
      CompletableFuture<RunResult> run = graph.invoke(input(), RunConfig.forThread(threadId));
      RunResult result;
      if (join) {
        result = run.join();
      } else {
        try {
          result = run.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a run", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("the benchmark run failed", e.getCause());
        }
      }
      store.deleteThread(threadId).join();
      return result;
    }

    @Override
    public void verify(Object result) {
      GraphState state = ((RunResult) result).state();
      check(state.value("counter").orElse(null), state.value("last").orElse(null),
          state.value("steps", List.class).orElse(List.of()));
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /**
   * Runs each task on the submitting thread. Only for graphs whose nodes never wait (like these):
   * {@code invoke} then returns a completed future.
   */
  static final class CallerRunsExecutor extends AbstractExecutorService {
    @Override
    public void execute(Runnable task) {
      task.run();
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

  /** Raw langgraph4j as its documentation shows it: default serializer, MemorySaver, caller's thread. */
  static final class LangGraphLinear implements LinearGraph {
    private final MemorySaver saver = new MemorySaver();
    private final CompiledGraph<AgentState> graph;

    LangGraphLinear() throws GraphStateException {
      Map<String, Channel<?>> channels = Map.of("steps", Channels.appender(ArrayList::new));
      StateGraph<AgentState> builder = new StateGraph<>(channels, AgentState::new);
      String previous = StateGraph.START;
      for (int i = 1; i <= STEPS; i++) {
        String id = "n" + i;
        builder.addNode(id, node_async(state -> Map.of(
            "counter", state.<Integer>value("counter").orElse(0) + 1,
            "last", id,
            "steps", id)));
        builder.addEdge(previous, id);
        previous = id;
      }
      builder.addEdge(previous, StateGraph.END);
      graph = builder.compile(CompileConfig.builder().checkpointSaver(saver).build());
    }

    @Override
    public Object run(String threadId) {
      RunnableConfig config = RunnableConfig.builder().threadId(threadId).build();
      AgentState state = graph.invoke(input(), config)
          .orElseThrow(() -> new IllegalStateException("langgraph4j returned no final state"));
      try {
        saver.release(config);
      } catch (Exception e) {
        throw new IllegalStateException("MemorySaver could not release thread " + threadId, e);
      }
      return state;
    }

    @Override
    public void verify(Object result) {
      AgentState state = (AgentState) result;
      check(state.value("counter").orElse(null), state.value("last").orElse(null),
          state.<List<?>>value("steps").orElse(List.of()));
    }

    @Override
    public void close() {}
  }
}
