package dev.zen.graph;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a run that did not fail: either it reached the end, or it paused at an
 * interrupt ({@link #interrupted()}), in which case {@link #nextNode()} says where
 * {@link CompiledAgentGraph#resume resume} continues.
 *
 * @param graph the graph's name
 * @param threadId the run's thread
 * @param runId unique per invoke/resume call
 * @param state the state at the end or at the interrupt
 * @param interrupted whether the run paused at an interrupt
 * @param nextNode the node the run continues with on resume, when interrupted
 */
public record RunResult(String graph, String threadId, String runId, GraphState state, boolean interrupted,
    @Nullable String nextNode) {

  public RunResult {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(threadId, "threadId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
  }

  public Optional<String> nextNodeId() {
    return Optional.ofNullable(nextNode);
  }
}
