package dev.zen.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A call's arguments after the agent checked them against the tool's {@link ToolParam}s: present
 * values have the declared types (numbers as {@code Double}), absent and {@code null} values are
 * left out. Immutable.
 */
public final class ToolArguments {
  private static final ToolArguments NONE = new ToolArguments(Map.of());
  private final Map<String, Object> values;

  private ToolArguments(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  static ToolArguments of(Map<String, Object> checked) {
    return checked.isEmpty() ? NONE : new ToolArguments(checked);
  }

  /** Whether the call carried this argument. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The names the call carried. */
  public Set<String> names() {
    return values.keySet();
  }

  public Optional<String> string(String name) {
    return values.get(name) instanceof String text ? Optional.of(text) : Optional.empty();
  }

  public Optional<Double> number(String name) {
    return values.get(name) instanceof Double number ? Optional.of(number) : Optional.empty();
  }

  public Optional<Integer> integer(String name) {
    return values.get(name) instanceof Integer number ? Optional.of(number) : Optional.empty();
  }

  public Optional<Boolean> bool(String name) {
    return values.get(name) instanceof Boolean flag ? Optional.of(flag) : Optional.empty();
  }

  /** A string-list argument, or an empty list when absent. */
  public List<String> strings(String name) {
    return values.get(name) instanceof List<?> list ? list.stream().map(String.class::cast).toList() : List.of();
  }

  /** An object-list argument, each object checked against its fields, or an empty list when absent. */
  @SuppressWarnings("unchecked")
  public List<ToolArguments> objects(String name) {
    return values.get(name) instanceof List<?> list
        ? list.stream().map(item -> of((Map<String, Object>) item)).toList()
        : List.of();
  }

  /** The arguments as JSON-like values. */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "ToolArguments" + values.keySet();
  }
}
