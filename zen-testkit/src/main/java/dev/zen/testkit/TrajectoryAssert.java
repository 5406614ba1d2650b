package dev.zen.testkit;

import dev.zen.graph.RunEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.MapAssert;

/** AssertJ assertions on the trajectory of a recorded run; start with {@link ZenAssertions#assertThat(RunRecorder)}. */
public final class TrajectoryAssert extends AbstractAssert<TrajectoryAssert, RunRecorder> {

  TrajectoryAssert(RunRecorder actual) {
    super(actual, TrajectoryAssert.class);
  }

  /** The nodes that finished are exactly these, in this order. */
  public TrajectoryAssert visitedExactly(String... nodes) {
    isNotNull();
    Assertions.assertThat(actual.finishedNodes()).as("nodes finished by the run").containsExactly(nodes);
    return this;
  }

  /** These nodes finished in this relative order (others may come between them). */
  public TrajectoryAssert visitedInOrder(String... nodes) {
    isNotNull();
    Assertions.assertThat(actual.finishedNodes()).as("nodes finished by the run").containsSubsequence(nodes);
    return this;
  }

  /** None of these nodes started. */
  public TrajectoryAssert didNotVisit(String... nodes) {
    isNotNull();
    List<String> started = actual.events().stream().filter(RunEvent.NodeStarted.class::isInstance)
        .map(event -> ((RunEvent.NodeStarted) event).node()).toList();
    Assertions.assertThat(started).as("nodes started by the run").doesNotContain(nodes);
    return this;
  }

  /** {@code node} failed {@code times} attempts and was retried after each. */
  public TrajectoryAssert retried(String node, int times) {
    isNotNull();
    long retries = actual.events().stream().filter(RunEvent.NodeFailed.class::isInstance)
        .map(RunEvent.NodeFailed.class::cast).filter(failed -> failed.node().equals(node) && failed.willRetry()).count();
    Assertions.assertThat(retries).as("retries of node '%s'", node).isEqualTo(times);
    return this;
  }

  /** The run ended normally (not failed, not interrupted). */
  public TrajectoryAssert completed() {
    RunEvent.RunCompleted last = lastCompletion();
    Assertions.assertThat(last.result().interrupted()).as("run interrupted").isFalse();
    return this;
  }

  /** The run paused at an interrupt, to continue with {@code nextNode}. */
  public TrajectoryAssert interruptedBefore(String nextNode) {
    RunEvent.RunCompleted last = lastCompletion();
    Assertions.assertThat(last.result().interrupted()).as("run interrupted").isTrue();
    Assertions.assertThat(last.result().nextNode()).as("next node").isEqualTo(nextNode);
    return this;
  }

  /** Assertions on the update the last run of {@code node} made to the state. */
  public MapAssert<String, Object> updateOf(String node) {
    isNotNull();
    Map<String, Object> update = actual.events().stream().filter(RunEvent.NodeFinished.class::isInstance)
        .map(RunEvent.NodeFinished.class::cast).filter(finished -> finished.node().equals(node))
        .reduce((first, second) -> second)
        .map(RunEvent.NodeFinished::update)
        .orElseThrow(() -> new AssertionError("node '" + node + "' never finished; finished: " + actual.finishedNodes()));
    return Assertions.assertThat(update);
  }

  /** Assertions on the payloads {@code node} emitted, in order. */
  public org.assertj.core.api.ListAssert<Object> customEventsOf(String node) {
    isNotNull();
    List<Object> payloads = actual.events().stream().filter(RunEvent.Custom.class::isInstance)
        .map(RunEvent.Custom.class::cast).filter(custom -> Objects.equals(custom.node(), node))
        .map(RunEvent.Custom::payload).toList();
    return Assertions.assertThat(payloads);
  }

  /** Assertions on the final state of the run. */
  public MapAssert<String, Object> finalState() {
    return Assertions.assertThat(lastCompletion().result().state().asMap());
  }

  private RunEvent.RunCompleted lastCompletion() {
    isNotNull();
    List<RunEvent> events = actual.events();
    if (events.isEmpty() || !(events.get(events.size() - 1) instanceof RunEvent.RunCompleted completed)) {
      throw new AssertionError("the run has not completed; its last event is "
          + (events.isEmpty() ? "none" : events.get(events.size() - 1)));
    }
    return completed;
  }
}
