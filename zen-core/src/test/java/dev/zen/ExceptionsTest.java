package dev.zen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        Map.entry(new CorruptCheckpointException("x", CAUSE), false),
        Map.entry(new GraphExecutionException("g", "graph", "node", "thread", CAUSE), false));

    retriable.forEach((exception, expected) -> {
      assertThat(exception.isRetriable()).as(exception.getClass().getSimpleName()).isEqualTo(expected);
      assertThat(exception).isInstanceOf(expected ? RetriableException.class : NonRetriableException.class);
      assertThat(exception).hasCause(CAUSE);
    });
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
