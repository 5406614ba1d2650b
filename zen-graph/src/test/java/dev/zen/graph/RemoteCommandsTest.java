package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class RemoteCommandsTest {
  private final RemoteExecutor local = RemoteExecutor.local();

  @TempDir
  Path dir;

  @Test
  void the_commands_run_at_once_and_their_results_land_in_the_state_in_order() {
    Path barrier = dir.resolve("barrier");
    // Each waits for the other to start: the node passes only if they run concurrently.
    String waitForBoth = "mkdir -p \"$1\"; touch \"$1/$2\"; i=0; while [ $(ls \"$1\" | wc -l) -lt 2 ]; do "
        + "i=$((i+1)); [ $i -gt 400 ] && exit 9; sleep 0.05; done; echo \"$2 done\"";
    AgentGraph graph = AgentGraph.builder("remote")
        .node("run", RemoteCommands.node(local, List.of(
            CommandSpec.builder("sh", "-c", waitForBoth, "sh", barrier.toString(), "first").build(),
            CommandSpec.builder("sh", "-c", waitForBoth, "sh", barrier.toString(), "second").build(),
            CommandSpec.builder("sh", "-c", "echo oops >&2; exit 3").build(),
            CommandSpec.builder("zen-no-such-program-42").build()), "results"))
        .edge(AgentGraph.START, "run").edge("run", AgentGraph.END)
        .build();
    List<Object> events = new CopyOnWriteArrayList<>();

    RunResult result = graph.compile().invoke(Map.of(), RunConfig.builder("t1").listener(events::add).build())
        .join();

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) result.state().asMap().get("results");
    assertThat(results).hasSize(4);
    assertThat(results.get(0)).containsEntry("exit_code", 0).containsEntry("stdout", "first done\n");
    assertThat(results.get(1)).containsEntry("exit_code", 0).containsEntry("stdout", "second done\n");
    assertThat(results.get(2)).containsEntry("exit_code", 3).containsEntry("stderr", "oops\n")
        .containsEntry("command", "sh -c echo oops >&2; exit 3");
    assertThat(results.get(3)).containsEntry("error_type", "InvalidRequestException").doesNotContainKey("exit_code");
    assertThat(results.get(3).get("error").toString()).contains("zen-no-such-program-42");
    assertThat(events.toString()).contains("Line[command=2, stream=stderr, text=oops]");
  }

  @Test
  void cancelling_the_run_stops_every_command() throws IOException {
    AgentGraph graph = AgentGraph.builder("remote-cancel")
        .node("run", RemoteCommands.node(local, state -> List.of(
            CommandSpec.builder("sh", "-c", "echo $$ > \"$1\"; sleep 300", "sh", dir.resolve("a").toString()).build(),
            CommandSpec.builder("sh", "-c", "echo $$ > \"$1\"; sleep 300", "sh", dir.resolve("b").toString()).build()),
            "results"))
        .edge(AgentGraph.START, "run").edge("run", AgentGraph.END)
        .build();

    CompletableFuture<RunResult> run = graph.compile().invoke(Map.of(), "t-cancel");
    awaitFile(dir.resolve("a"));
    awaitFile(dir.resolve("b"));
    long a = Long.parseLong(Files.readString(dir.resolve("a")).strip());
    long b = Long.parseLong(Files.readString(dir.resolve("b")).strip());
    run.cancel(true);

    for (long pid : List.of(a, b)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        assertThat(System.nanoTime()).as("process " + pid + " still alive").isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }

  private static void awaitFile(Path file) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.exists(file) || Files.readString(file).isBlank()) {
      assertThat(System.nanoTime()).as("waiting for " + file).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
