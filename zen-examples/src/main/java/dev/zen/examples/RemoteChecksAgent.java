package dev.zen.examples;

import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphState;
import dev.zen.graph.RemoteCommands;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.RemoteExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's remote-CLI agent: runs a list of check commands on a host at once (through any
 * {@link RemoteExecutor}: {@code SshExecutor.forHost(...)} in production, a local executor or the
 * testkit's sshd in tests), then reports which passed. No thread waits per command: the SSH
 * executor feeds them from MINA's event loop.
 *
 * <pre>
 * START → checks (all commands at once) → report → END
 * </pre>
 */
public final class RemoteChecksAgent {
  private final CompiledAgentGraph graph;

  private RemoteChecksAgent(CompiledAgentGraph graph) {
    this.graph = graph;
  }

  /** An agent running the state's {@code commands} (lists of arguments) on {@code host}, each within {@code timeout}. */
  public static RemoteChecksAgent create(RemoteExecutor host, Duration timeout) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(timeout, "timeout");
    AgentGraph graph = AgentGraph.builder("remote-checks")
        .node("checks", RemoteCommands.node(host, state -> commands(state, timeout), "results"))
        .node("report", AsyncNode.sync((state, context) -> report(state)))
        .edge(AgentGraph.START, "checks").edge("checks", "report").edge("report", AgentGraph.END)
        .build();
    return new RemoteChecksAgent(graph.compile());
  }

  /**
   * Runs {@code commands} (each an argument vector, like {@code List.of("make", "test")}); the
   * result's state has {@code results} (one map per command: exit_code, stdout, stderr, ... or
   * error) and {@code passed}, {@code failed} (the command lines).
   */
  public CompletableFuture<RunResult> run(String threadId, List<List<String>> commands) {
    return graph.invoke(Map.of("commands", List.copyOf(commands)), RunConfig.builder(threadId).build());
  }

  private static List<CommandSpec> commands(GraphState state, Duration timeout) {
    List<CommandSpec> specs = new ArrayList<>();
    for (Object command : state.value("commands", List.class).orElse(List.of())) {
      List<String> argv = new ArrayList<>();
      for (Object arg : (List<?>) command) {
        argv.add(String.valueOf(arg));
      }
      specs.add(CommandSpec.builder(argv).timeout(timeout).build());
    }
    return specs;
  }

  private static Map<String, ?> report(GraphState state) {
    List<String> passed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Object entry : state.value("results", List.class).orElse(List.of())) {
      Map<?, ?> result = (Map<?, ?>) entry;
      (Integer.valueOf(0).equals(result.get("exit_code")) ? passed : failed).add(String.valueOf(result.get("command")));
    }
    return Map.of("passed", passed, "failed", failed);
  }
}
