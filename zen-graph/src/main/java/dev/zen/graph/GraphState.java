package dev.zen.graph;

import dev.zen.spi.StateValues;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A read-only view of a graph's state: deeply immutable {@link StateValues state values} by key. */
public final class GraphState {
  private final Map<String, @Nullable Object> values;

  private GraphState(Map<String, @Nullable Object> values) {
    this.values = values;
  }

  /** Wraps already frozen values (used by the runtime and tests). */
  public static GraphState of(Map<String, ? extends @Nullable Object> values) {
    return new GraphState(StateValues.freezeMap(values));
  }

  /** The whole state; immutable. */
  public Map<String, @Nullable Object> asMap() {
    return values;
  }

  public boolean has(String key) {
    return values.get(key) != null;
  }

  /** The value under {@code key}, if present and not null. */
  public Optional<Object> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The value under {@code key} as {@code type}, if present.
   *
   * @throws ClassCastException naming the key and both types when the value has another type
   */
  public <T> Optional<T> value(String key, Class<T> type) {
    Object value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!type.isInstance(value)) {
      throw new ClassCastException("state key '" + key + "' holds a " + value.getClass().getName()
          + ", not a " + type.getName());
    }
    return Optional.of(type.cast(value));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GraphState other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "GraphState" + values;
  }
}
