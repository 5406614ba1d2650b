package dev.zen.benchmarks.ssh;

import dev.zen.executor.ssh.SshExecutor;
import dev.zen.executor.ssh.SshOptions;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import dev.zen.testkit.SshdProcess;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * 100 concurrent {@code echo} commands on one host through the SSH executor, against a real
 * OpenSSH server on loopback ({@code MaxSessions 10}, started through the testkit), compared in
 * the same process with one command alone and with the same 100 commands one after another.
 * Threads: the JVM's live and peak thread counts around the concurrent bursts (MINA's I/O pool
 * has a fixed size; a thread per command would add 100).
 *
 * <p>Run: {@code java -cp zen-benchmarks/target/zen-benchmarks.jar
 * dev.zen.benchmarks.ssh.SshExecutorHarness [rounds]} (default 7 rounds; medians are printed).
 * Needs Debian's openssh-server ({@code apt-get install openssh-server}).
 */
public final class SshExecutorHarness {
  private static final int COMMANDS = 100;

  private SshExecutorHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    String loadBefore = load();
    try (SshdProcess sshd = SshdProcess.builder().maxSessions(10).start();
         SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(sshd.clientKey())
             .knownHosts(sshd.knownHosts()).noSshConfig().build())) {
      RemoteExecutor host = ssh.forHost(sshd.target());
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();

      // Cold: the first burst also opens and authenticates the 10 connections it needs.
      long coldStart = System.nanoTime();
      burst(host);
      double coldMs = millis(System.nanoTime() - coldStart);

      double[] single = new double[rounds];
      double[] concurrent = new double[rounds];
      double[] sequential = new double[rounds];
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long burstCpu = 0;
      int liveBefore = threads.getThreadCount();
      threads.resetPeakThreadCount();
      for (int round = 0; round < rounds; round++) {
        // Interleaved, so the three see the same machine load.
        long start = System.nanoTime();
        run(host);
        single[round] = millis(System.nanoTime() - start);

        start = System.nanoTime();
        long cpu = os.getProcessCpuTime();
        burst(host);
        concurrent[round] = millis(System.nanoTime() - start);
        burstCpu += os.getProcessCpuTime() - cpu;

        start = System.nanoTime();
        for (int i = 0; i < COMMANDS; i++) {
          run(host);
        }
        sequential[round] = millis(System.nanoTime() - start);
      }
      int peak = threads.getPeakThreadCount();
      double one = median(single);
      double hundred = median(concurrent);
      double oneByOne = median(sequential);
      System.out.println("OpenSSH: " + sshd.version() + "; JDK: " + System.getProperty("java.vm.name") + " "
          + System.getProperty("java.version") + "; cores: " + Runtime.getRuntime().availableProcessors()
          + "; load average before: " + loadBefore + ", after: " + load() + "; rounds: " + rounds);
      System.out.println("| measure (median of " + rounds + ") | ms | × one command |");
      System.out.println("| --- | ---: | ---: |");
      row("one `echo` alone (warm connection)", one, one);
      row(COMMANDS + " `echo` at once (warm connections)", hundred, one);
      row(COMMANDS + " `echo` one after another", oneByOne, one);
      row("first burst of " + COMMANDS + " (opens the 10 connections)", coldMs, one);
      System.out.println();
      System.out.println("threads: live " + liveBefore + " before the timed rounds, peak " + peak
          + " during them (+" + (peak - liveBefore) + " for " + COMMANDS + " commands at once)");
      System.out.println("connections to the server after the bursts: " + sshd.connectionCount());
      System.out.println(String.format(Locale.ROOT, "client (this JVM) CPU per command in the bursts: %.2f ms; "
          + "wall time per command in a burst: %.2f ms on %d cores", millis(burstCpu) / rounds / COMMANDS,
          hundred / COMMANDS, Runtime.getRuntime().availableProcessors()));
    }
  }

  private static void run(RemoteExecutor host) {
    CommandResult result = host.execute(CommandSpec.builder("echo", "hi").build()).join();
    if (!result.stdout().equals("hi\n")) {
      throw new IllegalStateException("unexpected output: " + result);
    }
  }

  private static void burst(RemoteExecutor host) {
    List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
    for (int i = 0; i < COMMANDS; i++) {
      futures.add(host.execute(CommandSpec.builder("echo", "hi").build()));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).join();
    for (CompletableFuture<CommandResult> future : futures) {
      if (!future.join().stdout().equals("hi\n")) {
        throw new IllegalStateException("unexpected output: " + future.join());
      }
    }
  }

  private static void row(String what, double ms, double one) {
    System.out.println(String.format(Locale.ROOT, "| %s | %.1f | %.2f |", what, ms, ms / one));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}
