package dev.zen.mcp;

import dev.zen.internal.Checks;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks a call's arguments against the top level of its tool's input schema, for the tools an
 * application serves (the Zen agent checks its own): required arguments, each argument's
 * {@code type}, {@code enum}s of strings and {@code additionalProperties: false}. Nested schemas
 * are left to the tool. The sentences match the agent's, so a client reads the same wording for
 * every tool: {@code argument 'change' must be a string, was the number 42}.
 *
 * <p>Why here and not the SDK's validator: the SDK answers a schema violation with a protocol
 * error before the tool runs, while MCP asks for an {@code isError} result the model can read and
 * correct; and its validator (networknt, some 250 classes) costs start-up time.
 */
final class ToolArguments {
  private ToolArguments() {}

  /** The problems, as sentences; empty when the arguments fit. */
  static List<String> check(Map<String, Object> schema, Map<String, ? extends @Nullable Object> arguments) {
    List<String> errors = new ArrayList<>();
    Map<?, ?> properties = schema.get("properties") instanceof Map<?, ?> map ? map : Map.of();
    if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
      for (String name : arguments.keySet()) {
        if (!properties.containsKey(name)) {
          errors.add("unknown argument '" + name + "'; known: "
              + (properties.isEmpty() ? "none" : String.join(", ", properties.keySet().stream().map(String::valueOf).toList())));
        }
      }
    }
    if (schema.get("required") instanceof List<?> required) {
      for (Object name : required) {
        if (arguments.get(String.valueOf(name)) == null) {
          Object property = properties.get(name);
          String type = property instanceof Map<?, ?> p ? typeName(p.get("type")) : null;
          errors.add("missing required argument '" + name + "'" + (type == null ? "" : " (" + type + ")"));
        }
      }
    }
    for (Map.Entry<String, ? extends @Nullable Object> argument : arguments.entrySet()) {
      Object value = argument.getValue();
      // Like the agent: a JSON null is an argument left out.
      if (value == null || !(properties.get(argument.getKey()) instanceof Map<?, ?> property)) {
        continue;
      }
      Object type = property.get("type");
      if (type != null && !matches(type, value)) {
        errors.add("argument '" + argument.getKey() + "' must be " + typeName(type) + ", was " + describe(value));
        continue;
      }
      String problem = value instanceof String text ? Checks.unicodeProblem(text) : null;
      if (problem != null) {
        errors.add("argument '" + argument.getKey() + "' is refused: " + problem);
        continue;
      }
      if (property.get("enum") instanceof List<?> allowed && value instanceof String text && !allowed.contains(text)) {
        errors.add("argument '" + argument.getKey() + "' must be one of "
            + String.join(", ", allowed.stream().map(String::valueOf).toList()) + ", was '" + text + "'");
      }
    }
    return errors;
  }

  private static boolean matches(Object type, Object value) {
    if (type instanceof List<?> types) {
      return types.stream().anyMatch(t -> matches(t, value));
    }
    return switch (String.valueOf(type)) {
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "number" -> isNumber(value);
      case "integer" -> isInteger(value);
      case "array" -> value instanceof List<?>;
      case "object" -> value instanceof Map<?, ?>;
      // Values checked here are never null (a null counts as left out).
      case "null" -> false;
      // An unknown type name is the schema's problem, not the caller's.
      default -> true;
    };
  }

  private static boolean isNumber(Object value) {
    return value instanceof Number && !(value instanceof Double d && (d.isNaN() || d.isInfinite()));
  }

  /** JSON Schema counts 2.0 as an integer too. */
  private static boolean isInteger(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      return true;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.stripTrailingZeros().scale() <= 0;
    }
    return (value instanceof Double || value instanceof Float) && isNumber(value)
        && ((Number) value).doubleValue() == Math.rint(((Number) value).doubleValue());
  }

  private static @Nullable String typeName(@Nullable Object type) {
    if (type instanceof List<?> types) {
      return String.join(" or ", types.stream().map(ToolArguments::typeName).filter(Objects::nonNull).toList());
    }
    if (type == null) {
      return null;
    }
    return switch (String.valueOf(type)) {
      case "string" -> "a string";
      case "boolean" -> "true or false";
      case "number" -> "a number";
      case "integer" -> "an integer";
      case "array" -> "an array";
      case "object" -> "an object";
      case "null" -> "null";
      default -> String.valueOf(type);
    };
  }

  private static String describe(Object value) {
    if (value instanceof String text) {
      return "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return "the " + (value instanceof Boolean ? "boolean " : "number ") + value;
    }
    if (value instanceof List<?>) {
      return "an array";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
