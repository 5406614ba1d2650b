package dev.zen.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's prompt texts, kept as resources ({@code dev/zen/graph/agent/prompts/*.txt}) so they
 * read as prose and can be changed without touching code. Placeholders are {@code {name}}.
 */
final class Prompts {
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private Prompts() {}

  /** The prompt {@code name}; a missing resource is a packaging bug, so it fails loudly. */
  static String get(String name) {
    return CACHE.computeIfAbsent(name, Prompts::load);
  }

  static String fill(String template, Map<String, String> values) {
    String result = template;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      result = result.replace("{" + entry.getKey() + "}", entry.getValue());
    }
    return result;
  }

  static String instructions(ZenAgentOptions options) {
    return fill(get("instructions"), Map.of(
        "max_prompt_chars", String.format("%,d", options.maxPromptChars()),
        "default_model", options.defaultModel(),
        "timeout", human(options.conversationTimeout()),
        "max_turns", String.valueOf(options.maxConversationTurns())));
  }

  static String human(Duration duration) {
    if (duration.toMinutes() >= 60 && duration.toMinutesPart() == 0 && duration.toSecondsPart() == 0) {
      long hours = duration.toHours();
      return hours + (hours == 1 ? " hour" : " hours");
    }
    if (duration.toSeconds() >= 60 && duration.toSecondsPart() == 0) {
      long minutes = duration.toMinutes();
      return minutes + (minutes == 1 ? " minute" : " minutes");
    }
    return duration.toMillis() + " ms";
  }

  private static String load(String name) {
    String resource = "prompts/" + name + ".txt";
    try (InputStream in = Prompts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the prompt resource dev/zen/graph/agent/" + resource + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the prompt resource " + resource, e);
    }
  }
}
