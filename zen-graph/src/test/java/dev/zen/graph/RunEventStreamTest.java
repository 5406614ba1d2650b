package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.GraphExecutionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RunEventStreamTest {

  /** Requests one event at a time, so demand is honoured or the test sees more than it asked for. */
  static final class OneByOne implements Flow.Subscriber<RunEvent> {
    final List<RunEvent> events = new CopyOnWriteArrayList<>();
    final CountDownLatch finished = new CountDownLatch(1);
    final AtomicReference<Throwable> error = new AtomicReference<>();
    volatile Flow.Subscription subscription;
    volatile int outstanding;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      outstanding = 1;
      subscription.request(1);
    }

    @Override
    public void onNext(RunEvent item) {
      if (outstanding-- <= 0) {
        error.set(new AssertionError("received more than requested"));
      }
      events.add(item);
      outstanding = 1;
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      error.compareAndSet(null, throwable);
      finished.countDown();
    }

    @Override
    public void onComplete() {
      finished.countDown();
    }
  }

  @Test
  void the_stream_delivers_every_event_then_the_result_then_completes() throws Exception {
    AgentGraph graph = AgentGraph.builder("streamed")
        .node("talk", (state, ctx) -> {
          ctx.emit("token-1");
          ctx.emit("token-2");
          return CompletableFuture.completedFuture(Map.of("said", "hi"));
        })
        .edge(AgentGraph.START, "talk").edge("talk", AgentGraph.END).build();
    OneByOne subscriber = new OneByOne();

    graph.compile().stream(Map.of(), RunConfig.forThread("s1")).subscribe(subscriber);

    assertThat(subscriber.finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(subscriber.error.get()).isNull();
    assertThat(subscriber.events).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("NodeStarted", "Custom", "Custom", "NodeFinished", "RunCompleted");
    RunEvent.RunCompleted last = (RunEvent.RunCompleted) subscriber.events.get(4);
    assertThat(last.result().state().asMap()).containsEntry("said", "hi");
  }

  @Test
  void a_failed_run_ends_the_stream_with_its_error() throws Exception {
    AgentGraph graph = AgentGraph.builder("bad")
        .node("x", (state, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("broken")))
        .edge(AgentGraph.START, "x").edge("x", AgentGraph.END).build();
    OneByOne subscriber = new OneByOne();

    graph.compile().stream(Map.of(), RunConfig.forThread("s2")).subscribe(subscriber);

    assertThat(subscriber.finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(subscriber.error.get()).isInstanceOf(GraphExecutionException.class).hasMessageContaining("broken");
  }

  @Test
  void cancelling_the_subscription_cancels_the_run_and_its_node() throws Exception {
    CompletableFuture<Map<String, ?>> hanging = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    AgentGraph graph = AgentGraph.builder("long")
        .node("wait", (state, ctx) -> {
          started.countDown();
          return hanging;
        })
        .edge(AgentGraph.START, "wait").edge("wait", AgentGraph.END).build();
    OneByOne subscriber = new OneByOne();

    graph.compile().stream(Map.of(), RunConfig.forThread("s3")).subscribe(subscriber);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    subscriber.subscription.cancel();

    assertThat(hanging).failsWithin(Duration.ofSeconds(5));
    assertThat(hanging).isCancelled();
  }

  @Test
  void a_second_subscriber_is_refused_with_a_clear_error() throws Exception {
    AgentGraph graph = AgentGraph.builder("once")
        .node("n", (state, ctx) -> CompletableFuture.completedFuture(Map.of()))
        .edge(AgentGraph.START, "n").edge("n", AgentGraph.END).build();
    Flow.Publisher<RunEvent> publisher = graph.compile().stream(Map.of(), RunConfig.forThread("s4"));
    OneByOne first = new OneByOne();
    OneByOne second = new OneByOne();

    publisher.subscribe(first);
    publisher.subscribe(second);

    assertThat(second.finished.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(second.error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("one subscriber");
    assertThat(first.finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.error.get()).isNull();
  }
}
