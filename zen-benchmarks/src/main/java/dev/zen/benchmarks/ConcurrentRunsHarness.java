package dev.zen.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.zen.ZenExecutors;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.RunResult;
import dev.zen.graph.StateChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.action.AsyncNodeAction;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Channels;

/**
 * Load harness for issue 2: 1,000 concurrent runs of a 3-node graph whose nodes each wait 200 ms
 * on a timer ({@link ZenExecutors#scheduler()}; no thread sleeps), so an ideal runtime finishes
 * all of them in 600 ms. It reports wall time / ideal and the platform threads the JVM needed
 * (peak from {@link ThreadMXBean#getPeakThreadCount()} after
 * {@link ThreadMXBean#resetPeakThreadCount()}; the most seen live, sampled every 10 ms by the
 * harness's own sampler thread, which is counted too; and the live ones grouped by name at that
 * highest count).
 *
 * <p>Zen runs with its default runtime executor (virtual threads on JDK 21+, a platform-thread
 * pool on 17) and a {@link MemoryCheckpointStore}. The baseline, measured in the same process, is
 * raw langgraph4j: {@code CompiledGraph.invoke} of the same graph (default serializer,
 * {@link MemorySaver}) on a fixed pool of 64 platform threads, which holds one thread per run
 * while its nodes wait. Zen is warmed up with eight full rounds and langgraph4j with one; then each
 * is measured {@code rounds} times, alternating, and the median round is reported. Issue 2's targets: Zen
 * ≤ 1.2× ideal with ≤ 64 platform threads on JDK 21+, ≤ 1.5× on JDK 17.
 *
 * <p>Run (from the repository root), on the default JDK 17 and on JDK 25:
 * <pre>
 * ./mvnw -q -o package -pl zen-benchmarks -am -DskipTests
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.ConcurrentRunsHarness
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.ConcurrentRunsHarness
 * </pre>
 * Optional arguments: {@code runs rounds nodeDelayMillis baselineThreads
 * zenWarmupRounds} (defaults {@code 1000 5 200 64 8}); {@code baselineThreads} 0 skips the
 * langgraph4j baseline, for profiling Zen alone.
 */
public final class ConcurrentRunsHarness {
  private static final int NODES = 3;

  private final int runs;
  private final long delayMillis;
  private final int baselineThreads;
  private final ScheduledExecutorService timer = ZenExecutors.scheduler();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final OperatingSystemMXBean processCpu =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final AtomicInteger threadIds = new AtomicInteger();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(named("harness-sampler"));

  private ConcurrentRunsHarness(int runs, long delayMillis, int baselineThreads) {
    this.runs = runs;
    this.delayMillis = delayMillis;
    this.baselineThreads = baselineThreads;
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long delayMillis = args.length > 2 ? Long.parseLong(args[2]) : 200;
    int baselineThreads = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    int zenWarmups = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    if (runs < 1 || rounds < 1 || delayMillis < 1 || baselineThreads < 0 || zenWarmups < 1) {
      throw new IllegalArgumentException("usage: ConcurrentRunsHarness [runs>=1 [rounds>=1 [nodeDelayMillis>=1 "
          + "[baselineThreads>=0 [zenWarmupRounds>=1]]]]]");
    }
    new ConcurrentRunsHarness(runs, delayMillis, baselineThreads).run(zenWarmups, rounds);
    // Pool threads of the default runtime are daemons, but the langgraph4j pools are ours and closed.
    System.exit(0);
  }

  private void run(int zenWarmups, int rounds) throws Exception {
    report("JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + "), "
        + Runtime.getRuntime().availableProcessors() + " CPUs, virtual threads in Zen's runtime: "
        + ZenExecutors.virtualThreadsAvailable());
    report(runs + " concurrent runs x " + NODES + " nodes x " + delayMillis + " ms timer wait; ideal "
        + ideal() + " ms");

    try (MemoryCheckpointStore store = MemoryCheckpointStore.create()) {
      CompiledAgentGraph zen = zenGraph(store);
      CompiledGraph<AgentState> raw = langGraph();

      // Warm-up, so class loading, pool growth and JIT compilation are not measured. Zen gets
      // several rounds: one runs each node only 1,000 times, and its process CPU per round keeps
      // falling for about five rounds while C2 compiles. A langgraph4j round is 10 s of waiting
      // on its pool; one is enough.
      for (int round = 1; round <= zenWarmups; round++) {
        report(measure("zen warm-up " + round, () -> runZen(zen)).line());
      }
      if (baselineThreads > 0) {
        report(measureOnPool("langgraph4j warm-up", raw).line());
      }

      List<Measurement> zenRounds = new ArrayList<>();
      List<Measurement> rawRounds = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        Measurement z = measure("zen round " + round, () -> runZen(zen));
        report(z.line());
        zenRounds.add(z);
        if (baselineThreads == 0) {
          continue;
        }
        Measurement r = measureOnPool("langgraph4j round " + round, raw);
        report(r.line());
        rawRounds.add(r);
      }
      Measurement zenMedian = median(zenRounds);
      report("");
      report(String.format("RESULT zen         wall %6d ms = %5.2fx ideal, CPU %5d ms, peak platform threads %4d, max live %4d",
          zenMedian.wallMillis, zenMedian.ratio(), zenMedian.cpuMillis, zenMedian.peakThreads, zenMedian.maxLive));
      report("zen: live platform threads by name at the round's highest count (median round): " + zenMedian.byName);
      if (rawRounds.isEmpty()) {
        return;
      }
      Measurement rawMedian = median(rawRounds);
      report(String.format("RESULT langgraph4j wall %6d ms = %5.2fx ideal, CPU %5d ms, peak platform threads %4d, max live %4d"
              + " (fixed pool of %d)", rawMedian.wallMillis, rawMedian.ratio(), rawMedian.cpuMillis,
          rawMedian.peakThreads, rawMedian.maxLive, baselineThreads));
      report(String.format("RESULT zen / langgraph4j wall = %.3f", (double) zenMedian.wallMillis / rawMedian.wallMillis));
      report("langgraph4j: live platform threads by name at the round's highest count (median round): "
          + rawMedian.byName);
    }
  }

  private long ideal() {
    return NODES * delayMillis;
  }

  // ---- Zen ----

  private CompiledAgentGraph zenGraph(MemoryCheckpointStore store) {
    AgentGraph.Builder builder = AgentGraph.builder("timer-3").channel("steps", StateChannel.appending());
    String previous = AgentGraph.START;
    for (int i = 1; i <= NODES; i++) {
      String id = "n" + i;
      builder.node(id, (state, context) -> after(delayMillis, Map.of("steps", id)));
      builder.edge(previous, id);
      previous = id;
    }
    builder.edge(previous, AgentGraph.END);
    return builder.build().compile(GraphOptions.builder().checkpointStore(store).build());
  }

  private void runZen(CompiledAgentGraph graph) {
    List<CompletableFuture<RunResult>> inFlight = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      inFlight.add(graph.invoke(Map.of("topic", "load"), "zen-" + threadIds.incrementAndGet()));
    }
    for (CompletableFuture<RunResult> run : inFlight) {
      checkSteps(run.join().state().value("steps", List.class).orElse(List.of()));
    }
  }

  // ---- raw langgraph4j ----

  private CompiledGraph<AgentState> langGraph() throws GraphStateException {
    Map<String, Channel<?>> channels = Map.of("steps", Channels.appender(ArrayList::new));
    StateGraph<AgentState> builder = new StateGraph<>(channels, AgentState::new);
    String previous = StateGraph.START;
    for (int i = 1; i <= NODES; i++) {
      String id = "n" + i;
      AsyncNodeAction<AgentState> node = state -> after(delayMillis, Map.of("steps", id));
      builder.addNode(id, node);
      builder.addEdge(previous, id);
      previous = id;
    }
    builder.addEdge(previous, StateGraph.END);
    return builder.compile(CompileConfig.builder().checkpointSaver(new MemorySaver()).build());
  }

  private Measurement measureOnPool(String label, CompiledGraph<AgentState> graph) throws InterruptedException {
    // A fresh pool per round, so its threads are counted in this round's peak like Zen's are.
    List<Thread> poolThreads = new CopyOnWriteArrayList<>();
    ThreadFactory factory = named("lg4j-pool");
    ExecutorService pool = Executors.newFixedThreadPool(baselineThreads, runnable -> {
      Thread thread = factory.newThread(runnable);
      poolThreads.add(thread);
      return thread;
    });
    try {
      return measure(label, () -> {
        List<CompletableFuture<AgentState>> inFlight = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
          RunnableConfig config = RunnableConfig.builder().threadId("lg4j-" + threadIds.incrementAndGet()).build();
          inFlight.add(CompletableFuture.supplyAsync(() -> graph.invoke(Map.of("topic", "load"), config)
              .orElseThrow(() -> new IllegalStateException("langgraph4j returned no final state")), pool));
        }
        for (CompletableFuture<AgentState> run : inFlight) {
          checkSteps(run.join().<List<?>>value("steps").orElse(List.of()));
        }
      });
    } finally {
      pool.shutdown();
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the langgraph4j pool did not stop within 30 s");
      }
      // A terminated pool's threads may still be exiting; on a loaded machine they were still
      // alive, and counted, in the next Zen round.
      for (Thread thread : poolThreads) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }

  // ---- shared ----

  /** Completes with {@code update} after {@code millis} on the shared timer: no thread waits. */
  private <T> CompletableFuture<T> after(long millis, T update) {
    CompletableFuture<T> future = new CompletableFuture<>();
    ScheduledFuture<?> scheduled = timer.schedule(() -> future.complete(update), millis, TimeUnit.MILLISECONDS);
    future.whenComplete((ignored, error) -> scheduled.cancel(false));
    return future;
  }

  private static void checkSteps(List<?> steps) {
    if (steps.size() != NODES) {
      throw new IllegalStateException("a run ended with steps " + steps + "; expected " + NODES + " entries");
    }
  }

  private Measurement measure(String label, Runnable round) {
    threads.resetPeakThreadCount();
    AtomicInteger maxLive = new AtomicInteger();
    AtomicReference<Map<String, Integer>> atMax = new AtomicReference<>(Map.of());
    // Sample live platform threads while runs are in flight, naming them whenever the count hits a
    // new high. The sampler has its own thread: on Zen's timer it would delay node completions.
    ScheduledFuture<?> sampler = this.sampler.scheduleAtFixedRate(() -> {
      int live = threads.getThreadCount();
      if (live > maxLive.get()) {
        maxLive.set(live);
        atMax.set(threadsByName());
      }
    }, 0, 10, TimeUnit.MILLISECONDS);
    long cpuStarted = processCpu.getProcessCpuTime();
    long started = System.nanoTime();
    try {
      round.run();
    } finally {
      sampler.cancel(false);
    }
    long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long cpuMillis = TimeUnit.NANOSECONDS.toMillis(processCpu.getProcessCpuTime() - cpuStarted);
    return new Measurement(label, wallMillis, cpuMillis, ideal(), threads.getPeakThreadCount(), maxLive.get(),
        threads.getThreadCount(), atMax.get());
  }

  /**
   * Live platform threads by name with digits masked ({@code zen-runtime-1-17} counts under
   * {@code zen-runtime-#-#}), so a pool shows up as one line with its size.
   */
  private Map<String, Integer> threadsByName() {
    Map<String, Integer> byName = new TreeMap<>();
    // Depth 0: names only, no stack walks of a thousand threads.
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info != null) {
        byName.merge(info.getThreadName().replaceAll("\\d+", "#"), 1, Integer::sum);
      }
    }
    return byName;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static Measurement median(List<Measurement> rounds) {
    Measurement[] sorted = rounds.toArray(Measurement[]::new);
    Arrays.sort(sorted, (a, b) -> Long.compare(a.wallMillis, b.wallMillis));
    return sorted[(sorted.length - 1) / 2];
  }

  // The report is this program's output (like JMH's), so it goes to stdout rather than through a
  // logging backend that may be unbound or filtered.
  private static void report(String line) {
    System.out.println(line);
  }

  private record Measurement(String label, long wallMillis, long cpuMillis, long idealMillis, int peakThreads, int maxLive,
      int liveAfter, Map<String, Integer> byName) {
    double ratio() {
      return (double) wallMillis / idealMillis;
    }

    String line() {
      return String.format("%-22s wall %6d ms = %5.2fx ideal, process CPU %6d ms; platform threads: peak %4d, "
          + "max live %4d, live after %4d%n    at max live: %s", label, wallMillis, ratio(), cpuMillis, peakThreads,
          maxLive, liveAfter, byName);
    }
  }
}
