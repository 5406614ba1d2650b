package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ConversationIds}: UUIDs that tell an owner's conversations apart without reading them. */
class ConversationIdsTest {

  @Test
  void a_new_id_is_a_version_8_uuid_tagged_with_its_owner_and_otherwise_random() {
    String id = ConversationIds.newId("alice");
    UUID parsed = UUID.fromString(id);
    assertThat(parsed.toString()).isEqualTo(id);
    assertThat(parsed.version()).isEqualTo(8);
    assertThat(parsed.variant()).as("IETF variant").isEqualTo(2);
    assertThat((int) (parsed.getMostSignificantBits() >>> 32)).isEqualTo(ConversationIds.tag("alice"));

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      ids.add(ConversationIds.newId("alice"));
    }
    assertThat(ids).as("the rest is random").hasSize(1_000);
    assertThat(ids).allMatch(each -> each.startsWith(id.substring(0, 8)));
  }

  @Test
  void an_id_rules_out_other_owners_but_an_untagged_one_rules_out_nobody() {
    String alices = ConversationIds.newId("alice");
    String nobodys = ConversationIds.newId(null);

    assertThat(ConversationIds.mayBelongTo(alices, "alice")).isTrue();
    assertThat(ConversationIds.mayBelongTo(alices, "bob")).isFalse();
    assertThat(ConversationIds.mayBelongTo(alices, null)).isFalse();
    assertThat(ConversationIds.mayBelongTo(nobodys, null)).isTrue();
    assertThat(ConversationIds.mayBelongTo(nobodys, "")).as("no principal is not the principal ''").isFalse();
    // Version 4 ids (before tags) and ids in other forms must still be read.
    assertThat(ConversationIds.mayBelongTo(UUID.randomUUID().toString(), "bob")).isTrue();
    assertThat(ConversationIds.mayBelongTo("thread-1", "bob")).isTrue();
  }
}
