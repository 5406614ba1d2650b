package dev.zen.agent;

/**
 * Token estimates for budgeting. Four characters per token is what providers quote for English
 * and code; budgets keep a margin, so the estimate need not be exact and needs no tokenizer.
 */
final class Tokens {
  static final int CHARS_PER_TOKEN = 4;

  private Tokens() {}

  static int estimate(CharSequence text) {
    return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }
}
