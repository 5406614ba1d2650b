package dev.zen.agent;

import dev.zen.internal.Checks;
import dev.zen.spi.StateValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One argument of a tool: the JSON Schema a client sees and the check the agent applies, from one
 * definition so the two cannot drift apart. The arguments every Zen tool shares are constants
 * here ({@link #PROMPT}, {@link #FILES}, ...) and carry no description: the agent's instructions
 * describe them once, which keeps tool lists small.
 *
 * <p>Declaring {@link #FILES} makes a tool go through the file stage; {@link #CONTINUATION} makes
 * its calls part of a conversation thread (see {@link ZenTool}). Every {@linkplain #paths path
 * list} is checked by the agent's path rules (absolute, no {@code ..}, no system directories)
 * before the tool runs.
 */
public final class ToolParam {
  enum Type { STRING, NUMBER, INTEGER, BOOLEAN, STRING_LIST, OBJECT_LIST }

  /** The request text (required). A {@code prompt.txt} among the files replaces or precedes it. */
  public static final ToolParam PROMPT = string("prompt", true, null);
  /** Absolute paths of files or directories to embed. */
  public static final ToolParam FILES = paths("absolute_file_paths", false, null, 200);
  /** Absolute paths of images, or {@code data:} URLs, sent to models that see images (at most 5). */
  public static final ToolParam IMAGES = paths("images", false, null, 5);
  /** The model to ask, or {@code auto}. */
  public static final ToolParam MODEL = string("model", false, null);
  /** Sampling temperature, 0 to 2; fitted to what the model accepts. */
  public static final ToolParam TEMPERATURE = number("temperature", false, null, 0, 2);
  /** How hard a reasoning model thinks: minimal, low, medium, high, max (ignored, with a note, by other models). */
  public static final ToolParam THINKING_MODE = oneOf("thinking_mode", false, null, "minimal", "low", "medium", "high",
      "max");
  /** The conversation thread to continue. */
  public static final ToolParam CONTINUATION = string("continuation_id", false, null);

  final String name;
  final Type type;
  final boolean required;
  final @Nullable String description;
  final List<String> enumValues;
  final @Nullable Double min;
  final @Nullable Double max;
  final List<ToolParam> fields;
  final int maxItems;
  /** For object lists: whether objects may carry fields beyond {@link #fields} (kept as sent). */
  final boolean open;
  /** For string lists: whether the strings are file paths the agent's path rules check. */
  final boolean paths;

  private ToolParam(String name, Type type, boolean required, @Nullable String description, List<String> enumValues,
      @Nullable Double min, @Nullable Double max, List<ToolParam> fields, int maxItems, boolean open, boolean paths) {
    this.name = Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a parameter needs a name");
    }
    this.type = type;
    this.required = required;
    this.description = description;
    this.enumValues = List.copyOf(enumValues);
    this.min = min;
    this.max = max;
    this.fields = List.copyOf(fields);
    this.maxItems = maxItems;
    this.open = open;
    this.paths = paths;
  }

  private static ToolParam of(String name, Type type, boolean required, @Nullable String description) {
    return new ToolParam(name, type, required, description, List.of(), null, null, List.of(), 0, false, false);
  }

  /** A string. */
  public static ToolParam string(String name, boolean required, @Nullable String description) {
    return of(name, Type.STRING, required, description);
  }

  /** A string from a fixed set of values. */
  public static ToolParam oneOf(String name, boolean required, @Nullable String description, String... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("parameter '" + name + "' needs at least one value");
    }
    return new ToolParam(name, Type.STRING, required, description, List.of(values), null, null, List.of(), 0, false,
        false);
  }

  /** A number between {@code min} and {@code max} (arrives as {@code Double}). */
  public static ToolParam number(String name, boolean required, @Nullable String description, double min, double max) {
    return new ToolParam(name, Type.NUMBER, required, description, List.of(), min, max, List.of(), 0, false, false);
  }

  /** A whole number of at least {@code min} (arrives as {@code Integer}). */
  public static ToolParam integer(String name, boolean required, @Nullable String description, int min) {
    return new ToolParam(name, Type.INTEGER, required, description, List.of(), (double) min, null, List.of(), 0, false,
        false);
  }

  /** True or false. */
  public static ToolParam bool(String name, boolean required, @Nullable String description) {
    return of(name, Type.BOOLEAN, required, description);
  }

  /** A list of strings, at most {@code maxItems} (0: no limit). */
  public static ToolParam strings(String name, boolean required, @Nullable String description, int maxItems) {
    return new ToolParam(name, Type.STRING_LIST, required, description, List.of(), null, null, List.of(), maxItems,
        false, false);
  }

  /**
   * A list of file paths, at most {@code maxItems} (0: no limit): each must be absolute and pass
   * the agent's path rules, or the call is refused before the tool runs.
   */
  public static ToolParam paths(String name, boolean required, @Nullable String description, int maxItems) {
    return new ToolParam(name, Type.STRING_LIST, required, description, List.of(), null, null, List.of(), maxItems,
        false, true);
  }

  /** A non-empty list of objects with exactly these fields, at most {@code maxItems} (0: no limit). */
  public static ToolParam objects(String name, boolean required, @Nullable String description, int maxItems,
      ToolParam... fields) {
    return new ToolParam(name, Type.OBJECT_LIST, required, description, List.of(), null, null, List.of(fields), maxItems,
        false, false);
  }

  /**
   * A list of objects whose known {@code fields} are checked and whose other fields are kept as
   * sent (JSON values): for conventions agents extend, such as an issue's {@code file} or
   * {@code line} beside its {@code severity}.
   */
  public static ToolParam openObjects(String name, boolean required, @Nullable String description, int maxItems,
      ToolParam... fields) {
    return new ToolParam(name, Type.OBJECT_LIST, required, description, List.of(), null, null, List.of(fields), maxItems,
        true, false);
  }

  /** The argument's name as clients send it. */
  public String name() {
    return name;
  }

  /** Whether every call must carry it. */
  public boolean required() {
    return required;
  }

  /** Whether the argument is a list of file paths the agent's path rules check. */
  public boolean isPathList() {
    return paths;
  }

  /** This argument's JSON Schema. */
  public Map<String, Object> schema() {
    Map<String, Object> schema = new LinkedHashMap<>();
    switch (type) {
      case STRING -> {
        schema.put("type", "string");
        if (!enumValues.isEmpty()) {
          schema.put("enum", enumValues);
        }
      }
      case NUMBER, INTEGER -> {
        schema.put("type", type == Type.NUMBER ? "number" : "integer");
        if (min != null) {
          schema.put("minimum", bound(min));
        }
        if (max != null) {
          schema.put("maximum", bound(max));
        }
      }
      case BOOLEAN -> schema.put("type", "boolean");
      case STRING_LIST -> {
        schema.put("type", "array");
        schema.put("items", Map.of("type", "string"));
      }
      case OBJECT_LIST -> {
        schema.put("type", "array");
        if (open) {
          Map<String, Object> items = objectSchema(fields);
          items.remove("additionalProperties");
          items.remove("required");
          if (fields.isEmpty()) {
            items.remove("properties");
          }
          schema.put("items", items);
        } else {
          schema.put("items", objectSchema(fields));
          schema.put("minItems", 1);
        }
      }
    }
    if (maxItems > 0) {
      schema.put("maxItems", maxItems);
    }
    if (description != null) {
      schema.put("description", description);
    }
    return schema;
  }

  /** A bound as the schema shows it: {@code 2}, not {@code 2.0}, when it is whole. */
  private static Object bound(double value) {
    return value == Math.rint(value) && Math.abs(value) < Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
  }

  static Map<String, Object> objectSchema(List<ToolParam> params) {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (ToolParam param : params) {
      properties.put(param.name, param.schema());
      if (param.required) {
        required.add(param.name);
      }
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  /**
   * Checks and normalizes raw JSON-decoded arguments against {@code params}: numbers become
   * {@code Double}, whole numbers {@code Integer}, absent and {@code null} values are left out.
   * Problems are added to {@code errors} as sentences naming the argument.
   */
  static Map<String, Object> parseObject(List<ToolParam> params, Map<String, ? extends @Nullable Object> raw, String prefix,
      List<String> errors) {
    return parseObject(params, raw, prefix, errors, false);
  }

  private static Map<String, Object> parseObject(List<ToolParam> params, Map<String, ? extends @Nullable Object> raw,
      String prefix, List<String> errors, boolean keepUnknown) {
    Map<String, Object> parsed = new LinkedHashMap<>();
    Map<String, ToolParam> byName = new LinkedHashMap<>();
    params.forEach(param -> byName.put(param.name, param));
    for (Map.Entry<String, ? extends @Nullable Object> entry : raw.entrySet()) {
      if (byName.containsKey(entry.getKey())) {
        continue;
      }
      if (!keepUnknown) {
        errors.add("unknown argument '" + prefix + entry.getKey() + "'; known: " + String.join(", ", byName.keySet()));
      } else if (entry.getValue() != null) {
        try {
          parsed.put(entry.getKey(), StateValues.freeze(entry.getValue()));
        } catch (IllegalArgumentException e) {
          errors.add("argument '" + prefix + entry.getKey() + "' is not a JSON value");
        }
      }
    }
    for (ToolParam param : params) {
      Object value = raw.get(param.name);
      if (value == null) {
        if (param.required) {
          errors.add("missing required argument '" + prefix + param.name + "' (" + param.typeName() + ")");
        }
        continue;
      }
      Object checked = param.parse(value, prefix + param.name, errors);
      if (checked != null) {
        parsed.put(param.name, checked);
      }
    }
    return parsed;
  }

  private @Nullable Object parse(Object value, String path, List<String> errors) {
    switch (type) {
      case STRING -> {
        if (!(value instanceof String text)) {
          return wrongType(path, value, errors);
        }
        if (!enumValues.isEmpty() && !enumValues.contains(text)) {
          errors.add("argument '" + path + "' must be one of " + String.join(", ", enumValues) + ", was '" + text + "'");
          return null;
        }
        return validUnicode(text, path, errors);
      }
      case NUMBER -> {
        Double number = toDouble(value);
        if (number == null) {
          return wrongType(path, value, errors);
        }
        if ((min != null && number < min) || (max != null && number > max) || number.isNaN()) {
          errors.add("argument '" + path + "' must be between " + format(min) + " and " + format(max) + ", was " + value);
          return null;
        }
        return number;
      }
      case INTEGER -> {
        Double number = toDouble(value);
        if (number == null || number != Math.rint(number) || Math.abs(number) > Integer.MAX_VALUE) {
          return wrongType(path, value, errors);
        }
        if (min != null && number < min) {
          errors.add("argument '" + path + "' must be at least " + format(min) + ", was " + value);
          return null;
        }
        return number.intValue();
      }
      case BOOLEAN -> {
        return value instanceof Boolean ? value : wrongType(path, value, errors);
      }
      case STRING_LIST -> {
        if (!(value instanceof List<?> list)) {
          return wrongType(path, value, errors);
        }
        if (maxItems > 0 && list.size() > maxItems) {
          errors.add("argument '" + path + "' has " + list.size() + " items; at most " + maxItems + " are allowed");
          return null;
        }
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          if (!(list.get(i) instanceof String text)) {
            errors.add("argument '" + path + "[" + i + "]' must be a string, was " + describe(list.get(i)));
            return null;
          }
          if (validUnicode(text, path + "[" + i + "]", errors) == null) {
            return null;
          }
          strings.add(text);
        }
        return strings;
      }
      case OBJECT_LIST -> {
        if (!(value instanceof List<?> list)) {
          return wrongType(path, value, errors);
        }
        if (list.isEmpty() && !open) {
          errors.add("argument '" + path + "' must not be empty");
          return null;
        }
        if (maxItems > 0 && list.size() > maxItems) {
          errors.add("argument '" + path + "' has " + list.size() + " items; at most " + maxItems + " are allowed");
          return null;
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          if (!(list.get(i) instanceof Map<?, ?> map)) {
            errors.add("argument '" + path + "[" + i + "]' must be an object, was " + describe(list.get(i)));
            return null;
          }
          Map<String, @Nullable Object> fieldsByName = new LinkedHashMap<>();
          map.forEach((key, item) -> fieldsByName.put(String.valueOf(key), item));
          objects.add(parseObject(fields, fieldsByName, path + "[" + i + "].", errors, open));
        }
        return objects;
      }
    }
    throw new AssertionError(type);
  }

  /** {@code text}, or null with an error when a model would get something else than was sent. */
  private static @Nullable String validUnicode(String text, String path, List<String> errors) {
    String problem = Checks.unicodeProblem(text);
    if (problem != null) {
      errors.add("argument '" + path + "' is refused: " + problem);
      return null;
    }
    return text;
  }

  private @Nullable Object wrongType(String path, Object value, List<String> errors) {
    errors.add("argument '" + path + "' must be " + typeName() + ", was " + describe(value));
    return null;
  }

  private String typeName() {
    return switch (type) {
      case STRING -> enumValues.isEmpty() ? "a string" : "one of " + String.join(", ", enumValues);
      case NUMBER -> "a number";
      case INTEGER -> "a whole number";
      case BOOLEAN -> "true or false";
      case STRING_LIST -> "an array of strings";
      case OBJECT_LIST -> "an array of objects";
    };
  }

  private static @Nullable Double toDouble(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof Double || value instanceof Float || value instanceof BigDecimal
        || value instanceof BigInteger) {
      return ((Number) value).doubleValue();
    }
    return null;
  }

  private static String format(@Nullable Double bound) {
    if (bound == null) {
      return "any";
    }
    return bound == Math.rint(bound) ? String.valueOf(bound.longValue()) : String.valueOf(bound);
  }

  static String describe(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
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
    return "a " + Objects.toString(value.getClass().getSimpleName());
  }

  @Override
  public String toString() {
    return "ToolParam[" + name + ", " + typeName() + (required ? ", required" : "") + "]";
  }
}
