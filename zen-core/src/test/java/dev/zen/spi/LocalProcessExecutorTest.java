package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.zen.InvalidRequestException;
import dev.zen.NonRetriableException;
import dev.zen.OperationTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class LocalProcessExecutorTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Writes the shell's pid and then a child's pid to the file in $1, and waits for the child. */
  private static final String SHELL_WITH_CHILD = "echo $$ > \"$1.tmp\"; sleep 100 & echo $! >> \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; wait";

  private final RemoteExecutor executor = RemoteExecutor.local();

  @TempDir
  Path dir;

  @Test
  void echo_completes_with_its_output_and_exit_code_zero() {
    CommandResult result = run(CommandSpec.builder("echo", "hello", "wörld 🌍").build());

    assertThat(result.stdout()).isEqualTo("hello wörld 🌍\n");
    assertThat(result.stderr()).isEmpty();
    assertThat(result.exitCode()).isZero();
    assertThat(result.succeeded()).isTrue();
    assertThat(result.stdoutTruncated()).isFalse();
    assertThat(result.stderrTruncated()).isFalse();
    assertThat(result.duration()).isPositive();
  }

  @Test
  void stdout_stderr_and_a_non_zero_exit_code_are_reported_separately() {
    CommandResult result = run(CommandSpec.builder("sh", "-c", "echo out; echo err >&2; exit 3").build());

    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void environment_variables_are_passed_and_override_inherited_ones() {
    CommandSpec spec = CommandSpec.builder("sh", "-c", "printf '%s|%s' \"$ZEN_TEST_VALUE\" \"$HOME\"")
        .environment("ZEN_TEST_VALUE", "välue with spaces")
        .environment("HOME", "/zen-home")
        .build();

    assertThat(run(spec).stdout()).isEqualTo("välue with spaces|/zen-home");
  }

  @Test
  void the_command_runs_in_its_working_directory() throws IOException {
    CommandSpec spec = CommandSpec.builder("pwd").workingDirectory(dir.toString()).build();

    assertThat(Path.of(run(spec).stdout().strip()).toRealPath()).isEqualTo(dir.toRealPath());
  }

  @Test
  void stdin_is_empty_so_a_command_reading_it_does_not_hang() {
    CommandResult result = run(CommandSpec.builder("cat").timeout(Duration.ofSeconds(10)).build());

    assertThat(result.stdout()).isEmpty();
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void output_past_the_cap_is_dropped_and_flagged_without_stalling_the_command() {
    CommandSpec spec = CommandSpec.builder("head", "-c", "6000000", "/dev/zero")
        .outputLimitBytes(64 * 1024)
        .timeout(Duration.ofSeconds(60))
        .build();

    CompletableFuture<CommandResult> future = executor.execute(spec);

    // Well under the timeout: a command blocked on a full pipe would only end when killed.
    assertThat(future).succeedsWithin(Duration.ofSeconds(10)).satisfies(result -> {
      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout()).hasSize(64 * 1024);
      assertThat(result.stdoutTruncated()).isTrue();
      assertThat(result.stderrTruncated()).isFalse();
    });
  }

  @Test
  void stderr_has_its_own_cap_and_flag() {
    CommandSpec spec = CommandSpec.builder("sh", "-c", "head -c 3000000 /dev/zero >&2; echo done")
        .outputLimitBytes(1000)
        .build();

    CommandResult result = run(spec);

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
  void a_command_past_its_timeout_fails_and_it_and_its_child_are_killed() throws Exception {
    Path pids = dir.resolve("pids");
    CommandSpec spec = CommandSpec.builder("sh", "-c", SHELL_WITH_CHILD, "sh", pids.toString())
        .timeout(Duration.ofSeconds(2))
        .build();

    CompletableFuture<CommandResult> future = executor.execute(spec);
    List<ProcessHandle> processes = awaitPids(pids, future);

    assertThat(future).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(OperationTimeoutException.class)
        .withMessageContaining("did not finish within PT2S")
        .withMessageContaining("sleep 100");
    OperationTimeoutException timeout = (OperationTimeoutException) catchCause(future);
    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(timeout.isRetriable()).isTrue();
    awaitGone(processes);
  }

  @Test
  void cancelling_the_future_kills_the_command_and_its_child() throws Exception {
    Path pids = dir.resolve("pids");
    CommandSpec spec = CommandSpec.builder("sh", "-c", SHELL_WITH_CHILD, "sh", pids.toString()).build();

    CompletableFuture<CommandResult> future = executor.execute(spec);
    List<ProcessHandle> processes = awaitPids(pids, future);
    assertThat(processes).allMatch(ProcessHandle::isAlive);

    assertThat(future.cancel(true)).isTrue();

    assertThat(future).isCancelled();
    awaitGone(processes);
  }

  @Test
  void a_program_that_does_not_exist_fails_as_an_invalid_request() {
    CompletableFuture<CommandResult> future = executor.execute(CommandSpec.builder("zen-no-such-program-42").build());

    assertThat(future).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(InvalidRequestException.class)
        .withMessageContaining("cannot start 'zen-no-such-program-42'")
        .withMessageContaining("check that the program exists");
  }

  @Test
  void a_working_directory_that_does_not_exist_fails_as_an_invalid_request() {
    CommandSpec spec = CommandSpec.builder("pwd").workingDirectory(dir.resolve("missing").toString()).build();

    assertThat(executor.execute(spec)).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void a_timeout_too_long_for_nanoseconds_means_practically_never() {
    CommandSpec spec = CommandSpec.builder("echo", "ok").timeout(Duration.ofSeconds(Long.MAX_VALUE)).build();

    assertThat(run(spec).stdout()).isEqualTo("ok\n");
  }

  @Test
  void a_shut_down_drain_executor_fails_the_command_instead_of_throwing() {
    ExecutorService shutDown = Executors.newSingleThreadExecutor();
    shutDown.shutdown();

    CompletableFuture<CommandResult> future = RemoteExecutor.local(shutDown).execute(CommandSpec.builder("echo", "x").build());

    assertThat(future).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(NonRetriableException.class)
        .withMessageContaining("rejected");
  }

  @Test
  void fifty_concurrent_commands_all_complete_with_their_own_output() {
    List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      futures.add(executor.execute(CommandSpec.builder("sh", "-c", "sleep 0.3; echo \"$1\"", "sh", "n" + i).build()));
    }

    for (int i = 0; i < 50; i++) {
      assertThat(futures.get(i)).succeedsWithin(WAIT).extracting(CommandResult::stdout).isEqualTo("n" + i + "\n");
    }
    // Run one after another they would need 15 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  private CommandResult run(CommandSpec spec) {
    CompletableFuture<CommandResult> future = executor.execute(spec);
    assertThat(future).succeedsWithin(WAIT);
    return future.join();
  }

  private static Throwable catchCause(CompletableFuture<?> future) {
    try {
      future.get();
      return fail("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The shell and its child, read from the pid file the command writes (renamed into place once complete). */
  private static List<ProcessHandle> awaitPids(Path file, CompletableFuture<?> future) throws IOException {
    await(() -> Files.exists(file) || future.isDone(), "the command to write its pids");
    assertThat(future).as("command finished before it wrote its pids").isNotDone();
    List<ProcessHandle> handles = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(handles::add);
    }
    assertThat(handles).hasSize(2);
    return handles;
  }

  private static void awaitGone(List<ProcessHandle> processes) {
    for (ProcessHandle process : processes) {
      await(() -> isGone(process), "process " + process.pid() + " to be gone");
    }
  }

  /**
   * A killed child is re-parented to PID 1, and whether that reaps it depends on the container's
   * init; a zombie has no code left running, so it counts as gone.
   */
  private static boolean isGone(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException e) {
      return true;
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
