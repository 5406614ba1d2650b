package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.GraphExecutionException;
import dev.zen.OperationTimeoutException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenExecutors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zen reports a failed or cancelled run itself (a {@link GraphExecutionException} naming graph,
 * node and thread, or a cancelled future), so langgraph4j must not log it again: it logs every
 * failure it sees at ERROR with a stack trace of about 45 lines. slf4j-simple, this module's test
 * backend, writes to {@code System.err}, which each test captures until the run's threads are done.
 */
class QuietFailuresTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private ExecutorService executor;

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    executor = ZenExecutors.newRuntimeExecutor("quiet-test");
  }

  @AfterEach
  void restoreStderr() {
    executor.shutdownNow();
    System.setErr(originalErr);
    originalErr.print(stderr());
  }

  private String stderr() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** Waits until every thread the runs used is done, so anything they would log has been logged. */
  private String stderrOnceRunsAreDone() throws InterruptedException {
    executor.shutdown();
    assertThat(executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the runs' threads finished").isTrue();
    return stderr();
  }

  private static void assertNoStackTrace(String stderr) {
    assertThat(stderr).as("stderr").doesNotContain("org.bsc.langgraph4j").doesNotContain("\tat ");
  }

  private GraphOptions.Builder options() {
    return GraphOptions.builder().executor(executor);
  }

  private static Throwable failureOf(CompletableFuture<RunResult> run) {
    assertThat(run).failsWithin(WAIT);
    return run.handle((result, error) -> error).join();
  }

  @Test
  void a_failed_node_writes_no_stack_trace_and_fails_the_run_as_before() throws Exception {
    SimpleStore store = new SimpleStore();
    CompiledAgentGraph graph = AgentGraph.builder("fragile")
        .node("ok", AsyncNode.sync((state, ctx) -> Map.of("step", 1)))
        .node("boom", (state, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("disk on fire")))
        .edge(AgentGraph.START, "ok").edge("ok", "boom").edge("boom", AgentGraph.END)
        .build().compile(options().checkpointStore(store).build());

    Throwable failure = failureOf(graph.invoke(Map.of(), "t-fail"));

    assertThat(failure).isInstanceOf(GraphExecutionException.class).hasMessageContaining("'boom'")
        .hasMessageContaining("'t-fail'").hasMessageContaining("disk on fire")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(((GraphExecutionException) failure).node()).isEqualTo("boom");
    assertThat(store.threads.get("t-fail")).extracting(checkpoint -> checkpoint.nodeId()).last().isEqualTo("ok");
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void a_node_that_throws_writes_no_stack_trace() throws Exception {
    CompiledAgentGraph graph = AgentGraph.builder("thrower")
        .node("t", (state, ctx) -> {
          throw new IllegalArgumentException("bad arg");
        })
        .edge(AgentGraph.START, "t").edge("t", AgentGraph.END).build().compile(options().build());

    assertThat(failureOf(graph.invoke(Map.of(), "t"))).isInstanceOf(GraphExecutionException.class)
        .hasMessageContaining("bad arg");
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void a_cancelled_run_writes_no_stack_trace_and_is_reported_as_cancelled() throws Exception {
    CompletableFuture<Map<String, ?>> hanging = new CompletableFuture<>();
    CountDownLatch entered = new CountDownLatch(1);
    CompiledAgentGraph graph = AgentGraph.builder("cancel")
        .node("wait", (state, ctx) -> {
          entered.countDown();
          return hanging;
        })
        .node("after", AsyncNode.sync((state, ctx) -> {
          throw new AssertionError("nothing runs after a cancel");
        }))
        .edge(AgentGraph.START, "wait").edge("wait", "after").edge("after", AgentGraph.END)
        .build().compile(options().checkpointStore(new SimpleStore()).build());
    CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t-cancel");
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    run.cancel(true);

    assertThat(run).isCancelled();
    assertThat(hanging).failsWithin(WAIT).withThrowableOfType(CancellationException.class);
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void a_cancelled_run_whose_node_blocks_its_thread_writes_no_stack_trace() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    CompiledAgentGraph graph = AgentGraph.builder("blocking")
        .node("sleep", AsyncNode.sync((state, ctx) -> {
          entered.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            Thread.currentThread().interrupt();
          }
          return Map.of();
        }))
        .edge(AgentGraph.START, "sleep").edge("sleep", AgentGraph.END).build().compile(options().build());
    CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t-block");
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    run.cancel(true);

    assertThat(run).isCancelled();
    assertNoStackTrace(stderrOnceRunsAreDone());
    assertThat(interrupted).as("the blocked node was interrupted").isTrue();
  }

  @Test
  void a_failed_parallel_branch_writes_no_stack_trace_and_cancels_its_siblings() throws Exception {
    CompletableFuture<Map<String, ?>> slowSibling = new CompletableFuture<>();
    CountDownLatch siblingStarted = new CountDownLatch(1);
    CompiledAgentGraph graph = AgentGraph.builder("fan")
        .node("fork", AsyncNode.sync((state, ctx) -> Map.of()))
        .node("slow", (state, ctx) -> {
          siblingStarted.countDown();
          return slowSibling;
        })
        .node("broken", (state, ctx) -> {
          try {
            siblingStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null));
        })
        .node("join", AsyncNode.sync((state, ctx) -> {
          throw new AssertionError("the join must not run after a failed branch");
        }))
        .edge(AgentGraph.START, "fork").edge("fork", "slow").edge("fork", "broken")
        .edge("slow", "join").edge("broken", "join").edge("join", AgentGraph.END)
        .build().compile(options().build());

    Throwable failure = failureOf(graph.invoke(Map.of(), "t-fan"));

    assertThat(failure).isInstanceOf(GraphExecutionException.class).hasMessageContaining("'broken'")
        .hasCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(((GraphExecutionException) failure).isRetriable()).isTrue();
    assertThat(slowSibling).as("the other branch's work").isCancelled();
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void a_node_past_its_timeout_writes_no_stack_trace() throws Exception {
    CompiledAgentGraph graph = AgentGraph.builder("slow")
        .node("hang", (state, ctx) -> new CompletableFuture<>(), NodeOptions.builder().timeout(Duration.ofMillis(50))
            .retry(RetryOptions.builder().maxAttempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build()).build())
        .edge(AgentGraph.START, "hang").edge("hang", AgentGraph.END).build().compile(options().build());

    assertThat(failureOf(graph.invoke(Map.of(), "t-timeout"))).isInstanceOf(GraphExecutionException.class)
        .hasCauseInstanceOf(OperationTimeoutException.class);
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void a_router_that_fails_writes_no_stack_trace_and_no_checkpoint_after_it() throws Exception {
    SimpleStore store = new SimpleStore();
    CompiledAgentGraph graph = AgentGraph.builder("routed")
        .node("classify", AsyncNode.sync((state, ctx) -> Map.of("kind", "unknown")))
        .node("next", AsyncNode.sync((state, ctx) -> Map.of()))
        .edge(AgentGraph.START, "classify")
        .conditionalEdges("classify", state -> state.value("kind", String.class).orElseThrow(), Map.of("known", "next"))
        .edge("next", AgentGraph.END)
        .build().compile(options().checkpointStore(store).build());

    assertThat(failureOf(graph.invoke(Map.of(), "t-route"))).isInstanceOf(GraphExecutionException.class)
        .hasMessageContaining("'routed'").hasMessageContaining("'unknown'");
    assertThat(store.threads.getOrDefault("t-route", List.of()))
        .noneMatch(checkpoint -> "classify".equals(checkpoint.nodeId()));
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void a_checkpoint_store_that_fails_during_the_run_writes_no_stack_trace() throws Exception {
    RetriableFailuresTest.DownStore store = new RetriableFailuresTest.DownStore();
    List<String> ran = new CopyOnWriteArrayList<>();
    CompiledAgentGraph graph = AgentGraph.builder("outage")
        .node("first", (state, ctx) -> {
          ran.add("first");
          store.down = true;
          return CompletableFuture.completedFuture(Map.of("step", 1));
        })
        .node("second", AsyncNode.sync((state, ctx) -> {
          ran.add("second");
          return Map.of();
        }))
        .edge(AgentGraph.START, "first").edge("first", "second").edge("second", AgentGraph.END)
        .build().compile(options().checkpointStore(store).build());

    Throwable failure = failureOf(graph.invoke(Map.of(), "t-store"));

    assertThat(failure).isInstanceOf(GraphExecutionException.class).hasMessageContaining("'t-store'")
        .hasRootCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(ran).as("nodes that ran").containsExactly("first");
    assertNoStackTrace(stderrOnceRunsAreDone());
  }

  @Test
  void the_capture_sees_what_langgraph4j_logs() throws Exception {
    org.slf4j.LoggerFactory.getLogger("org.bsc.langgraph4j").error("probe", new IllegalStateException("probe"));

    assertThat(stderr()).contains("org.bsc.langgraph4j").contains("\tat ");
    captured.reset();
  }
}
