package dev.zen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ExceptionsTest {

  private static final IOException CAUSE = new IOException("socket closed");

  @Test
  void every_failure_kind_is_classified_as_retriable_or_not_and_keeps_its_cause() {
    Map<ZenException, Boolean> retriable = Map.ofEntries(
        Map.entry(new OperationTimeoutException("t", Duration.ofSeconds(1), CAUSE), true),
        Map.entry(new RateLimitedException("r", Duration.ofSeconds(3), CAUSE), true),
        Map.entry(new ServiceUnavailableException("s", CAUSE), true),
        Map.entry(new ConnectionLostException("l", CAUSE), true),
        Map.entry(new CommandTimeoutException("c", Duration.ofSeconds(1), CommandTimeoutException.Termination.SIGNALLED, CAUSE), true),
        Map.entry(new AuthenticationException("a", CAUSE), false),
        Map.entry(new InvalidRequestException("i", CAUSE), false),
        Map.entry(new ContextLengthExceededException("c", CAUSE), false),
        Map.entry(new ModelNotFoundException("m", "gpt-9", List.of("gpt-4"), CAUSE), false),
        Map.entry(new CorruptCheckpointException("x", CAUSE), false));

    retriable.forEach((exception, expected) -> {
      assertThat(exception.isRetriable()).as(exception.getClass().getSimpleName()).isEqualTo(expected);
      assertThat(exception).isInstanceOf(expected ? RetriableException.class : NonRetriableException.class);
      assertThat(exception).hasCause(CAUSE);
    });
  }

  @Test
  void a_graph_failure_is_retriable_exactly_when_the_failure_it_reports_is() {
    GraphExecutionException storeDown = graphFailure(new ServiceUnavailableException("Redis is down", CAUSE));
    GraphExecutionException badRequest = graphFailure(new InvalidRequestException("bad argument", CAUSE));
    GraphExecutionException unknown = graphFailure(CAUSE);

    assertThat(storeDown.isRetriable()).isTrue();
    assertThat(badRequest.isRetriable()).isFalse();
    assertThat(unknown.isRetriable()).isFalse();
    assertThat(graphFailure(null).isRetriable()).isFalse();
    assertThat(unknown).hasCause(CAUSE);
    // It only adds context, so it is neither kind: a catch of either must not misfile it.
    assertThat(storeDown).isNotInstanceOf(RetriableException.class).isNotInstanceOf(NonRetriableException.class);
  }

  @Test
  void retriability_looks_through_wrappers_to_the_first_zen_exception() {
    ServiceUnavailableException down = new ServiceUnavailableException("down", CAUSE);

    assertThat(ZenException.isRetriable(new CompletionException(down))).isTrue();
    assertThat(graphFailure(new CompletionException(down)).isRetriable()).isTrue();
    assertThat(graphFailure(graphFailure(down)).isRetriable()).isTrue();
    assertThat(ZenException.isRetriable(new ExecutionException(new NonRetriableException("listener bug", down))))
        .as("the outermost Zen exception decides").isFalse();
    assertThat(ZenException.isRetriable(new IllegalStateException("bug"))).isFalse();
    assertThat(ZenException.isRetriable(null)).isFalse();
  }

  @Test
  void a_cause_chain_that_loops_is_not_followed_forever() {
    RuntimeException first = new RuntimeException("first");
    RuntimeException second = new RuntimeException("second", first);
    first.initCause(second);

    assertThat(graphFailure(first).isRetriable()).isFalse();
  }

  private static GraphExecutionException graphFailure(Throwable cause) {
    return new GraphExecutionException("graph 'g' failed", "g", "node", "thread", cause);
  }

  @Test
  void exceptions_expose_what_they_are_about() {
    List<String> available = new ArrayList<>(List.of("gpt-4"));
    ModelNotFoundException notFound = new ModelNotFoundException("m", "gpt-9", available, null);
    available.add("changed");

    assertThat(notFound.model()).isEqualTo("gpt-9");
    assertThat(notFound.available()).containsExactly("gpt-4");
    assertThat(new RateLimitedException("r", null, null).retryAfter()).isEmpty();
    assertThat(new RateLimitedException("r", Duration.ofSeconds(3), null).retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(new UnknownThreadException("u", "t-1").threadId()).isEqualTo("t-1");
    assertThat(new UnknownThreadException("u", "t-1").isRetriable()).isFalse();
    assertThat(new CheckpointTooLargeException("too big")).isInstanceOf(InvalidRequestException.class);
    GraphExecutionException failed = new GraphExecutionException("g", "graph", null, "thread", null);
    assertThat(failed.graph()).isEqualTo("graph");
    assertThat(failed.node()).isNull();
    assertThat(failed.threadId()).isEqualTo("thread");
    CommandTimeoutException timeout = new CommandTimeoutException("c", Duration.ofSeconds(2),
        CommandTimeoutException.Termination.CHANNEL_CLOSED, null);
    assertThat(timeout.termination()).isEqualTo(CommandTimeoutException.Termination.CHANNEL_CLOSED);
    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(new ConnectionLostException("l", null)).isInstanceOf(ServiceUnavailableException.class);
  }
}
