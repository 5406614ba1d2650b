package dev.zen.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.zen.ZenExecutors;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link GraphStepBenchmark}'s four graphs ({@code zen}, {@code zen-inline}, {@code zen-get}, {@code langgraph4j})
 * measured interleaved in one JVM: each round runs a short batch of each, in rotating order, and
 * the figure is the median over rounds of the per-round ratio to langgraph4j. JMH runs its
 * {@code @Param} values one after another in separate forks, so on a machine shared with other
 * builds the load can change between them and their scores are not comparable; adjacent batches
 * share the load, so their ratio is. Process CPU per step is reported next to wall time because it
 * depends less on how much of the machine other processes take.
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -q -o package -pl zen-benchmarks -am -DskipTests
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.GraphStepInterleaved
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.GraphStepInterleaved
 * </pre>
 * Optional arguments: {@code runsPerBatch rounds warmupRounds} (defaults {@code 1000 20 10}; process CPU time is counted in ticks of about 10 ms, so a batch of 1,000 runs resolves 2 µs per step).
 */
public final class GraphStepInterleaved {
  private static final String BASELINE = "langgraph4j";

  private GraphStepInterleaved() {}

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    if (batch < 1 || rounds < 1 || warmups < 0) {
      throw new IllegalArgumentException("usage: GraphStepInterleaved [runsPerBatch>=1 [rounds>=1 [warmupRounds>=0]]]");
    }
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, GraphStepBenchmark.LinearGraph> graphs = new LinkedHashMap<>();
    graphs.put("zen", new GraphStepBenchmark.ZenLinear(ZenExecutors.defaultRuntime()));
    graphs.put("zen-inline", new GraphStepBenchmark.ZenLinear(new GraphStepBenchmark.CallerRunsExecutor()));
    graphs.put("zen-get", new GraphStepBenchmark.ZenLinear(ZenExecutors.defaultRuntime(), false));
    graphs.put(BASELINE, new GraphStepBenchmark.LangGraphLinear());
    for (GraphStepBenchmark.LinearGraph graph : graphs.values()) {
      graph.verify(graph.run("verify"));
    }
    List<String> names = new ArrayList<>(graphs.keySet());
    Map<String, double[]> wall = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    names.forEach(name -> {
      wall.put(name, new double[rounds]);
      cpu.put(name, new double[rounds]);
    });
    report("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, virtual threads in Zen's runtime: "
        + ZenExecutors.virtualThreadsAvailable() + "; " + warmups + " warm-up + " + rounds + " measured rounds of "
        + batch + " runs (" + GraphStepBenchmark.STEPS + " steps each) per graph");
    long thread = 0;
    for (int round = -warmups; round < rounds; round++) {
      // Rotate the order so no graph always runs right after the same neighbour (GC, JIT, load).
      int shift = Math.floorMod(round, names.size());
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((i + shift) % names.size());
        GraphStepBenchmark.LinearGraph graph = graphs.get(name);
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int run = 0; run < batch; run++) {
          graph.run("interleaved-" + thread++);
        }
        long wallNanos = System.nanoTime() - start;
        long cpuNanos = os.getProcessCpuTime() - cpuStart;
        if (round >= 0) {
          double steps = (double) batch * GraphStepBenchmark.STEPS;
          wall.get(name)[round] = wallNanos / 1e3 / steps;
          cpu.get(name)[round] = cpuNanos / 1e3 / steps;
        }
      }
    }
    for (String name : names) {
      report(String.format("%-12s wall/step median %7.1f us (min %6.1f)   CPU/step median %7.1f us   "
              + "wall ratio to %s: median %.2f (IQR %.2f-%.2f)   CPU ratio: median %.2f",
          name, median(wall.get(name)), Arrays.stream(wall.get(name)).min().orElse(0), median(cpu.get(name)), BASELINE,
          median(ratios(wall, name)), quartile(ratios(wall, name), 1), quartile(ratios(wall, name), 3),
          median(ratios(cpu, name))));
    }
    graphs.values().forEach(GraphStepBenchmark.LinearGraph::close);
    // Nothing is left to wait for; exit even if a library left a non-daemon thread behind.
    System.exit(0);
  }

  private static double[] ratios(Map<String, double[]> perRound, String name) {
    double[] own = perRound.get(name);
    double[] base = perRound.get(BASELINE);
    double[] ratios = new double[own.length];
    for (int i = 0; i < own.length; i++) {
      ratios[i] = own[i] / base[i];
    }
    return ratios;
  }

  private static double median(double[] values) {
    return quartile(values, 2);
  }

  private static double quartile(double[] values, int quartile) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, quartile * sorted.length / 4)];
  }

  // The report is this program's output (like JMH's), so it goes to stdout rather than through a
  // logging backend that may be unbound or filtered.
  private static void report(String line) {
    System.out.println(line);
  }
}
