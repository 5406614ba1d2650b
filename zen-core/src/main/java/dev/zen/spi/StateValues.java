package dev.zen.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The values graph state and checkpoints may hold, and their deeply immutable form.
 *
 * <p>State values are JSON-like: {@code null}, {@link String}, {@link Boolean}, {@link Byte},
 * {@link Short}, {@link Integer}, {@link Long}, {@link Float}, {@link Double}, {@link BigInteger},
 * {@link BigDecimal}, {@link List}s of state values and {@link Map}s from {@code String} to state
 * values (insertion order kept, {@code null} values allowed), nested at most {@value #MAX_DEPTH}
 * levels below the root. Every checkpoint store can persist them exactly (an {@code Integer} comes
 * back an {@code Integer}), and because {@link #freeze} makes them deeply immutable, state can be
 * shared between steps instead of being copied. Convert domain objects to maps at the edge of a
 * node.
 */
public final class StateValues {
  /**
   * How deep values may nest below the root value. The bound is checked when freezing, so a
   * cyclic container fails with a clear message instead of a {@link StackOverflowError}, and every
   * checkpoint that can be built can also be decoded ({@link CheckpointCodec} refuses deeper input
   * as damage).
   */
  public static final int MAX_DEPTH = 512;

  private StateValues() {}

  /**
   * A deeply immutable copy of {@code state}. Maps and lists already frozen are reused as they are,
   * so freezing a state whose values came from an earlier state costs one pass over its keys.
   *
   * @throws IllegalArgumentException naming the path of the first value of an unsupported type
   */
  public static Map<String, @Nullable Object> freezeMap(Map<String, ? extends @Nullable Object> state) {
    Objects.requireNonNull(state, "state");
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> frozen = (Map<String, @Nullable Object>) freeze(state, null, 0);
    return frozen;
  }

  /** The deeply immutable form of one state value (see the class documentation). */
  public static @Nullable Object freeze(@Nullable Object value) {
    return freeze(value, null, 0);
  }

  /** Whether {@code value} is already in frozen form (a leaf or a container made by freeze). */
  public static boolean isFrozen(@Nullable Object value) {
    return value == null || isLeaf(value) || value instanceof FrozenMap || value instanceof FrozenList;
  }

  /**
   * {@code value} frozen; {@code path} is where it sits in the state ({@code null}: the root), made
   * into text only for an error: building "a.b[2]" for every value was ~7 KB of the ~180 KB a
   * {@code chat} call allocated.
   */
  private static @Nullable Object freeze(@Nullable Object value, @Nullable Path path, int depth) {
    if (depth + height(value) > MAX_DEPTH) {
      throw new IllegalArgumentException("state value at '" + shorten(Path.display(path)) + "' nests deeper than "
          + MAX_DEPTH + " levels; flatten the state, and check that no map or list contains itself");
    }
    if (isFrozen(value)) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      String[] keys = new String[map.size()];
      Object[] values = new Object[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException("state map at '" + Path.display(path) + "' has a key of type "
              + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
              + "; state map keys must be non-null Strings");
        }
        keys[i] = key;
        values[i] = child(entry.getValue(), path, key, -1, depth + 1);
        i++;
      }
      return new FrozenMap(keys, values);
    }
    if (value instanceof List<?> list) {
      Object[] values = new Object[list.size()];
      int i = 0;
      for (Object element : list) {
        values[i] = child(element, path, null, i, depth + 1);
        i++;
      }
      return new FrozenList(values);
    }
    throw new IllegalArgumentException("state value at '" + Path.display(path) + "' has unsupported type "
        + value.getClass().getName() + "; state values must be null, String, Boolean, a number "
        + "(Byte, Short, Integer, Long, Float, Double, BigInteger, BigDecimal), a List or a Map<String, ?> of these");
  }

  /** A map's value ({@code key}) or a list's element ({@code index}) frozen; one already frozen costs no path. */
  private static @Nullable Object child(@Nullable Object value, @Nullable Path parent, @Nullable String key, int index,
      int depth) {
    if (isFrozen(value) && depth + height(value) <= MAX_DEPTH) {
      return value;
    }
    return freeze(value, new Path(parent, key, index), depth);
  }

  /** Where a value sits below the root: a map's key or a list's index, after its parent's path. */
  private static final class Path {
    private final @Nullable Path parent;
    private final @Nullable String key;
    private final int index;

    Path(@Nullable Path parent, @Nullable String key, int index) {
      this.parent = parent;
      this.key = key;
      this.index = index;
    }

    /** As written in errors: {@code a.b[2].c}, or {@code <root>}. */
    static String display(@Nullable Path path) {
      if (path == null) {
        return "<root>";
      }
      StringBuilder text = new StringBuilder();
      path.appendTo(text);
      return text.toString();
    }

    private void appendTo(StringBuilder text) {
      if (parent != null) {
        parent.appendTo(text);
      }
      if (key == null) {
        text.append('[').append(index).append(']');
      } else {
        text.append(text.length() == 0 ? "" : ".").append(key);
      }
    }
  }

  /** A path through a cycle is hundreds of segments long; its start is enough to find it. */
  private static String shorten(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "...";
  }

  /** Levels below {@code value}: 0 for leaves and empty containers (only frozen ones know it). */
  private static int height(@Nullable Object value) {
    if (value instanceof FrozenMap map) {
      return map.height;
    }
    if (value instanceof FrozenList list) {
      return list.height;
    }
    return 0;
  }

  private static int heightOver(@Nullable Object[] children) {
    int max = -1;
    for (Object child : children) {
      max = Math.max(max, height(child));
    }
    return max + 1;
  }

  static boolean isLeaf(Object value) {
    return value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof Float
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger
        || value instanceof BigDecimal;
  }

  /**
   * An estimate of the memory a frozen value holds, in bytes: used to bound stores by weight.
   * It is an estimate (object headers, UTF-16 strings), not an exact measurement.
   */
  public static long estimateBytes(@Nullable Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String s) {
      return 40L + 2L * s.length();
    }
    if (value instanceof Map<?, ?> map) {
      long total = 32;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        total += 16 + estimateBytes(entry.getKey()) + estimateBytes(entry.getValue());
      }
      return total;
    }
    if (value instanceof List<?> list) {
      long total = 24;
      for (Object element : list) {
        total += 8 + estimateBytes(element);
      }
      return total;
    }
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      return 64;
    }
    return 24;
  }

  /** An immutable insertion-ordered map; lookups are linear up to 8 keys, hashed above. */
  private static final class FrozenMap extends AbstractMap<String, @Nullable Object> {
    private final String[] keys;
    private final @Nullable Object[] values;
    private final @Nullable Map<String, Integer> index;
    final int height;

    FrozenMap(String[] keys, @Nullable Object[] values) {
      this.keys = keys;
      this.values = values;
      this.height = heightOver(values);
      if (keys.length > 8) {
        Map<String, Integer> positions = new LinkedHashMap<>(keys.length * 2);
        for (int i = 0; i < keys.length; i++) {
          positions.put(keys[i], i);
        }
        this.index = positions;
      } else {
        this.index = null;
      }
    }

    private int indexOf(@Nullable Object key) {
      if (index != null) {
        Integer position = index.get(key);
        return position == null ? -1 : position;
      }
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
      int i = indexOf(key);
      return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public Set<Entry<String, @Nullable Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, @Nullable Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < keys.length;
            }

            @Override
            public Entry<String, @Nullable Object> next() {
              if (next >= keys.length) {
                throw new java.util.NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(keys[i], values[i]);
            }
          };
        }

        @Override
        public int size() {
          return keys.length;
        }
      };
    }
  }

  /** An immutable list over an array nobody else holds. */
  private static final class FrozenList extends AbstractList<@Nullable Object> implements java.util.RandomAccess {
    private final @Nullable Object[] values;
    final int height;

    FrozenList(@Nullable Object[] values) {
      this.values = values;
      this.height = heightOver(values);
    }

    @Override
    public @Nullable Object get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public Object[] toArray() {
      return Arrays.copyOf(values, values.length);
    }
  }

  /** The empty frozen map. */
  public static Map<String, @Nullable Object> emptyMap() {
    return EMPTY;
  }

  private static final Map<String, @Nullable Object> EMPTY = new FrozenMap(new String[0], new Object[0]);

}
