package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class StateValuesTest {

  private record Person(String name) {}

  @Test
  void freezing_copies_deeply_so_later_changes_to_the_source_are_not_seen() {
    List<Object> tags = new ArrayList<>(List.of("a", "b"));
    Map<String, Object> inner = new HashMap<>(Map.of("x", 1));
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("tags", tags);
    source.put("inner", inner);

    Map<String, Object> frozen = StateValues.freezeMap(source);
    tags.add("c");
    inner.put("y", 2);
    source.put("extra", true);

    assertThat(frozen).containsOnlyKeys("tags", "inner");
    assertThat(frozen.get("tags")).isEqualTo(List.of("a", "b"));
    assertThat(frozen.get("inner")).isEqualTo(Map.of("x", 1));
  }

  @Test
  void frozen_maps_and_lists_are_immutable_at_every_level() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("list", new ArrayList<>(List.of(3, 1, 2)));
    source.put("map", new LinkedHashMap<>(Map.of("k", new ArrayList<>(List.of("deep")))));
    Map<String, Object> frozen = StateValues.freezeMap(source);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) frozen.get("list");
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) frozen.get("map");
    @SuppressWarnings("unchecked")
    List<Object> deep = (List<Object>) map.get("k");

    for (Map<String, Object> m : List.of(frozen, map)) {
      assertUnsupported(() -> m.put("new", 1));
      assertUnsupported(() -> m.remove(m.keySet().iterator().next()));
      assertUnsupported(m::clear);
      assertUnsupported(() -> m.putAll(Map.of("z", 1)));
      assertUnsupported(() -> m.entrySet().iterator().next().setValue("changed"));
      assertUnsupported(() -> {
        var it = m.entrySet().iterator();
        it.next();
        it.remove();
      });
      assertUnsupported(() -> m.keySet().remove(m.keySet().iterator().next()));
      assertUnsupported(() -> m.values().clear());
      assertUnsupported(() -> m.replaceAll((k, v) -> "changed"));
      assertUnsupported(() -> m.computeIfAbsent("absent", k -> 1));
    }
    for (List<Object> l : List.of(list, deep)) {
      assertUnsupported(() -> l.add("new"));
      assertUnsupported(() -> l.set(0, "changed"));
      assertUnsupported(() -> l.remove(0));
      assertUnsupported(l::clear);
      assertUnsupported(() -> l.listIterator().add("x"));
      assertUnsupported(() -> l.subList(0, 1).clear());
      assertUnsupported(() -> l.replaceAll(v -> "changed"));
    }
    assertUnsupported(() -> list.sort(null));

    assertThat(list).containsExactly(3, 1, 2);
    assertThat(deep).containsExactly("deep");
    assertThat(frozen).containsOnlyKeys("list", "map");
  }

  @Test
  void to_array_of_a_frozen_list_is_a_copy() {
    List<Object> list = asList(StateValues.freeze(List.of("a", "b")));

    Object[] array = list.toArray();
    array[0] = "changed";

    assertThat(list).containsExactly("a", "b");
  }

  @Test
  void already_frozen_containers_are_reused_not_copied() {
    Map<String, Object> frozenInner = StateValues.freezeMap(Map.of("x", List.of(1, 2)));
    Object frozenList = StateValues.freeze(List.of("a"));

    assertThat(StateValues.freezeMap(frozenInner)).isSameAs(frozenInner);
    assertThat(StateValues.freeze(frozenList)).isSameAs(frozenList);

    Map<String, Object> next = new HashMap<>();
    next.put("inner", frozenInner);
    next.put("list", frozenList);
    Map<String, Object> frozenNext = StateValues.freezeMap(next);

    assertThat(frozenNext.get("inner")).isSameAs(frozenInner);
    assertThat(frozenNext.get("list")).isSameAs(frozenList);
    assertThat(StateValues.isFrozen(frozenNext)).isTrue();
    assertThat(StateValues.isFrozen(next)).isFalse();
    assertThat(StateValues.isFrozen(new ArrayList<>())).isFalse();
    assertThat(StateValues.isFrozen(null)).isTrue();
    assertThat(StateValues.isFrozen("leaf")).isTrue();
  }

  @Test
  void leaves_of_every_supported_type_are_kept_as_they_are() {
    List<Object> leaves = Arrays.asList("s", true, (byte) 1, (short) 2, 3, 4L, 5.5f, 6.5d,
        new BigInteger("123456789012345678901234567890"), new BigDecimal("1.50"), null);

    for (Object leaf : leaves) {
      assertThat(StateValues.freeze(leaf)).isSameAs(leaf);
    }
    assertThat(asList(StateValues.freeze(leaves))).containsExactlyElementsOf(leaves);
  }

  @Test
  void a_record_deep_in_the_state_is_rejected_with_its_path_and_type() {
    Map<String, Object> message = new HashMap<>();
    message.put("foo", new Person("ada"));
    List<Object> messages = new ArrayList<>(List.of(Map.of(), Map.of(), Map.of(), message));

    assertThatThrownBy(() -> StateValues.freezeMap(Map.of("messages", messages)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'messages[3].foo'")
        .hasMessageContaining(Person.class.getName());
  }

  @Test
  void a_set_is_rejected_with_its_path_and_type() {
    Set<String> tags = new HashSet<>(Set.of("a"));

    assertThatThrownBy(() -> StateValues.freezeMap(Map.of("meta", Map.of("tags", tags))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'meta.tags'")
        .hasMessageContaining(HashSet.class.getName());
  }

  @Test
  void an_array_is_rejected_with_its_path_and_type() {
    assertThatThrownBy(() -> StateValues.freezeMap(Map.of("list", List.of(1, new int[] {1, 2}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'list[1]'")
        .hasMessageContaining("[I");
  }

  @Test
  void a_non_string_key_is_rejected_with_its_path_and_type() {
    Map<Object, Object> badMap = new HashMap<>();
    badMap.put(7, "seven");

    assertThatThrownBy(() -> StateValues.freezeMap(Map.of("outer", List.of(badMap))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'outer[0]'")
        .hasMessageContaining("java.lang.Integer")
        .hasMessageContaining("keys must be non-null Strings");

    Map<Object, Object> nullKey = new HashMap<>();
    nullKey.put(null, "x");
    assertThatThrownBy(() -> StateValues.freeze(nullKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'<root>'")
        .hasMessageContaining("key of type null");
  }

  @Test
  void an_unsupported_root_value_is_reported_at_the_root() {
    assertThatThrownBy(() -> StateValues.freeze(new StringBuilder("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'<root>'")
        .hasMessageContaining("java.lang.StringBuilder");
  }

  @Test
  void null_values_in_maps_and_lists_are_kept() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("gone", null);
    source.put("list", Arrays.asList(null, 1, null));

    Map<String, Object> frozen = StateValues.freezeMap(source);

    assertThat(frozen).hasSize(2).containsKey("gone").doesNotContainKey("absent");
    assertThat(frozen.get("gone")).isNull();
    assertThat(asList(frozen.get("list"))).containsExactly(null, 1, null);
  }

  @Test
  void insertion_order_is_kept_for_small_and_large_maps() {
    for (int size : new int[] {3, 8, 9, 40}) {
      Map<String, Object> source = new LinkedHashMap<>();
      List<String> keys = new ArrayList<>();
      for (int i = size; i > 0; i--) {
        String key = "k" + (i * 7919 % 101);
        keys.add(key);
        source.put(key, i);
      }

      Map<String, Object> frozen = StateValues.freezeMap(source);

      assertThat(frozen.keySet()).as("size %d", size).containsExactlyElementsOf(keys);
      for (String key : keys) {
        assertThat(frozen.get(key)).isEqualTo(source.get(key));
        assertThat(frozen.containsKey(key)).isTrue();
      }
      assertThat(frozen.get("missing")).isNull();
      assertThat(frozen.containsKey("missing")).isFalse();
      assertThat(frozen.get(null)).isNull();
      assertThat(frozen.containsKey(42)).isFalse();
    }
  }

  @Test
  void equals_and_hash_code_interoperate_with_java_util_collections() {
    Map<String, Object> plain = new HashMap<>();
    plain.put("a", 1);
    plain.put("b", Arrays.asList("x", null));
    plain.put("c", null);
    plain.put("d", new HashMap<>(Map.of("e", 2L)));

    Map<String, Object> frozen = StateValues.freezeMap(plain);

    assertThat(frozen).isEqualTo(plain);
    assertThat(plain).isEqualTo(frozen);
    assertThat(frozen.hashCode()).isEqualTo(plain.hashCode());
    assertThat(frozen.get("b")).isEqualTo(new ArrayList<>(Arrays.asList("x", null)));
    assertThat(frozen.get("b").hashCode()).isEqualTo(Arrays.asList("x", null).hashCode());
    assertThat(new HashSet<>(List.of(plain))).contains(frozen);
    assertThat(frozen).isNotEqualTo(Map.of("a", 1));
    assertThat(StateValues.emptyMap()).isEqualTo(Map.of()).hasSameHashCodeAs(Map.of());
  }

  @Test
  void the_empty_map_is_frozen_and_immutable() {
    Map<String, Object> empty = StateValues.emptyMap();

    assertThat(empty).isEmpty();
    assertThat(StateValues.isFrozen(empty)).isTrue();
    assertThat(StateValues.freezeMap(empty)).isSameAs(empty);
    assertUnsupported(() -> empty.put("a", 1));
  }

  @Test
  void estimate_bytes_grows_with_content() {
    long small = StateValues.estimateBytes(StateValues.freezeMap(Map.of("a", "x")));
    long longerString = StateValues.estimateBytes(StateValues.freezeMap(Map.of("a", "x".repeat(1000))));
    long moreEntries = StateValues.estimateBytes(StateValues.freezeMap(Map.of("a", "x", "b", "y")));
    long nested = StateValues.estimateBytes(StateValues.freezeMap(Map.of("a", "x", "b", List.of(Map.of("c", 1)))));

    assertThat(longerString).isGreaterThan(small + 1000);
    assertThat(moreEntries).isGreaterThan(small);
    assertThat(nested).isGreaterThan(moreEntries);
    assertThat(StateValues.estimateBytes(List.of(1, 2, 3))).isGreaterThan(StateValues.estimateBytes(List.of(1)));
    assertThat(StateValues.estimateBytes(null)).isPositive();
  }

  @Test
  void a_map_that_contains_itself_is_rejected_instead_of_overflowing_the_stack() {
    Map<String, Object> cyclic = new HashMap<>();
    List<Object> list = new ArrayList<>();
    list.add(cyclic);
    cyclic.put("self", list);

    assertThatThrownBy(() -> StateValues.freeze(cyclic))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("state value at 'self[0].self[0]")
        .hasMessageContaining("deeper than " + StateValues.MAX_DEPTH + " levels");
  }

  @Test
  void nesting_is_allowed_up_to_max_depth_and_rejected_one_level_below() {
    assertThatCode(() -> StateValues.freeze(nestedLists(StateValues.MAX_DEPTH))).doesNotThrowAnyException();
    assertThatThrownBy(() -> StateValues.freeze(nestedLists(StateValues.MAX_DEPTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deeper than");
  }

  @Test
  void reused_frozen_containers_count_towards_the_depth_limit() {
    Object deep = StateValues.freeze(nestedLists(StateValues.MAX_DEPTH - 1));

    assertThatCode(() -> StateValues.freeze(List.of(deep))).doesNotThrowAnyException();
    assertThatThrownBy(() -> StateValues.freeze(List.of(List.of(deep))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'[0][0]'");
  }

  /** A leaf at {@code depth} levels below the root: {@code [[[...["leaf"]...]]]}. */
  static Object nestedLists(int depth) {
    Object value = "leaf";
    for (int i = 0; i < depth; i++) {
      value = List.of(value);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object value) {
    return (List<Object>) value;
  }

  private static void assertUnsupported(ThrowingCallable change) {
    assertThatThrownBy(change).isInstanceOf(UnsupportedOperationException.class);
  }
}
