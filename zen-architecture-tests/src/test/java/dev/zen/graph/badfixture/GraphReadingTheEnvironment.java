package dev.zen.graph.badfixture;

import java.util.Map;
import java.util.function.Supplier;

/** Deliberately bad: a library reading its configuration from environment variables. */
public final class GraphReadingTheEnvironment {
  static String home() {
    return System.getenv("HOME");
  }

  static Supplier<Map<String, String>> everything() {
    return System::getenv;
  }
}
