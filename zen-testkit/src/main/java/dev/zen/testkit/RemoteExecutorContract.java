package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.zen.CommandTimeoutException;
import dev.zen.InvalidRequestException;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RemoteExecutor} meets, as an abstract JUnit 5 class: extend it and
 * implement {@link #create()}.
 *
 * <pre>{@code
 * class MyExecutorTest extends RemoteExecutorContract {
 *   protected RemoteExecutor create() { return new MyExecutor(...); }
 * }
 * }</pre>
 *
 * <p>The suite drives the target host only through the executor under test (a scratch directory
 * from {@code mktemp -d}, pid files, {@code /proc} to prove a stopped process is gone), so it
 * runs unchanged against a remote host. The host needs a POSIX shell, coreutils and
 * {@code /proc} (Linux); override {@link #isAlive} for a host without {@code /proc}.
 *
 * <p>What it checks: output, exit codes and arguments reach the caller unchanged; environment,
 * working directory and stdin are applied; each stream is capped separately without stalling the
 * command; output lines reach the listener while the command runs; a timeout or a cancel stops
 * the process and its child (proved gone on the host); a command that cannot start fails as an
 * invalid request; {@link #concurrentCommands()} commands run at the same time.
 */
public abstract class RemoteExecutorContract {
  /** How long any single wait in the suite may take before the case fails. */
  protected static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Writes the shell's pid and then a child's pid to the file in $1 (renamed into place once
   * complete), and waits for the child, which sleeps long enough to outlive any test.
   */
  private static final String SHELL_WITH_CHILD =
      "echo $$ > \"$1.tmp\"; sleep 300 & echo $! >> \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; wait";

  /** Exit 0 while a pid is a live process (zombies count as gone: no code of theirs runs). */
  private static final String IS_ALIVE =
      "s=$(cat /proc/$1/stat 2>/dev/null) || exit 1; s=${s##*) }; case $s in Z*|X*) exit 1;; esac; exit 0";

  protected RemoteExecutor executor;
  /** A scratch directory on the target host, removed after each case. */
  protected String scratch;

  /** A new executor for one test case; the suite closes it after the case. */
  protected abstract RemoteExecutor create();

  /**
   * How many commands the concurrency case runs at once (each waits for all the others, so the
   * case cannot pass with fewer running). Default 25: past OpenSSH's default of 10 channels per
   * connection, so an SSH executor must spread them over several connections.
   */
  protected int concurrentCommands() {
    return 25;
  }

  @BeforeEach
  void createExecutorAndScratchDirectory() {
    executor = create();
    scratch = run(CommandSpec.builder("mktemp", "-d").build()).stdout().strip();
    assertThat(scratch).as("mktemp -d on the target").startsWith("/");
  }

  @AfterEach
  void removeScratchDirectoryAndClose() {
    try {
      if (scratch != null) {
        executor.execute(CommandSpec.builder("rm", "-rf", scratch).build()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      // Best effort: the case's own result matters more than its litter.
    } finally {
      executor.close();
    }
  }

  @Test
  void echo_completes_with_its_output_and_exit_code_zero() {
    CommandResult result = run(CommandSpec.builder("echo", "hello", "wörld 🌍").build());

    assertThat(result.stdout()).isEqualTo("hello wörld 🌍\n");
    assertThat(result.stderr()).isEmpty();
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdoutTruncated()).isFalse();
    assertThat(result.stderrTruncated()).isFalse();
    assertThat(result.duration()).isPositive();
  }

  @Test
  void stdout_stderr_and_a_non_zero_exit_code_are_reported_separately() {
    CommandResult result = run(sh("echo out; echo err >&2; exit 3"));

    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void arguments_reach_the_program_unchanged_whatever_characters_they_hold() {
    List<String> tricky = List.of("a b", "", "$HOME", "`id`", "$(id)", "'single'", "\"double\"", "back\\slash",
        "semi;colon && true", "*", "new\nline", "ünï 🌍", "-n", "--");
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "for a; do printf '[%s]' \"$a\"; done", "sh"));
    argv.addAll(tricky);

    CommandResult result = run(CommandSpec.builder(argv).build());

    StringBuilder expected = new StringBuilder();
    tricky.forEach(arg -> expected.append('[').append(arg).append(']'));
    assertThat(result.stdout()).isEqualTo(expected.toString());
  }

  @Test
  void environment_variables_are_passed_and_override_inherited_ones() {
    CommandSpec spec = CommandSpec.builder("sh", "-c", "printf '%s|%s' \"$ZEN_TEST_VALUE\" \"$HOME\"")
        .environment("ZEN_TEST_VALUE", "välue with 'quotes' and $dollar")
        .environment("HOME", "/zen-home")
        .build();

    assertThat(run(spec).stdout()).isEqualTo("välue with 'quotes' and $dollar|/zen-home");
  }

  @Test
  void the_command_runs_in_its_working_directory() {
    String dir = scratch + "/with space";
    run(CommandSpec.builder("mkdir", dir).build());

    CommandResult result = run(CommandSpec.builder("sh", "-c", "pwd -P").workingDirectory(dir).build());
    String expected = run(CommandSpec.builder("sh", "-c", "cd \"$1\" && pwd -P", "sh", dir).build()).stdout();

    assertThat(result.stdout()).isEqualTo(expected);
  }

  @Test
  void stdin_is_empty_by_default_so_a_command_reading_it_does_not_hang() {
    CommandResult result = run(CommandSpec.builder("cat").timeout(Duration.ofSeconds(20)).build());

    assertThat(result.stdout()).isEmpty();
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void stdin_text_reaches_the_command_and_is_then_closed() {
    CommandResult result = run(CommandSpec.builder("cat").stdin("line one\nwörld 🌍\n").timeout(Duration.ofSeconds(20)).build());

    assertThat(result.stdout()).isEqualTo("line one\nwörld 🌍\n");
  }

  @Test
  void stdin_larger_than_a_pipe_buffer_arrives_whole() {
    String big = "0123456789abcdef".repeat(40_000) + "\n";

    CommandResult result = run(CommandSpec.builder("wc", "-c").stdin(big).timeout(Duration.ofSeconds(20)).build());

    assertThat(result.stdout().strip()).isEqualTo(Integer.toString(big.length()));
  }

  @Test
  void a_command_that_ignores_its_stdin_still_completes() {
    String big = "x".repeat(1_000_000);

    CommandResult result = run(CommandSpec.builder("echo", "done").stdin(big).timeout(Duration.ofSeconds(20)).build());

    assertThat(result.stdout()).isEqualTo("done\n");
  }

  @Test
  void output_past_the_cap_is_dropped_and_flagged_without_stalling_the_command() {
    CommandSpec spec = CommandSpec.builder("head", "-c", "6000000", "/dev/zero")
        .outputLimitBytes(64 * 1024)
        .timeout(Duration.ofSeconds(120))
        .build();

    // A command blocked on a full pipe or window would only end when killed at its timeout.
    CommandResult result = run(spec);

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).hasSize(64 * 1024);
    assertThat(result.stdoutTruncated()).isTrue();
    assertThat(result.stderrTruncated()).isFalse();
  }

  @Test
  void stderr_has_its_own_cap_and_flag() {
    CommandResult result = run(sh("head -c 3000000 /dev/zero >&2; echo done", 1000));

    assertThat(result.stdout()).isEqualTo("done\n");
    assertThat(result.stdoutTruncated()).isFalse();
    assertThat(result.stderr()).hasSize(1000);
    assertThat(result.stderrTruncated()).isTrue();
  }

  @Test
  void output_exactly_at_the_cap_is_not_flagged_and_one_byte_more_is() {
    CommandResult exact = run(CommandSpec.builder("printf", "abcde").outputLimitBytes(5).build());
    CommandResult over = run(CommandSpec.builder("printf", "abcdef").outputLimitBytes(5).build());

    assertThat(exact.stdout()).isEqualTo("abcde");
    assertThat(exact.stdoutTruncated()).isFalse();
    assertThat(over.stdout()).isEqualTo("abcde");
    assertThat(over.stdoutTruncated()).isTrue();
  }

  @Test
  void output_lines_reach_the_listener_while_the_command_still_runs() {
    String flag = scratch + "/go";
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> sawReady = new CompletableFuture<>();
    // The command waits for a file that the test creates only after the listener saw "ready":
    // an executor that reported lines only at the end would never see it, and the command would time out.
    CommandSpec spec = CommandSpec.builder("sh", "-c",
            "echo ready; echo warming >&2; while [ ! -e \"$1\" ]; do sleep 0.05; done; printf 'done\\nno newline'",
            "sh", flag)
        .timeout(WAIT)
        .build();

    CompletableFuture<CommandResult> future = executor.execute(spec, (stream, line) -> {
      lines.add(stream + ":" + line);
      if (line.equals("ready")) {
        sawReady.complete(null);
      }
    });
    assertThat(sawReady).succeedsWithin(WAIT);
    run(CommandSpec.builder("touch", flag).build());

    assertThat(future).succeedsWithin(WAIT);
    assertThat(lines).containsSubsequence("STDOUT:ready", "STDOUT:done", "STDOUT:no newline");
    assertThat(lines).contains("STDERR:warming").hasSize(4);
  }

  @Test
  void lines_past_the_cap_are_not_reported() {
    List<String> lines = new CopyOnWriteArrayList<>();

    CompletableFuture<CommandResult> future = executor.execute(
        CommandSpec.builder("sh", "-c", "i=0; while [ $i -lt 1000 ]; do echo line$i; i=$((i+1)); done").outputLimitBytes(30).build(),
        (stream, line) -> lines.add(line));

    assertThat(future).succeedsWithin(WAIT);
    // "line0\n".."line4\n" are 30 bytes; nothing past the cap reaches the listener.
    assertThat(lines).containsExactly("line0", "line1", "line2", "line3", "line4");
  }

  @Test
  void a_command_ended_by_a_signal_reports_128_plus_the_signal_number() {
    CommandResult result = run(sh("kill -TERM $$; sleep 5"));

    assertThat(result.exitCode()).isEqualTo(128 + 15);
  }

  @Test
  void a_command_past_its_timeout_fails_and_it_and_its_child_are_gone_from_the_host() {
    String pids = scratch + "/pids";
    CommandSpec spec = CommandSpec.builder("sh", "-c", SHELL_WITH_CHILD, "sh", pids)
        .timeout(Duration.ofSeconds(5))
        .build();

    CompletableFuture<CommandResult> future = executor.execute(spec);
    List<Long> processes = awaitPids(pids, future);

    assertThat(future).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(CommandTimeoutException.class)
        .withMessageContaining("PT5S")
        .withMessageContaining("sleep 300");
    CommandTimeoutException timeout = (CommandTimeoutException) causeOf(future);
    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(timeout.isRetriable()).isTrue();
    awaitGone(processes, WAIT);
  }

  @Test
  void cancelling_the_future_stops_the_command_and_its_child_promptly() {
    String pids = scratch + "/pids";
    CompletableFuture<CommandResult> future = executor.execute(
        CommandSpec.builder("sh", "-c", SHELL_WITH_CHILD, "sh", pids).timeout(Duration.ofMinutes(10)).build());
    List<Long> processes = awaitPids(pids, future);
    assertThat(processes).allMatch(this::isAlive);

    assertThat(future.cancel(true)).isTrue();

    assertThat(future).isCancelled();
    // Promptly: clink promises its caller that a cancelled CLI is gone within about a second.
    awaitGone(processes, Duration.ofSeconds(3));
  }

  @Test
  void a_program_that_does_not_exist_fails_as_an_invalid_request_naming_it() {
    CompletableFuture<CommandResult> future = executor.execute(CommandSpec.builder("zen-no-such-program-42", "arg").build());

    assertThat(future).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(InvalidRequestException.class)
        .withMessageContaining("zen-no-such-program-42");
  }

  @Test
  void a_working_directory_that_does_not_exist_fails_as_an_invalid_request_naming_it() {
    String missing = scratch + "/missing";
    CommandSpec spec = CommandSpec.builder("pwd").workingDirectory(missing).build();

    assertThat(executor.execute(spec)).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(InvalidRequestException.class)
        .withMessageContaining(missing);
  }

  @Test
  void many_commands_run_at_the_same_time_each_with_its_own_output() {
    int n = concurrentCommands();
    String dir = scratch + "/barrier";
    run(CommandSpec.builder("mkdir", dir).build());
    // Each command checks in, then waits until all n have: they can only finish if all run at once.
    String script = "touch \"$1/$2\"; i=0; while [ $(ls \"$1\" | wc -l) -lt $3 ]; do i=$((i+1)); "
        + "[ $i -gt 400 ] && exit 9; sleep 0.05; done; echo \"n$2\"";
    List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(executor.execute(CommandSpec.builder("sh", "-c", script, "sh", dir, Integer.toString(i),
          Integer.toString(n)).timeout(WAIT).build()));
    }

    for (int i = 0; i < n; i++) {
      assertThat(futures.get(i)).succeedsWithin(WAIT).satisfies(result -> assertThat(result.exitCode())
          .as("exit 9 means the command waited 20 s for the others: they did not run at the same time").isZero());
      assertThat(futures.get(i).join().stdout()).isEqualTo("n" + i + "\n");
    }
  }

  @Test
  void the_executor_runs_more_commands_after_failed_ones() {
    executor.execute(CommandSpec.builder("zen-no-such-program-42").build()).handle((r, e) -> null).join();
    run(sh("exit 5"));

    assertThat(run(CommandSpec.builder("echo", "still here").build()).stdout()).isEqualTo("still here\n");
  }

  /**
   * Whether {@code pid} is a live process on the target host. The default asks the host's
   * {@code /proc} through the executor under test.
   */
  protected boolean isAlive(long pid) {
    return run(CommandSpec.builder("sh", "-c", IS_ALIVE, "sh", Long.toString(pid)).build()).exitCode() == 0;
  }

  /** Runs {@code spec} and waits for it to complete normally. */
  protected final CommandResult run(CommandSpec spec) {
    CompletableFuture<CommandResult> future = executor.execute(spec);
    assertThat(future).as(spec.commandLine()).succeedsWithin(WAIT);
    return future.join();
  }

  private static CommandSpec sh(String script) {
    return CommandSpec.builder("sh", "-c", script).build();
  }

  private static CommandSpec sh(String script, int outputLimit) {
    return CommandSpec.builder("sh", "-c", script).outputLimitBytes(outputLimit).build();
  }

  private static Throwable causeOf(CompletableFuture<?> future) {
    try {
      future.get();
      return fail("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The shell's and its child's pids, read through the executor from the file the command writes. */
  private List<Long> awaitPids(String file, CompletableFuture<?> future) {
    List<Long> pids = new ArrayList<>();
    await(() -> {
      if (future.isDone()) {
        return true;
      }
      CommandResult read = run(CommandSpec.builder("cat", file).build());
      if (read.exitCode() != 0) {
        return false;
      }
      read.stdout().lines().map(String::strip).filter(line -> !line.isEmpty()).map(Long::parseLong).forEach(pids::add);
      return true;
    }, "the command to write its pids", WAIT);
    assertThat(future).as("the command finished before it wrote its pids").isNotDone();
    assertThat(pids).hasSize(2);
    return pids;
  }

  private void awaitGone(List<Long> pids, Duration within) {
    for (long pid : pids) {
      await(() -> !isAlive(pid), "process " + pid + " to be gone from the host", within);
    }
  }

  private static void await(BooleanSupplier condition, String what, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + within + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
