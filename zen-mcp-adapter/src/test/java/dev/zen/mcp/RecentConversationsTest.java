package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RecentConversations}: a call keeps a conversation counted for the window, and no longer. */
class RecentConversationsTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final RecentConversations recent = new RecentConversations(Duration.ofMinutes(5), now::get);

  @Test
  void a_conversation_counts_until_the_window_after_its_last_call() {
    recent.called("a");
    recent.called("b");
    recent.called("a");
    assertThat(recent.count()).isEqualTo(2);

    advance(Duration.ofMinutes(4));
    recent.called("a");
    advance(Duration.ofMinutes(2));
    assertThat(recent.count()).as("b's last call was 6 minutes ago").isEqualTo(1);

    advance(Duration.ofMinutes(5).plusNanos(1));
    assertThat(recent.count()).isZero();
  }

  @Test
  void past_its_bound_new_conversations_are_not_tracked_but_known_ones_are() {
    for (int i = 0; i < RecentConversations.MAX; i++) {
      recent.called("c" + i);
    }
    recent.called("one too many");
    assertThat(recent.count()).isEqualTo(RecentConversations.MAX);

    advance(Duration.ofMinutes(3));
    recent.called("c0");
    advance(Duration.ofMinutes(3));
    assertThat(recent.count()).as("only c0 had a call in the last 5 minutes").isEqualTo(1);
    recent.called("a new one, with room again");
    assertThat(recent.count()).isEqualTo(2);
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }
}
