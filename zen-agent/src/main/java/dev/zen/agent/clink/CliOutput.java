package dev.zen.agent.clink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.gateway.internal.JsonMappers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a CLI's final answer out of what it printed: Gemini CLI's {@code -o json} object, Codex's
 * {@code exec --json} event lines, Claude Code's {@code --output-format json} result, or plain
 * text. Each parser also returns metadata such as the model used, and the error a CLI reported in
 * its own format (for example Gemini's quota errors, printed as JSON with a non-zero exit).
 */
final class CliOutput {
  static final List<String> PARSERS = List.of("gemini_json", "codex_jsonl", "claude_json", "text");
  private static final ObjectMapper JSON = JsonMappers.create();

  /**
   * What a parser found.
   *
   * @param content the answer, or null when the output holds none
   * @param error the error the CLI reported in its output, if any
   */
  record Parsed(@Nullable String content, @Nullable String error, Map<String, Object> metadata) {}

  private CliOutput() {}

  static Parsed parse(String parser, String stdout) {
    return switch (parser) {
      case "gemini_json" -> gemini(stdout);
      case "codex_jsonl" -> codex(stdout);
      case "claude_json" -> claude(stdout);
      default -> text(stdout);
    };
  }

  private static Parsed text(String stdout) {
    String text = stdout.strip();
    return new Parsed(text.isEmpty() ? null : text, null, Map.of());
  }

  /** {@code {"response": "...", "stats": {"models": {"<model>": {...}}}}}, or {@code {"error": {"message": ...}}}. */
  private static Parsed gemini(String stdout) {
    JsonNode root = lastJsonObject(stdout);
    if (root == null) {
      return text(stdout);
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    JsonNode models = root.path("stats").path("models");
    if (models.isObject() && models.fieldNames().hasNext()) {
      metadata.put("model_used", models.fieldNames().next());
    }
    String error = null;
    JsonNode errorNode = root.get("error");
    if (errorNode != null && !errorNode.isNull()) {
      error = errorNode.isObject() ? errorNode.path("message").asText(errorNode.toString()) : errorNode.asText();
    }
    JsonNode response = root.get("response");
    String content = response != null && response.isTextual() && !response.asText().isBlank() ? response.asText().strip() : null;
    return new Parsed(content, error, metadata);
  }

  /**
   * One JSON event per line: the last agent message is the answer ({@code item.completed} with an
   * {@code agent_message} item, or the older {@code {"msg": {"type": "agent_message"}}}); usage
   * from {@code turn.completed}; {@code error} and {@code turn.failed} events carry errors.
   */
  private static Parsed codex(String stdout) {
    String content = null;
    String error = null;
    Map<String, Object> metadata = new LinkedHashMap<>();
    boolean anyJson = false;
    for (String line : stdout.split("\n")) {
      JsonNode event = json(line.strip());
      if (event == null || !event.isObject()) {
        continue;
      }
      anyJson = true;
      String type = event.path("type").asText("");
      JsonNode item = event.path("item");
      if (type.equals("item.completed") && item.path("type").asText("").equals("agent_message")) {
        content = item.path("text").asText(content);
      } else if (event.path("msg").path("type").asText("").equals("agent_message")) {
        content = event.path("msg").path("message").asText(content);
      } else if (type.equals("turn.completed") && event.has("usage")) {
        metadata.put("usage", JSON.convertValue(event.get("usage"), Map.class));
      } else if (type.equals("error") || type.equals("turn.failed")) {
        error = event.has("message") ? event.get("message").asText() : event.path("error").path("message").asText(event.toString());
      } else if (type.equals("thread.started") && event.has("thread_id")) {
        metadata.put("thread_id", event.get("thread_id").asText());
      }
    }
    if (!anyJson) {
      return text(stdout);
    }
    return new Parsed(content == null || content.isBlank() ? null : content.strip(), error, metadata);
  }

  /**
   * {@code {"type": "result", "is_error": false, "result": "...", "modelUsage": {"<model>": ...}}},
   * or an array of events holding such a result.
   */
  private static Parsed claude(String stdout) {
    JsonNode root = json(stdout.strip());
    if (root == null) {
      root = lastJsonObject(stdout);
    }
    if (root != null && root.isArray()) {
      JsonNode found = null;
      for (JsonNode event : root) {
        if (event.path("type").asText("").equals("result")) {
          found = event;
        }
      }
      root = found;
    }
    if (root == null || !root.isObject()) {
      return text(stdout);
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    JsonNode usage = root.path("modelUsage");
    if (usage.isObject() && usage.fieldNames().hasNext()) {
      metadata.put("model_used", usage.fieldNames().next());
    }
    if (root.has("total_cost_usd")) {
      metadata.put("total_cost_usd", root.get("total_cost_usd").asDouble());
    }
    if (root.has("session_id")) {
      metadata.put("session_id", root.get("session_id").asText());
    }
    String result = root.path("result").asText(null);
    boolean isError = root.path("is_error").asBoolean(false) || root.path("subtype").asText("").startsWith("error");
    if (isError) {
      return new Parsed(null, result == null ? root.path("subtype").asText("error") : result, metadata);
    }
    return new Parsed(result == null || result.isBlank() ? null : result.strip(), null, metadata);
  }

  /** The last line (or the whole text) that parses as a JSON object: CLIs may print banners first. */
  private static @Nullable JsonNode lastJsonObject(String stdout) {
    JsonNode whole = json(stdout.strip());
    if (whole != null && whole.isObject()) {
      return whole;
    }
    int start = stdout.indexOf('{');
    if (start >= 0) {
      JsonNode tail = json(stdout.substring(start).strip());
      if (tail != null && tail.isObject()) {
        return tail;
      }
    }
    String[] lines = stdout.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      JsonNode line = json(lines[i].strip());
      if (line != null && line.isObject()) {
        return line;
      }
    }
    return null;
  }

  private static @Nullable JsonNode json(String text) {
    if (text.isEmpty() || (text.charAt(0) != '{' && text.charAt(0) != '[')) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      return null;
    }
  }
}
