package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {
  private static final Map<String, Object> SCHEMA = Map.of("type", "object",
      "properties", Map.of(
          "text", Map.of("type", "string"),
          "count", Map.of("type", "integer"),
          "ratio", Map.of("type", "number"),
          "flag", Map.of("type", "boolean"),
          "tags", Map.of("type", "array"),
          "meta", Map.of("type", List.of("object", "null")),
          "mode", Map.of("type", "string", "enum", List.of("fast", "slow"))),
      "required", List.of("text"));

  @Test
  void arguments_that_fit_the_schema_pass() {
    assertThat(ToolArguments.check(SCHEMA, Map.of("text", "t", "count", 2, "ratio", 0.5, "flag", true,
        "tags", List.of("a"), "meta", Map.of(), "mode", "fast", "extra", "allowed unless additionalProperties is false")))
        .isEmpty();
    assertThat(ToolArguments.check(SCHEMA, Map.of("text", "t", "count", 2.0))).as("2.0 is an integer in JSON Schema").isEmpty();
  }

  @Test
  void each_misfit_is_a_sentence_naming_the_argument() {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("count", 2.5);
    arguments.put("flag", "yes");
    arguments.put("meta", List.of());
    arguments.put("mode", "medium");
    arguments.put("ratio", null);
    assertThat(ToolArguments.check(SCHEMA, arguments)).containsExactlyInAnyOrder(
        "missing required argument 'text' (a string)",
        "argument 'count' must be an integer, was the number 2.5",
        "argument 'flag' must be true or false, was the string \"yes\"",
        "argument 'meta' must be an object or null, was an array",
        "argument 'mode' must be one of fast, slow, was 'medium'");
  }

  @Test
  void unknown_arguments_are_refused_only_when_the_schema_says_so() {
    Map<String, Object> closed = Map.of("type", "object", "properties", Map.of("a", Map.of("type", "string")),
        "additionalProperties", false);
    assertThat(ToolArguments.check(closed, Map.of("b", 1))).containsExactly("unknown argument 'b'; known: a");
    assertThat(ToolArguments.check(Map.of("type", "object"), Map.of("b", 1))).isEmpty();
  }
}
