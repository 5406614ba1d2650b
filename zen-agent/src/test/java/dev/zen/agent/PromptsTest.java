package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PromptsTest {
  @Test
  void numbers_are_grouped_in_thousands_as_english_writes_them() {
    for (long value : new long[] {0, 7, 999, 1_000, 12_345, 60_000, 999_999, 1_000_000, 1_234_567_890L, -45_000}) {
      assertThat(Prompts.grouped(value)).isEqualTo(String.format(Locale.ENGLISH, "%,d", value));
    }
  }

  @Test
  void the_instructions_name_the_prompt_limit_grouped() {
    ZenAgentOptions options = ZenAgentOptions.builder().maxPromptChars(60_000).build();

    assertThat(options.instructions()).contains("60,000").doesNotContain("{max_prompt_chars}");
  }
}
