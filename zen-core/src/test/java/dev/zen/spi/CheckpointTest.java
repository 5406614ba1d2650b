package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckpointTest {

  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.123456789Z");

  @Test
  void a_blank_or_null_thread_id_is_rejected_by_name() {
    for (String bad : new String[] {null, "", "  \t"}) {
      assertThatThrownBy(() -> new Checkpoint(bad, "id", null, null, Map.of(), NOW))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("threadId must not be null or blank");
    }
  }

  @Test
  void a_blank_or_null_checkpoint_id_is_rejected_by_name() {
    for (String bad : new String[] {null, "", " "}) {
      assertThatThrownBy(() -> new Checkpoint("t", bad, null, null, Map.of(), NOW))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("id must not be null or blank");
    }
  }

  @Test
  void missing_state_or_creation_time_is_rejected_by_name() {
    assertThatThrownBy(() -> new Checkpoint("t", "id", null, null, null, NOW))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("state");
    assertThatThrownBy(() -> new Checkpoint("t", "id", null, null, Map.of(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("createdAt");
  }

  @Test
  void state_with_an_unsupported_value_is_rejected_with_its_path() {
    assertThatThrownBy(() -> new Checkpoint("t", "id", null, null, Map.of("tags", Set.of("a")), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tags'");
  }

  @Test
  @SuppressWarnings("unchecked")
  void state_is_frozen_so_the_caller_cannot_change_it_afterwards() {
    Map<String, Object> state = new HashMap<>();
    state.put("list", new java.util.ArrayList<>(List.of(1)));

    Checkpoint checkpoint = new Checkpoint("t", "id", "a", "b", state, NOW);
    state.put("more", 2);
    ((List<Object>) state.get("list")).add(2);

    assertThat(checkpoint.state()).isEqualTo(Map.of("list", List.of(1)));
    assertThat(StateValues.isFrozen(checkpoint.state())).isTrue();
    assertThatThrownBy(() -> checkpoint.state().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void node_ids_may_be_absent_and_checkpoints_compare_by_value() {
    Checkpoint a = new Checkpoint("t", "id", null, null, Map.of("k", 1), NOW);
    Checkpoint b = new Checkpoint("t", "id", null, null, new HashMap<>(Map.of("k", 1)), NOW);

    assertThat(a.nodeId()).isNull();
    assertThat(a.nextNodeId()).isNull();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(new Checkpoint("t", "id", null, null, Map.of("k", 1L), NOW));
  }
}
