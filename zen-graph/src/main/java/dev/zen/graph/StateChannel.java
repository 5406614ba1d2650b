package dev.zen.graph;

import dev.zen.spi.StateValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How updates to one state key merge with its current value. Keys without a declared channel
 * behave like {@link #lastValue()}.
 */
public final class StateChannel {
  private final @Nullable Object defaultValue;
  private final @Nullable BinaryOperator<@Nullable Object> reducer;

  private StateChannel(@Nullable Object defaultValue, @Nullable BinaryOperator<@Nullable Object> reducer) {
    this.defaultValue = StateValues.freeze(defaultValue);
    this.reducer = reducer;
  }

  /** The update replaces the value. */
  public static StateChannel lastValue() {
    return new StateChannel(null, null);
  }

  /** The update replaces the value; the key starts at {@code defaultValue}. */
  public static StateChannel lastValue(Object defaultValue) {
    return new StateChannel(Objects.requireNonNull(defaultValue, "defaultValue"), null);
  }

  /**
   * A list that updates append to: an update may be one element or a list of elements. Parallel
   * branches appending to it lose nothing.
   */
  public static StateChannel appending() {
    return new StateChannel(List.of(), (current, update) -> {
      List<@Nullable Object> merged = new ArrayList<>();
      if (current instanceof List<?> list) {
        merged.addAll(list);
      }
      if (update instanceof List<?> list) {
        merged.addAll(list);
      } else {
        merged.add(update);
      }
      return merged;
    });
  }

  /**
   * Merges updates with {@code reducer(current, update)}; the key starts at {@code defaultValue}.
   * The reducer receives and returns {@link StateValues state values}.
   */
  public static StateChannel reducing(@Nullable Object defaultValue, BinaryOperator<@Nullable Object> reducer) {
    return new StateChannel(defaultValue, Objects.requireNonNull(reducer, "reducer"));
  }

  @Nullable Object defaultValue() {
    return defaultValue;
  }

  @Nullable BinaryOperator<@Nullable Object> reducer() {
    return reducer;
  }
}
