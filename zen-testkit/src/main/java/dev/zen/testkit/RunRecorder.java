package dev.zen.testkit;

import dev.zen.graph.RunConfig;
import dev.zen.graph.RunEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Records a run's events for assertions: pass it as the run's listener, then check the
 * trajectory with {@link ZenAssertions#assertThat(RunRecorder)}.
 *
 * <pre>{@code
 * RunRecorder recorder = new RunRecorder();
 * graph.invoke(input, recorder.config("thread-1")).join();
 * ZenAssertions.assertThat(recorder).visitedInOrder("plan", "answer").completed();
 * }</pre>
 */
public final class RunRecorder implements Consumer<RunEvent> {
  private final List<RunEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void accept(RunEvent event) {
    events.add(event);
  }

  /** A run config for {@code threadId} with this recorder as its listener. */
  public RunConfig config(String threadId) {
    return RunConfig.builder(threadId).listener(this).build();
  }

  /** Everything recorded so far, in order. */
  public List<RunEvent> events() {
    return List.copyOf(events);
  }

  /** The nodes that finished, in order. */
  public List<String> finishedNodes() {
    return events.stream().filter(RunEvent.NodeFinished.class::isInstance)
        .map(event -> ((RunEvent.NodeFinished) event).node()).toList();
  }

  public void clear() {
    events.clear();
  }
}
