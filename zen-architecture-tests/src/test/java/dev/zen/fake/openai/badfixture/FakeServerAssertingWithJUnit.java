package dev.zen.fake.openai.badfixture;

import org.junit.jupiter.api.Assertions;

/** Deliberately bad: production code (the fake server ships in the MCP server's --demo) calling JUnit. */
public final class FakeServerAssertingWithJUnit {
  static void check(boolean ok) {
    Assertions.assertTrue(ok);
  }
}
