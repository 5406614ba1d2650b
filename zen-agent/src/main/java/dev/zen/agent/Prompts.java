package dev.zen.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prompt texts kept as resources beside the tool that uses them, so they read as prose and change
 * without touching code. Placeholders are {@code {name}}.
 *
 * <pre>{@code
 * String system = Prompts.load(MyTool.class, "my_tool.txt");   // dev/example/my_tool.txt
 * String filled = Prompts.fill(system, Map.of("date", "2026-11-30"));
 * }</pre>
 */
public final class Prompts {
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private Prompts() {}

  /**
   * The resource {@code name}, relative to {@code owner}'s package, stripped of leading and
   * trailing blank space; cached. A missing resource is a packaging bug, so it fails loudly.
   *
   * @throws IllegalStateException when the resource is not in the jar
   */
  public static String load(Class<?> owner, String name) {
    return CACHE.computeIfAbsent(owner.getName() + "/" + name, key -> read(owner, name));
  }

  /** {@code template} with each {@code {key}} replaced by its value. */
  public static String fill(String template, Map<String, String> values) {
    String result = template;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      result = result.replace("{" + entry.getKey() + "}", entry.getValue());
    }
    return result;
  }

  /** A duration as people say it: {@code 3 hours}, {@code 1 minute}, {@code 250 ms}. */
  public static String human(Duration duration) {
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

  static String instructions(ZenAgentOptions options) {
    return fill(load(Prompts.class, "prompts/instructions.txt"), Map.of(
        "max_prompt_chars", grouped(options.maxPromptChars()),
        "default_model", options.defaultModel(),
        "timeout", human(options.conversationTimeout()),
        "max_turns", String.valueOf(options.maxConversationTurns())));
  }

  /**
   * {@code 60000} as {@code 60,000}: what {@code String.format("%,d")} gives in English, without
   * its regular expression and locale data, which cost the server's start-up ~0.1 s (issue 14).
   */
  static String grouped(long value) {
    String digits = Long.toString(Math.abs(value));
    StringBuilder grouped = new StringBuilder(value < 0 ? "-" : "");
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && (digits.length() - i) % 3 == 0) {
        grouped.append(',');
      }
      grouped.append(digits.charAt(i));
    }
    return grouped.toString();
  }

  private static String read(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the prompt resource " + owner.getPackageName().replace('.', '/') + "/" + name
            + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the prompt resource " + name, e);
    }
  }
}
