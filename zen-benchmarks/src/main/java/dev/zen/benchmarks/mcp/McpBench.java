package dev.zen.benchmarks.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures an MCP stdio server as a CLI sees it: a child process, one JSON-RPC message per line.
 * Used by {@code zen-benchmarks/scripts/mcp-startup.sh} and {@code mcp-load.sh}, which hold the
 * exact commands; run by hand as
 *
 * <pre>{@code
 * # time from process start to the initialize answer, 10 runs:
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.mcp.McpBench startup LABEL 10 \
 *     -- java -jar zen-mcp-adapter/target/zen-mcp-server.jar --demo
 * # 1000 concurrent tools/call on one session, 500 ms model latency, RSS idle and under load:
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.mcp.McpBench load LABEL 1000 500 chat \
 *     -- java -jar zen-mcp-adapter/target/zen-mcp-server.jar
 * # memory over a server's life: RSS 5 s after initialize, the peak over 5 rounds of 1000 chat calls
 * # (500 ms model latency), then each second for 60 s after the load (and when it fell under 150 MiB):
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.mcp.McpBench footprint LABEL 5 1000 500 60 \
 *     -- zen-mcp-adapter/target/zen-mcp-server
 * # the same over Streamable HTTP, spread over 50 sessions (the harness adds --http 127.0.0.1:0):
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.mcp.McpBench http-load LABEL 50 1000 500 \
 *     -- java -jar zen-mcp-adapter/target/zen-mcp-server.jar
 * }</pre>
 *
 * <p>{@code load} with tool {@code chat} starts the testkit's fake OpenAI server in this JVM with
 * the given latency and points the server at it ({@code CUSTOM_API_URL}); any other tool (the
 * bare SDK server's {@code wait}) is called with no arguments and must take the latency itself.
 * Two warm-up rounds precede three measured rounds. RSS is {@code VmRSS} from {@code /proc}.
 */
public final class McpBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private McpBench() {}

  public static void main(String[] args) throws Exception {
    int split = Arrays.asList(args).indexOf("--");
    if (split < 1) {
      throw new IllegalArgumentException("usage: startup LABEL RUNS -- COMMAND... | load LABEL CALLS LATENCY_MS TOOL -- COMMAND...");
    }
    List<String> options = List.of(args).subList(0, split);
    List<String> command = List.of(args).subList(split + 1, args.length);
    switch (options.get(0)) {
      case "startup" -> startup(options.get(1), Integer.parseInt(options.get(2)), command);
      case "train" -> train(command);
      case "load" -> load(options.get(1), Integer.parseInt(options.get(2)), Duration.ofMillis(Long.parseLong(options.get(3))),
          options.get(4), command);
      case "footprint" -> footprint(options.get(1), Integer.parseInt(options.get(2)), Integer.parseInt(options.get(3)),
          Duration.ofMillis(Long.parseLong(options.get(4))), Integer.parseInt(options.get(5)), command);
      case "http-load" -> httpLoad(options.get(1), Integer.parseInt(options.get(2)), Integer.parseInt(options.get(3)),
          Duration.ofMillis(Long.parseLong(options.get(4))), command);
      default -> throw new IllegalArgumentException("unknown mode " + options.get(0));
    }
  }

  /** Starts the server RUNS times; each time, the milliseconds from start() to the initialize answer. */
  static void startup(String label, int runs, List<String> command) throws Exception {
    List<Double> millis = new ArrayList<>();
    // A directory to empty before every run: the launcher's cache, to time its first (cold) start.
    String fresh = System.getProperty("mcp.bench.fresh");
    for (int run = 0; run < runs; run++) {
      if (fresh != null) {
        deleteRecursively(Path.of(fresh));
      }
      long start = System.nanoTime();
      Server server = Server.start(command, Map.of());
      server.send(initialize(1));
      server.await(1);
      millis.add((System.nanoTime() - start) / 1e6);
      server.stop();
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(Locale.ROOT, "startup %-34s runs=%d min=%.0f ms median=%.0f ms max=%.0f ms%n", label, runs,
        sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** A training run for a CDS/AOT archive: initialize, list, call version, then end by closing stdin. */
  static void train(List<String> command) throws Exception {
    Server server = Server.start(command, Map.of());
    server.send(initialize(1));
    server.await(1);
    server.send(notification("notifications/initialized"));
    server.send(request(2, "tools/list", null));
    server.await(2);
    // The bare server answers these with "unknown tool"; that is fine for training.
    server.send(call(3, "version", JSON.createObjectNode()));
    server.await(3);
    server.send(call(4, "chat", JSON.createObjectNode().put("prompt", "training run")));
    server.await(4);
    server.closeStdin();
    // Zen's server exits when stdin closes; the bare SDK server needs SIGTERM. Both write their
    // archive on the way out.
    if (!server.process.waitFor(10, TimeUnit.SECONDS)) {
      server.stop();
    }
    System.out.println("train: exit " + server.process.exitValue());
  }

  static void load(String label, int calls, Duration latency, String tool, List<String> command) throws Exception {
    FakeOpenAiServer fake = null;
    Map<String, String> env = Map.of("ZEN_BENCH_TOOL_LATENCY_MS", String.valueOf(latency.toMillis()));
    if (tool.equals("chat")) {
      // A model endpoint in its own process (the script's FakeModelServer) keeps its CPU out of
      // the harness's; without one, the fake runs here.
      String modelUrl = System.getProperty("mcp.bench.model.url");
      if (modelUrl == null) {
        fake = FakeOpenAiServer.builder().latency(latency).start();
        modelUrl = fake.baseUrl();
      }
      env = Map.of("CUSTOM_API_URL", modelUrl, "ZEN_MAX_CONCURRENT_CALLS", String.valueOf(2 * calls),
          "LOG_LEVEL", "warning");
    }
    Server server = Server.start(command, env);
    try {
      server.send(initialize(0));
      server.await(0);
      server.send(notification("notifications/initialized"));
      AtomicLong ids = new AtomicLong(1);
      for (int round = 0; round < 2; round++) {
        Round warmUp = round(server, ids, calls, tool);
        if (warmUp.lost > 0) {
          System.out.printf(Locale.ROOT, "load %-30s %d x %s, latency %d ms: the session broke in warm-up round %d: "
              + "%d of %d calls never answered within %d s%n", label, calls, tool, latency.toMillis(), round + 1,
              warmUp.lost, calls, ROUND_DEADLINE.toSeconds());
          return;
        }
      }
      // Let the warm-up's garbage and threads settle before the idle figure.
      CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS)).join();
      long idleRss = server.rssKb();
      long idleThreads = server.threads();
      List<String> rounds = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      long peakRss = 0;
      long peakThreads = 0;
      double best = Double.MAX_VALUE;
      long cpuBefore = server.cpuTicks();
      long jitBefore = server.compilerTicks();
      long gcBefore = server.collectorTicks();
      for (int round = 0; round < 3; round++) {
        AtomicLong peak = new AtomicLong();
        AtomicLong threads = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
          peak.accumulateAndGet(server.rssKb(), Math::max);
          threads.accumulateAndGet(server.threads(), Math::max);
        }, 0, 20, TimeUnit.MILLISECONDS);
        Round result = round(server, ids, calls, tool);
        sampler.shutdownNow();
        peakRss = Math.max(peakRss, peak.get());
        peakThreads = Math.max(peakThreads, threads.get());
        double ratio = result.wallMillis / latency.toMillis();
        best = Math.min(best, ratio);
        ratios.add(ratio);
        rounds.add(String.format(Locale.ROOT, "%.0f ms (%.2f, %d errors%s)", result.wallMillis, ratio, result.errors,
            result.lost == 0 ? "" : ", " + result.lost + " never answered"));
        if (result.lost > 0) {
          break;
        }
      }
      double cpuMsPerCall = (server.cpuTicks() - cpuBefore) * 10.0 / (3.0 * calls);
      double jitMsPerCall = (server.compilerTicks() - jitBefore) * 10.0 / (3.0 * calls);
      double gcMsPerCall = (server.collectorTicks() - gcBefore) * 10.0 / (3.0 * calls);
      // Last, after five bursts: the JIT compiler is then mostly done (after two, its threads were
      // still the server's largest CPU user, and more so for a larger code base).
      Steady steady = STEADY_SECONDS > 0 ? steady(server, ids, tool, STEADY_CONCURRENCY, Duration.ofSeconds(STEADY_SECONDS))
          : null;
      System.out.printf(Locale.ROOT, "load %-30s %d x %s, latency %d ms: rounds %s; best wall/latency %.2f; "
              + "RSS idle %d MiB, peak %d MiB; server CPU %.2f ms/call (JIT compiler threads %.2f, GC %.2f)%s; "
              + "threads idle %d, peak %d%n", label, calls, tool, latency.toMillis(), rounds, best, idleRss / 1024,
          peakRss / 1024, cpuMsPerCall, jitMsPerCall, gcMsPerCall,
          steady == null ? "" : String.format(Locale.ROOT, " (steady: %.3f ms/call, JIT %.3f, GC %.3f, over %d calls "
              + "at %d in flight, %d errors)", steady.cpuMsPerCall, steady.jitMsPerCall, steady.gcMsPerCall,
              steady.calls, STEADY_CONCURRENCY, steady.errors), idleThreads, peakThreads);
      Collections.sort(ratios);
      // One line for scripts to compare servers by (floor-vs-zen.sh).
      System.out.printf(Locale.ROOT, "result label=%s steady_cpu_ms=%.3f burst_cpu_ms=%.3f best=%.3f median=%.3f "
              + "peak_threads=%d idle_threads=%d rss_peak_mib=%d steady_jit_ms=%.3f burst_jit_ms=%.3f "
              + "steady_gc_ms=%.3f burst_gc_ms=%.3f%n",
          label.replace(' ', '_'), steady == null ? Double.NaN : steady.cpuMsPerCall, cpuMsPerCall, best,
          ratios.get(ratios.size() / 2), peakThreads, idleThreads, peakRss / 1024,
          steady == null ? Double.NaN : steady.jitMsPerCall, jitMsPerCall,
          steady == null ? Double.NaN : steady.gcMsPerCall, gcMsPerCall);
    } finally {
      server.stop();
      if (fake != null) {
        fake.close();
      }
    }
  }

  /** RSS below which a server counts as idle again: issue 14's target. */
  private static final long IDLE_TARGET_KB = 150 * 1024;

  /**
   * Memory over a server's life, as a CLI's server lives it: RSS 5 s after {@code initialize}
   * (idle), the peak over {@code rounds} rounds of {@code calls} concurrent {@code chat} calls
   * against the fake endpoint with {@code latency}, then RSS each second for {@code afterSeconds}
   * after the load: the last value, and when it first fell under 150 MiB. Also the process's
   * threads at the peak and after, its CPU per call, and the best round's wall time / latency.
   */
  static void footprint(String label, int rounds, int calls, Duration latency, int afterSeconds, List<String> command)
      throws Exception {
    FakeOpenAiServer fake = FakeOpenAiServer.builder().latency(latency).start();
    Map<String, String> env = Map.of("CUSTOM_API_URL", fake.baseUrl(), "ZEN_MAX_CONCURRENT_CALLS",
        String.valueOf(2 * calls), "LOG_LEVEL", "warning");
    Server server = Server.start(command, env);
    try {
      server.send(initialize(0));
      server.await(0);
      server.send(notification("notifications/initialized"));
      Thread.sleep(5_000);
      long idleRss = server.rssKb();
      AtomicLong peak = new AtomicLong();
      AtomicLong peakThreads = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> {
        peak.accumulateAndGet(server.rssKb(), Math::max);
        peakThreads.accumulateAndGet(server.threads(), Math::max);
      }, 0, 20, TimeUnit.MILLISECONDS);
      AtomicLong ids = new AtomicLong(1);
      long cpuBefore = server.cpuTicks();
      double best = Double.MAX_VALUE;
      int errors = 0;
      int lost = 0;
      for (int round = 0; round < rounds; round++) {
        Round result = round(server, ids, calls, "chat");
        best = Math.min(best, result.wallMillis / latency.toMillis());
        errors += result.errors;
        lost += result.lost;
        if (result.lost > 0) {
          break;
        }
      }
      sampler.shutdownNow();
      double cpuMsPerCall = (server.cpuTicks() - cpuBefore) * 10.0 / ((double) rounds * calls);
      long after = 0;
      int underTargetAt = -1;
      for (int second = 1; second <= afterSeconds; second++) {
        Thread.sleep(1_000);
        after = server.rssKb();
        if (Boolean.getBoolean("mcp.bench.trace")) {
          System.out.printf(Locale.ROOT, "  +%d s: RSS %d MiB, %d threads%n", second, after / 1024, server.threads());
        }
        if (underTargetAt < 0 && after <= IDLE_TARGET_KB) {
          underTargetAt = second;
        }
      }
      System.out.printf(Locale.ROOT, "footprint %-34s RSS idle %d MiB, peak %d MiB (%d threads), %d s after %d MiB "
              + "(%d threads; under 150 MiB %s); %d x %d chat at %d ms: best wall/latency %.2f, %d errors, %d lost; "
              + "server CPU %.2f ms/call%n", label, idleRss / 1024, peak.get() / 1024, peakThreads.get(), afterSeconds,
          after / 1024, server.threads(), underTargetAt < 0 ? "never" : "after " + underTargetAt + " s", rounds, calls,
          latency.toMillis(), best, errors, lost, cpuMsPerCall);
    } finally {
      server.stop();
      fake.close();
    }
  }

  /**
   * {@code calls} concurrent {@code chat} calls over Streamable HTTP, spread round-robin over
   * {@code sessions} MCP sessions (each POST answered as SSE), against the fake endpoint with
   * {@code latency}; the same rounds and figures as {@link #load}. The server gets
   * {@code --http 127.0.0.1:0} and per-user limits high enough not to refuse the load.
   */
  static void httpLoad(String label, int sessions, int calls, Duration latency, List<String> command) throws Exception {
    FakeOpenAiServer fake = FakeOpenAiServer.builder().latency(latency).start();
    Path stderr = Files.createTempFile("mcp-bench-http", ".stderr");
    List<String> withHttp = new ArrayList<>(command);
    withHttp.addAll(List.of("--http", "127.0.0.1:0"));
    ProcessBuilder builder = new ProcessBuilder(withHttp);
    builder.environment().putAll(Map.of("CUSTOM_API_URL", fake.baseUrl(), "ZEN_MAX_CONCURRENT_CALLS",
        String.valueOf(2 * calls), "LOG_LEVEL", "warning", "ZEN_HTTP_MAX_CONCURRENT_CALLS", String.valueOf(2 * calls),
        "ZEN_HTTP_CALLS_PER_MINUTE", "1000000"));
    builder.redirectError(stderr.toFile());
    Server server = new Server(builder.start());
    java.util.concurrent.ExecutorService clientThreads = Executors.newFixedThreadPool(4);
    try {
      java.net.URI uri = awaitListening(server.process, stderr);
      java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        java.net.http.HttpResponse<String> init = http.send(post(uri, null, initialize(0)),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new IllegalStateException(
            "initialize answered " + init.statusCode() + ": " + init.body()));
        http.send(post(uri, session, notification("notifications/initialized")),
            java.net.http.HttpResponse.BodyHandlers.discarding());
        ids.add(session);
      }
      AtomicLong next = new AtomicLong(1);
      for (int round = 0; round < 2; round++) {
        httpRound(http, uri, ids, calls, next);
      }
      CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS)).join();
      long idleRss = server.rssKb();
      List<String> rounds = new ArrayList<>();
      long peakRss = 0;
      double best = Double.MAX_VALUE;
      long cpuBefore = server.cpuTicks();
      for (int round = 0; round < 3; round++) {
        AtomicLong peak = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(server.rssKb(), Math::max), 0, 20, TimeUnit.MILLISECONDS);
        Round result = httpRound(http, uri, ids, calls, next);
        sampler.shutdownNow();
        peakRss = Math.max(peakRss, peak.get());
        double ratio = result.wallMillis / latency.toMillis();
        best = Math.min(best, ratio);
        rounds.add(String.format(Locale.ROOT, "%.0f ms (%.2f, %d errors%s)", result.wallMillis, ratio, result.errors,
            result.lost == 0 ? "" : ", " + result.lost + " never answered"));
      }
      double cpuMsPerCall = (server.cpuTicks() - cpuBefore) * 10.0 / (3.0 * calls);
      System.out.printf(Locale.ROOT, "http %-30s %d x chat over %d sessions, latency %d ms: rounds %s; best wall/latency "
              + "%.2f; RSS idle %d MiB, peak %d MiB; server CPU %.2f ms/call%n", label, calls, sessions,
          latency.toMillis(), rounds, best, idleRss / 1024, peakRss / 1024, cpuMsPerCall);
    } finally {
      server.stop();
      clientThreads.shutdownNow();
      fake.close();
      Files.deleteIfExists(stderr);
    }
  }

  private static Round httpRound(java.net.http.HttpClient http, java.net.URI uri, List<String> sessions, int calls,
      AtomicLong ids) {
    long start = System.nanoTime();
    List<CompletableFuture<java.net.http.HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      long id = ids.incrementAndGet();
      ObjectNode arguments = JSON.createObjectNode().put("prompt", "Question " + id + ": is this design sound?");
      sent.add(http.sendAsync(post(uri, sessions.get(i % sessions.size()), call(id, "chat", arguments)),
          java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    int errors = 0;
    int lost = 0;
    long deadline = start + ROUND_DEADLINE.toNanos();
    long last = start;
    for (CompletableFuture<java.net.http.HttpResponse<String>> response : sent) {
      try {
        java.net.http.HttpResponse<String> answer = response.get(Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
        last = System.nanoTime();
        String body = answer.body();
        if (answer.statusCode() != 200 || !body.contains("\"result\"") || body.contains("\"isError\":true")) {
          errors++;
        }
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        lost++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new Round((last - start) / 1e6, errors, lost);
  }

  private static java.net.http.HttpRequest post(java.net.URI uri, String session, JsonNode message) {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri)
        .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(120))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(message.toString()));
    if (session != null) {
      request.header("Mcp-Session-Id", session);
    }
    return request.build();
  }

  private static java.net.URI awaitListening(Process process, Path stderr) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on (http://\\S+)");
    while (System.nanoTime() < deadline && process.isAlive()) {
      java.util.regex.Matcher matcher = listening.matcher(Files.readString(stderr));
      if (matcher.find()) {
        return java.net.URI.create(matcher.group(1));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the server did not listen: " + Files.readString(stderr));
  }

  /** Length of the steady phase before the measured rounds of {@code load} (0 skips it). */
  private static final int STEADY_SECONDS = Integer.getInteger("mcp.bench.steady.seconds", 0);
  /** Calls kept in flight during the steady phase. */
  private static final int STEADY_CONCURRENCY = Integer.getInteger("mcp.bench.steady.concurrency", 50);

  /**
   * Server CPU per call in the steady phase (all of it, the JIT compiler threads' part and the
   * garbage collector's), the calls answered and how many of them were errors.
   */
  private record Steady(double cpuMsPerCall, double jitMsPerCall, double gcMsPerCall, int calls, int errors) {}

  /**
   * Keeps {@code concurrency} calls in flight for {@code duration} (each answer sends the next
   * call), then waits for the last ones: the server's CPU per call at a steady rate, without the
   * start-up of a 1,000-call burst.
   */
  private static Steady steady(Server server, AtomicLong ids, String tool, int concurrency, Duration duration)
      throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    java.util.concurrent.CountDownLatch lanes = new java.util.concurrent.CountDownLatch(concurrency);
    long cpuBefore = server.cpuTicks();
    long jitBefore = server.compilerTicks();
    long gcBefore = server.collectorTicks();
    for (int lane = 0; lane < concurrency; lane++) {
      server.sender.execute(() -> lane(server, ids, tool, end, answered, errors, lanes));
    }
    if (!lanes.await(duration.toSeconds() + ROUND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the steady phase did not finish: " + lanes.getCount() + " calls unanswered");
    }
    long ticks = server.cpuTicks() - cpuBefore;
    long jitTicks = server.compilerTicks() - jitBefore;
    long gcTicks = server.collectorTicks() - gcBefore;
    int calls = Math.max(1, answered.get());
    return new Steady(ticks * 10.0 / calls, jitTicks * 10.0 / calls, gcTicks * 10.0 / calls, answered.get(),
        errors.get());
  }

  private static void lane(Server server, AtomicLong ids, String tool, long end, AtomicInteger answered,
      AtomicInteger errors, java.util.concurrent.CountDownLatch lanes) {
    long id = ids.incrementAndGet();
    server.future(id).whenComplete((answer, failure) -> {
      server.answers.remove(id);
      answered.incrementAndGet();
      if (failure != null || answer.has("error") || answer.path("result").path("isError").asBoolean()) {
        errors.incrementAndGet();
      }
      if (System.nanoTime() < end) {
        server.sender.execute(() -> lane(server, ids, tool, end, answered, errors, lanes));
      } else {
        lanes.countDown();
      }
    });
    ObjectNode arguments = JSON.createObjectNode();
    if (tool.equals("chat")) {
      arguments.put("prompt", "Question " + id + ": is this design sound?");
    }
    try {
      server.send(call(id, tool, arguments));
    } catch (IOException e) {
      server.future(id).completeExceptionally(e);
    }
  }

  /** A round's wall time until the last answer (or the deadline), its error answers and lost calls. */
  private record Round(double wallMillis, int errors, int lost) {}

  /** How long a round may take before unanswered calls count as lost. */
  private static final Duration ROUND_DEADLINE = Duration.ofSeconds(60);

  private static Round round(Server server, AtomicLong ids, int calls, String tool) {
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      sent.add(ids.incrementAndGet());
    }
    long start = System.nanoTime();
    // Sent from another thread: a server whose session died stops reading stdin, and a write to
    // a full pipe would block this harness for good.
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      try {
        for (long id : sent) {
          ObjectNode arguments = JSON.createObjectNode();
          if (tool.equals("chat")) {
            arguments.put("prompt", "Question " + id + ": is this design sound?");
          }
          server.send(call(id, tool, arguments));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, server.sender);
    int errors = 0;
    int lost = 0;
    long deadline = start + ROUND_DEADLINE.toNanos();
    long last = start;
    for (long id : sent) {
      JsonNode answer;
      try {
        answer = server.future(id).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        last = System.nanoTime();
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        lost++;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (answer.has("error") || answer.path("result").path("isError").asBoolean()) {
        errors++;
      }
    }
    if (!sending.isDone()) {
      lost = Math.max(lost, 1);
    }
    return new Round((last - start) / 1e6, errors, lost);
  }

  private static ObjectNode initialize(long id) {
    ObjectNode params = JSON.createObjectNode().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "mcp-bench").put("version", "1");
    return request(id, "initialize", params);
  }

  /**
   * Whether each call carries a {@code progressToken} ({@code -Dmcp.bench.progress=true}): a server
   * then reports progress, and Zen streams the model's answer to do so.
   */
  private static final boolean PROGRESS = Boolean.getBoolean("mcp.bench.progress");

  private static ObjectNode call(long id, String tool, ObjectNode arguments) {
    ObjectNode params = JSON.createObjectNode().put("name", tool);
    params.set("arguments", arguments);
    if (PROGRESS) {
      params.putObject("_meta").put("progressToken", id);
    }
    return request(id, "tools/call", params);
  }

  private static ObjectNode request(long id, String method, ObjectNode params) {
    ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      request.set("params", params);
    }
    return request;
  }

  private static ObjectNode notification(String method) {
    return JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
  }

  /** The server process and the answers it wrote, by id. */
  private static final class Server {
    final Process process;
    final OutputStream stdin;
    final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    final AtomicInteger lines = new AtomicInteger();
    final java.util.concurrent.ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mcp-bench-sender");
      thread.setDaemon(true);
      return thread;
    });

    /**
     * The ticks of the JVM's own threads at their last reading, by thread id, and each kind's sum
     * since the start (see {@link #readJvmThreads}).
     */
    private final Map<String, Long> jvmThreads = new java.util.HashMap<>();
    private long compilerTicks;
    private long collectorTicks;
    private final ScheduledExecutorService jvmThreadReader = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mcp-bench-jvm-thread-reader");
      thread.setDaemon(true);
      return thread;
    });

    private Server(Process process) {
      this.process = process;
      jvmThreadReader.scheduleAtFixedRate(this::readJvmThreads, 0, 50, TimeUnit.MILLISECONDS);
      this.stdin = process.getOutputStream();
      Thread reader = new Thread(this::read, "mcp-bench-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Server start(List<String> command, Map<String, String> env) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      builder.redirectError(new File(System.getProperty("mcp.bench.stderr", "/dev/null")));
      return new Server(builder.start());
    }

    private void read() {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.incrementAndGet();
          JsonNode node = JSON.readTree(line);
          if (node.has("id") && node.get("id").canConvertToLong() && !node.has("method")) {
            future(node.get("id").asLong()).complete(node);
          }
        }
      } catch (IOException e) {
        answers.values().forEach(future -> future.completeExceptionally(e));
      }
    }

    CompletableFuture<JsonNode> future(long id) {
      return answers.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    synchronized void send(JsonNode message) throws IOException {
      stdin.write((message + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    JsonNode await(long id) {
      return future(id).orTimeout(300, TimeUnit.SECONDS).join();
    }

    void closeStdin() throws IOException {
      stdin.close();
    }

    long rssKb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process ended
      }
      return 0;
    }

    /** The process's threads ({@code Threads} in {@code /proc/PID/status}): platform threads only. */
    long threads() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
          if (line.startsWith("Threads:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process ended
      }
      return 0;
    }

    /** utime + stime of the process, in clock ticks (10 ms on Linux). */
    long cpuTicks() {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    /**
     * utime + stime of the JVM's JIT compiler threads (named "C1 CompilerThreadN" and "C2
     * CompilerThreadN") since the server started, in clock ticks: with the JVM's default tiered
     * compilation they were most of a server's CPU per call for minutes after start, at a rate a
     * server with less code does not pay.
     */
    synchronized long compilerTicks() {
      readJvmThreads();
      return compilerTicks;
    }

    /**
     * utime + stime of the garbage collector's threads since the server started, in clock ticks:
     * the serial collector works in the "VM Thread" (which also runs the JVM's other safepoint
     * operations, a small part beside collections), parallel and G1 in "GC Thread#N", "G1 ..." and
     * the like. Tells whether a server's CPU per call is its own code or the garbage it leaves.
     */
    synchronized long collectorTicks() {
      readJvmThreads();
      return collectorTicks;
    }

    /**
     * Adds what each compiler and collector thread used since the last reading. The JVM starts and
     * ends compiler threads as its queue grows and shrinks, and an ended thread's time is gone from
     * /proc: the threads are read every 50 ms and what each added since the last reading is summed.
     */
    private synchronized void readJvmThreads() {
      try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          try {
            String name = Files.readString(task.resolve("comm")).strip();
            boolean compiler = name.contains("CompilerThre");
            boolean collector = name.equals("VM Thread") || name.startsWith("GC Thread") || name.startsWith("G1 ")
                || name.startsWith("GC ");
            if (!compiler && !collector) {
              continue;
            }
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            Long before = jvmThreads.put(task.getFileName().toString(), ticks);
            long added = ticks - (before == null ? 0 : before);
            if (compiler) {
              compilerTicks += added;
            } else {
              collectorTicks += added;
            }
          } catch (IOException | RuntimeException threadEnded) {
            // A thread that ended between the listing and the read.
          }
        }
      } catch (IOException | RuntimeException processEnded) {
        // The last reading stands.
      }
    }

    void stop() throws InterruptedException {
      sender.shutdownNow();
      jvmThreadReader.shutdownNow();
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
