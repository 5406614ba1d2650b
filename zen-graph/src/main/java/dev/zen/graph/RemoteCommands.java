package dev.zen.graph;

import dev.zen.internal.Futures;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A node that runs a list of commands on one {@link RemoteExecutor} (a host over SSH, the local
 * machine) all at once and puts what each left into the state: the seed's remote-CLI agent as a
 * building block. The executor is injected, so a graph's tests run it against the testkit's
 * servers or a local executor.
 *
 * <pre>{@code
 * AsyncNode build = RemoteCommands.node(ssh.forHost("build-1"),
 *     state -> List.of(CommandSpec.builder("make", "test").build(), CommandSpec.builder("make", "lint").build()),
 *     "checks");
 * // state["checks"] = [{command: "make test", exit_code: 0, stdout: "...", stderr: "", duration_ms: 812,
 * //                     stdout_truncated: false, stderr_truncated: false}, {...}]
 * }</pre>
 *
 * <p>Results come in the order of the commands. A command that could not run (timeout, missing
 * program, unreachable host) gets an entry with {@code error} (the failure's message) and
 * {@code error_type} instead of an exit code, so one failure never hides the others' output; the
 * node fails only if it is cancelled. Each output line is emitted as a {@link Line} event while the
 * commands run. Cancelling the node (the run) cancels every command, which stops the processes.
 */
public final class RemoteCommands {
  private RemoteCommands() {}

  /** An output line of one of the node's commands, emitted to the run's listeners. */
  public record Line(int command, String stream, String text) {}

  /** A node running {@code commands} (fixed) and writing their results under {@code resultsKey}. */
  public static AsyncNode node(RemoteExecutor executor, List<CommandSpec> commands, String resultsKey) {
    List<CommandSpec> fixed = List.copyOf(commands);
    return node(executor, state -> fixed, resultsKey);
  }

  /**
   * A node running the commands {@code commands} derives from the state, writing their results
   * under {@code resultsKey}.
   */
  public static AsyncNode node(RemoteExecutor executor, Function<GraphState, List<CommandSpec>> commands,
      String resultsKey) {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(resultsKey, "resultsKey");
    if (resultsKey.isBlank()) {
      throw new IllegalArgumentException("resultsKey must not be blank");
    }
    return (state, context) -> {
      List<CommandSpec> specs = List.copyOf(commands.apply(state));
      List<CompletableFuture<Map<String, Object>>> runs = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        int index = i;
        CommandSpec spec = specs.get(i);
        CompletableFuture<CommandResult> running = executor.execute(spec,
            (stream, line) -> context.emit(new Line(index, stream.name().toLowerCase(Locale.ROOT), line)));
        runs.add(Futures.cancelling(running.handle((result, error) -> entry(spec, result, error)), running));
      }
      CompletableFuture<List<Map<String, Object>>> all = Futures.all(runs);
      // A derived future does not cancel its source: keep the path from the node to the processes.
      return Futures.cancelling(all.thenApply(results -> Map.of(resultsKey, results)), all);
    };
  }

  private static Map<String, Object> entry(CommandSpec spec, @Nullable CommandResult result, @Nullable Throwable error) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("command", spec.commandLine());
    if (error != null) {
      Throwable cause = Futures.unwrap(error);
      if (cause instanceof CancellationException) {
        throw new CompletionException(cause);
      }
      entry.put("error", Futures.describe(cause));
      entry.put("error_type", cause.getClass().getSimpleName());
      return entry;
    }
    Objects.requireNonNull(result, "result");
    entry.put("exit_code", result.exitCode());
    entry.put("stdout", result.stdout());
    entry.put("stderr", result.stderr());
    entry.put("duration_ms", result.duration().toMillis());
    entry.put("stdout_truncated", result.stdoutTruncated());
    entry.put("stderr_truncated", result.stderrTruncated());
    return entry;
  }
}
