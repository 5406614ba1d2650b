package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenUsageTest {

  @Test
  void negative_token_counts_are_rejected_with_both_values() {
    assertThatThrownBy(() -> new TokenUsage(-1, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token counts must be >= 0: -1, 5");
    assertThatThrownBy(() -> new TokenUsage(3, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token counts must be >= 0: 3, -2");
  }

  @Test
  void usages_add_up_and_total_both_directions() {
    TokenUsage sum = new TokenUsage(10, 5).plus(new TokenUsage(1, 2)).plus(TokenUsage.ZERO);

    assertThat(sum).isEqualTo(new TokenUsage(11, 7));
    assertThat(sum.totalTokens()).isEqualTo(18);
    assertThat(TokenUsage.ZERO.totalTokens()).isZero();
  }
}
