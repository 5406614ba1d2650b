package dev.zen.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.zen.ZenExecutors;
import dev.zen.gateway.GatewayResilience;
import dev.zen.gateway.ModelFanOut;
import dev.zen.gateway.ModelOutcome;
import dev.zen.gateway.langchain4j.OpenAiCompatibleGateway;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.fake.openai.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Load harness for issue 3's model gateways, against {@link FakeOpenAiServer}.
 *
 * <ol>
 *   <li><b>1,000 concurrent completions</b>, 300 ms server latency each: wall time / 300 ms, peak
 *       platform threads ({@link ThreadMXBean#getPeakThreadCount()} after a reset), client CPU per
 *       call. Subjects: {@code zen}, {@link OpenAiCompatibleGateway#complete} on the default
 *       runtime executor (virtual threads on JDK 21+, a platform pool on 17);
 *       {@code zen-resilient}, the same behind {@link GatewayResilience} (retry, timeout, a
 *       bulkhead as wide as the load); and the baseline {@code raw-langchain4j}, the raw
 *       dependency: langchain4j's {@code OpenAiChatModel.chat} (its own JDK HTTP client) on a pool
 *       of 1,000 platform threads, one per concurrent call.
 *   <li><b>Fan-out to 5 models</b> ({@code fan-out}) with latencies 200, 400, 600, 800 and
 *       1,000 ms through {@link ModelFanOut}: wall time against the slowest model (1,000 ms); the
 *       same five calls one after another for comparison (3,000 ms ideal).
 * </ol>
 *
 * <p>The fake server and every subject run in their own JVMs (children of this one, same JDK and
 * class path), so threads and CPU are the subject's alone; a discarded first run warms the server.
 * Each subject warms up with 3 rounds and reports the median of {@code rounds} rounds.
 *
 * <p>Run (from the repository root), on the default JDK 17 and on JDK 25:
 * <pre>
 * ./mvnw -q -o package -pl zen-benchmarks -am -DskipTests
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.GatewayLoadHarness
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.GatewayLoadHarness
 * </pre>
 * Optional arguments: {@code calls rounds latencyMillis} (defaults {@code 1000 7 300}).
 */
public final class GatewayLoadHarness {
  private static final String SERVE = "--serve";
  private static final String SUBJECT = "--subject";
  private static final List<Integer> FAN_OUT_LATENCIES = List.of(200, 400, 600, 800, 1000);
  private static final int WARM_UP_ROUNDS = 3;
  private static final List<String> SUBJECTS = List.of("zen", "zen-resilient", "raw-langchain4j", "fan-out");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final OperatingSystemMXBean cpu = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private GatewayLoadHarness() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(SERVE)) {
      serve(Integer.parseInt(args[1]));
      return;
    }
    if (args.length > 0 && args[0].equals(SUBJECT)) {
      new GatewayLoadHarness().subject(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Integer.parseInt(args[5]));
      System.exit(0);
    }
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int latency = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    orchestrate(calls, rounds, latency);
  }

  // ---------------------------------------------------------------------------------------------
  // The parent: starts the server, runs each subject in turn, prints the ratios.

  private static void orchestrate(int calls, int rounds, int latency) throws Exception {
    report("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, virtual threads: "
        + ZenExecutors.virtualThreadsAvailable() + "; " + calls + " calls, " + rounds + " rounds, latency "
        + latency + " ms");
    Process server = child(SERVE, Integer.toString(latency));
    try {
      BufferedReader serverOut = reader(server);
      String baseUrl = null;
      for (String line; (line = serverOut.readLine()) != null; ) {
        if (line.startsWith("PORT ")) {
          baseUrl = "http://127.0.0.1:" + line.substring(5).trim() + "/v1";
          break;
        }
      }
      if (baseUrl == null) {
        throw new IOException("the fake server process exited before printing its port");
      }
      // The server JVM warms up too: the first subject would otherwise pay for its JIT.
      Process warmUp = child(SUBJECT, "zen", baseUrl, Integer.toString(calls), "1", Integer.toString(latency));
      reader(warmUp).lines().forEach(line -> { });
      warmUp.waitFor();
      Map<String, double[]> results = new LinkedHashMap<>();
      for (String subject : SUBJECTS) {
        Process run = child(SUBJECT, subject, baseUrl, Integer.toString(calls), Integer.toString(rounds),
            Integer.toString(latency));
        BufferedReader out = reader(run);
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("MEASURE ")) {
            String[] parts = line.split(" ");
            results.put(parts[1], new double[] {Double.parseDouble(parts[2]), Double.parseDouble(parts[3]),
                Double.parseDouble(parts[4])});
          } else if (line.startsWith("RESULT")) {
            report(line);
          }
        }
        if (run.waitFor() != 0) {
          throw new IllegalStateException("subject " + subject + " failed with exit code " + run.exitValue());
        }
      }
      double[] zen = results.get("zen");
      double[] raw = results.get("raw-langchain4j");
      double[] resilient = results.get("zen-resilient");
      report(String.format(Locale.ROOT, "RESULT zen / raw langchain4j: wall %.2f, peak platform threads %.2f, "
          + "CPU per call %.2f", zen[0] / raw[0], zen[1] / raw[1], zen[2] / raw[2]));
      report(String.format(Locale.ROOT, "RESULT zen-resilient / zen: wall %.2f, peak platform threads %.2f, "
          + "CPU per call %.2f", resilient[0] / zen[0], resilient[1] / zen[1], resilient[2] / zen[2]));
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static Process child(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), GatewayLoadHarness.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static BufferedReader reader(Process process) {
    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The server child: a fake server with the latencies the parent asks for, until stdin closes. */
  private static void serve(int latencyMillis) throws IOException {
    FakeOpenAiServer.Builder builder = FakeOpenAiServer.builder()
        .reply("", "A short canned answer for the load test.")
        .latency("load", Duration.ofMillis(latencyMillis));
    for (int fanOut : FAN_OUT_LATENCIES) {
      builder.latency("fan-" + fanOut, Duration.ofMillis(fanOut));
    }
    try (FakeOpenAiServer server = builder.start()) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // the parent closes stdin when it is done
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A subject child.

  private void subject(String name, String baseUrl, int calls, int rounds, int latency) {
    switch (name) {
      case "zen" -> {
        try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(baseUrl).build()) {
          completions(name, calls, rounds, latency,
              i -> gateway.complete(ChatRequest.of("load", "call " + i)));
        }
      }
      case "zen-resilient" -> {
        try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(baseUrl).build()) {
          ModelGateway resilient = GatewayResilience.builder().maxConcurrentCalls(calls).build().applyTo(gateway);
          completions(name, calls, rounds, latency,
              i -> resilient.complete(ChatRequest.of("load", "call " + i)));
        }
      }
      case "raw-langchain4j" -> {
        OpenAiChatModel raw = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("unused").modelName("load")
            .maxRetries(0).build();
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(calls);
        pool.prestartAllCoreThreads();
        try {
          completions(name, calls, rounds, latency,
              i -> CompletableFuture.supplyAsync(() -> raw.chat("call " + i), pool));
        } finally {
          pool.shutdownNow();
        }
      }
      case "fan-out" -> fanOut(baseUrl, rounds);
      default -> throw new IllegalArgumentException("unknown subject " + name);
    }
  }

  private void completions(String name, int calls, int rounds, int latency, IntFunction<CompletableFuture<?>> call) {
    Runnable round = () -> {
      List<CompletableFuture<?>> futures = new ArrayList<>(calls);
      for (int i = 0; i < calls; i++) {
        futures.add(call.apply(i));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    };
    int idleThreads = threads.getThreadCount();
    Measurement median = measureRounds(rounds, calls, round);
    System.out.printf(Locale.ROOT, "MEASURE %s %d %d %.1f%n", name, median.wallMillis, median.peakThreads,
        median.cpuMicrosPerCall);
    report(String.format(Locale.ROOT, "RESULT %d completions, %-16s %s = %.2fx ideal (%d ms); %d threads before the"
        + " first round", calls, name + ":", median, (double) median.wallMillis / latency, latency, idleThreads));
  }

  private void fanOut(String baseUrl, int rounds) {
    List<String> models = FAN_OUT_LATENCIES.stream().map(latency -> "fan-" + latency).toList();
    int slowest = FAN_OUT_LATENCIES.get(FAN_OUT_LATENCIES.size() - 1);
    int sequentialIdeal = FAN_OUT_LATENCIES.stream().mapToInt(Integer::intValue).sum();
    try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(baseUrl).build()) {
      Measurement parallel = measureRounds(rounds, models.size(), () -> {
        List<ModelOutcome> outcomes = ModelFanOut.ask(gateway, models, List.of(ChatMessage.user("same question")))
            .join();
        if (outcomes.stream().anyMatch(outcome -> outcome instanceof ModelOutcome.Failed)) {
          throw new IllegalStateException("a fan-out call failed: " + outcomes);
        }
      });
      report(String.format(Locale.ROOT, "RESULT fan-out to %d models: %s = %.3fx slowest (%d ms), +%d ms",
          models.size(), parallel, (double) parallel.wallMillis / slowest, slowest, parallel.wallMillis - slowest));
      Measurement sequential = measureRounds(Math.max(1, rounds / 2), models.size(), () -> {
        for (String model : models) {
          gateway.complete(ChatRequest.of(model, "same question")).join();
        }
      });
      report(String.format(Locale.ROOT, "RESULT the same 5 calls one after another: %s = %.3fx the sequential ideal"
          + " (%d ms); fan-out / sequential = %.3f", sequential, (double) sequential.wallMillis / sequentialIdeal,
          sequentialIdeal, (double) parallel.wallMillis / sequential.wallMillis));
    }
  }

  private Measurement measureRounds(int rounds, int calls, Runnable round) {
    for (int i = 0; i < WARM_UP_ROUNDS; i++) {
      round.run();
    }
    List<Measurement> measured = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      threads.resetPeakThreadCount();
      long cpuBefore = cpu.getProcessCpuTime();
      long start = System.nanoTime();
      round.run();
      long wall = System.nanoTime() - start;
      long cpuUsed = cpu.getProcessCpuTime() - cpuBefore;
      measured.add(new Measurement(TimeUnit.NANOSECONDS.toMillis(wall), threads.getPeakThreadCount(),
          cpuUsed / 1000.0 / calls));
    }
    measured.sort(Comparator.comparingLong(Measurement::wallMillis));
    return measured.get(measured.size() / 2);
  }

  private static void report(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** One round: wall time, peak live platform threads, client CPU per call. */
  private record Measurement(long wallMillis, int peakThreads, double cpuMicrosPerCall) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "wall %5d ms, peak platform threads %4d, client CPU %6.0f us/call",
          wallMillis, peakThreads, cpuMicrosPerCall);
    }
  }
}
