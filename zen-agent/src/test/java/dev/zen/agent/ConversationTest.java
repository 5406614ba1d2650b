package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.ForwardingCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversation memory: continuation ids, stored turns, history budget, expiry, the turn cap. */
class ConversationTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  @Test
  void a_continued_chat_sends_the_earlier_turns_before_the_new_request() {
    gateway.answer = request -> CompletableFuture.completedFuture("reply to: " + request.lastUserText().lines()
        .reduce((a, b) -> b).orElse(""));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult first = Agents.call(agent, "chat", Map.of("prompt", "first question", "model", "beta"));
      ToolResult second = Agents.call(agent, "chat", Map.of("prompt", "second question", "model", "beta",
          "continuation_id", first.continuationId()));

      assertThat(second.continuationId()).isEqualTo(first.continuationId());
      List<ChatMessage> messages = gateway.requests.get(1).messages();
      assertThat(messages).extracting(ChatMessage::role).containsExactly(ChatMessage.Role.SYSTEM,
          ChatMessage.Role.USER, ChatMessage.Role.ASSISTANT, ChatMessage.Role.USER);
      assertThat(messages.get(1).text()).contains("first question");
      assertThat(messages.get(2).text()).isEqualTo("reply to: first question");
      assertThat(messages.get(3).text()).isEqualTo("second question");
    }
  }

  @Test
  void turns_files_and_the_model_of_each_turn_are_stored_in_the_thread_checkpoint(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "alpha\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "look", "model", "alpha",
          "absolute_file_paths", List.of(file.toString())));

      Checkpoint latest = store.latest(result.continuationId()).toCompletableFuture().join().orElseThrow();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> turns = (List<Map<String, Object>>) latest.state().get("turns");
      assertThat(turns).hasSize(2);
      assertThat(turns.get(0)).containsEntry("role", "user").containsEntry("tool", "chat")
          .containsEntry("text", "look").containsEntry("files", List.of(file.toString()));
      assertThat(turns.get(1)).containsEntry("role", "assistant").containsEntry("model", "alpha")
          .containsEntry("text", "answer from alpha");
      assertThat(latest.state().toString()).as("file contents never reach a checkpoint").doesNotContain("1│ alpha");
    }
  }

  @Test
  void any_tool_continues_any_thread() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult challenge = Agents.call(agent, "challenge", Map.of("prompt", "tabs beat spaces"));
      ToolResult consensus = Agents.call(agent, "consensus", Map.of("prompt", "adopt tabs?", "continuation_id",
          challenge.continuationId(), "models", List.of(Map.of("model", "alpha", "stance", "for"),
              Map.of("model", "beta", "stance", "against"))));
      ToolResult chat = Agents.call(agent, "chat", Map.of("prompt", "so?", "model", "gamma",
          "continuation_id", consensus.continuationId()));

      assertThat(chat.continuationId()).isEqualTo(challenge.continuationId());
      String lastRequest = GatewayDouble.allText(gateway.requests.get(gateway.requests.size() - 1));
      assertThat(lastRequest).contains("tabs beat spaces").contains("earlier request via consensus")
          .contains("adopt tabs?").contains("## Consensus of 2 models");
    }
  }

  @Test
  void a_file_already_in_the_history_is_embedded_once_in_its_current_state(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("Config.java"), "int version = 1;\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult first = Agents.call(agent, "chat", Map.of("prompt", "check", "model", "beta",
          "absolute_file_paths", List.of(file.toString())));
      Files.writeString(file, "int version = 2;\n");
      Agents.call(agent, "chat", Map.of("prompt", "and now?", "model", "beta",
          "continuation_id", first.continuationId(), "absolute_file_paths", List.of(file.toString())));
      Agents.call(agent, "chat", Map.of("prompt", "and later?", "model", "beta",
          "continuation_id", first.continuationId()));

      String second = GatewayDouble.allText(gateway.requests.get(1));
      assertThat(count(second, "BEGIN FILE: " + file)).isEqualTo(1);
      assertThat(second).contains("int version = 2;").doesNotContain("int version = 1;");
      String third = GatewayDouble.allText(gateway.requests.get(2));
      assertThat(count(third, "BEGIN FILE: " + file)).as("history files come back without being named").isEqualTo(1);
    }
  }

  @Test
  void an_unknown_continuation_id_is_an_error_telling_the_client_to_start_without_it() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "hi", "continuation_id", "no-such-thread"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("'no-such-thread' was not found").contains("without continuation_id");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void a_continuation_id_past_the_timeout_is_expired_and_its_thread_deleted() {
    Agents.MovableClock clock = new Agents.MovableClock();
    try (ZenAgent agent = Agents.builder(gateway, store).clock(clock)
        .options(ZenAgentOptions.builder().conversationTimeout(Duration.ofHours(3)).build()).build()) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "hi")).continuationId();
      clock.now = clock.now.plus(Duration.ofHours(2));
      assertThat(Agents.call(agent, "chat", Map.of("prompt", "still there?", "continuation_id", thread)).isError())
          .isFalse();
      clock.now = clock.now.plus(Duration.ofHours(3).plusMinutes(1));

      ToolResult expired = Agents.call(agent, "chat", Map.of("prompt", "and now?", "continuation_id", thread));

      assertThat(expired.isError()).isTrue();
      assertThat(expired.text()).contains("has expired").contains("3 hours").contains("without continuation_id");
      assertThat(store.threads().toCompletableFuture().join()).doesNotContain(thread);
    }
  }

  @Test
  void a_conversation_at_its_turn_cap_refuses_more_and_says_to_start_a_new_one() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().maxConversationTurns(4).build()).build()) {
      ToolResult first = Agents.call(agent, "chat", Map.of("prompt", "1"));
      assertThat(first.structuredContent()).containsEntry("turns_left", 2);
      ToolResult second = Agents.call(agent, "chat", Map.of("prompt", "2", "continuation_id", first.continuationId()));
      assertThat(second.structuredContent()).containsEntry("turns_left", 0);

      ToolResult third = Agents.call(agent, "chat", Map.of("prompt", "3", "continuation_id", first.continuationId()));

      assertThat(third.isError()).isTrue();
      assertThat(third.text()).contains("limit of 4 turns").contains("without continuation_id");
      assertThat(gateway.requests).hasSize(2);
    }
  }

  @Test
  void another_principals_continuation_id_is_not_found_exactly_like_an_unknown_one() {
    try (ZenAgent agent = Agents.builder(gateway, store).build()) {
      ToolResult alice = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "alice's secret plan"))
          .principal("alice").build()).join();
      String thread = alice.continuationId();
      String unknown = "00000000-0000-4000-8000-000000000000";

      ToolResult bob = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "go on", "continuation_id", thread))
          .principal("bob").build()).join();
      ToolResult bobUnknown = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "go on",
          "continuation_id", unknown)).principal("bob").build()).join();
      ToolResult anonymous = Agents.call(agent, "chat", Map.of("prompt", "go on", "continuation_id", thread));

      assertThat(bob.isError()).isTrue();
      assertThat(bob.text()).isEqualTo(bobUnknown.text().replace(unknown, thread));
      assertThat(bob.structuredContent().keySet()).isEqualTo(bobUnknown.structuredContent().keySet());
      assertThat(bob.structuredContent().get("content")).isEqualTo(bob.text());
      assertThat(anonymous.text()).isEqualTo(bob.text());
      assertThat(gateway.requests).as("no model saw alice's thread for bob").hasSize(1);

      ToolResult again = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "go on", "continuation_id",
          thread)).principal("alice").build()).join();
      assertThat(again.isError()).isFalse();
      assertThat(GatewayDouble.allText(gateway.requests.get(1))).contains("alice's secret plan");
    }
  }

  @Test
  void each_principal_lists_and_deletes_only_its_own_conversations() {
    try (ZenAgent agent = Agents.builder(gateway, store).build()) {
      String first = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "alice one"))
          .principal("alice").build()).join().continuationId();
      String second = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "alice two\n  spread out"))
          .principal("alice").build()).join().continuationId();
      String bobs = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "bob's"))
          .principal("bob").build()).join().continuationId();
      agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "more", "continuation_id", first))
          .principal("alice").build()).join();

      List<ConversationSummary> alice = agent.conversations("alice", 10).join();
      assertThat(alice).extracting(ConversationSummary::continuationId).containsExactly(first, second);
      assertThat(alice.get(0).turns()).isEqualTo(4);
      assertThat(alice.get(0).firstPrompt()).isEqualTo("alice one");
      assertThat(alice.get(1).firstPrompt()).isEqualTo("alice two spread out");
      assertThat(alice.get(0).lastTool()).isEqualTo("chat");
      assertThat(agent.conversations("alice", 1).join()).hasSize(1);
      assertThat(agent.conversations("bob", 10).join()).extracting(ConversationSummary::continuationId)
          .containsExactly(bobs);
      assertThat(agent.conversations(null, 10).join()).isEmpty();

      assertThat(agent.deleteConversation("bob", first).join()).as("not bob's to delete").isFalse();
      assertThat(agent.conversations("alice", 10).join()).hasSize(2);
      assertThat(agent.deleteConversation("alice", first).join()).isTrue();
      assertThat(agent.deleteConversation("alice", first).join()).isFalse();
      ToolResult gone = agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "again", "continuation_id",
          first)).principal("alice").build()).join();
      assertThat(gone.text()).contains("was not found");
    }
  }

  @Test
  void listing_an_owners_conversations_reads_theirs_not_every_users() {
    List<String> latestReads = new CopyOnWriteArrayList<>();
    CheckpointStore counting = new ForwardingCheckpointStore(store) {
      @Override
      public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
        latestReads.add(threadId);
        return store.latest(threadId);
      }
    };
    try (ZenAgent agent = Agents.builder(gateway, store).checkpointStore(counting).build()) {
      List<String> alices = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        alices.add(agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "alice " + i))
            .principal("alice").build()).join().continuationId());
      }
      for (int i = 0; i < 30; i++) {
        agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "bob " + i)).principal("bob").build()).join();
      }
      // A conversation from before tagged ids (a version 4 UUID) is still listed for its owner.
      String legacy = UUID.randomUUID().toString();
      Checkpoint alicesFirst = store.latest(alices.get(0)).toCompletableFuture().join().orElseThrow();
      store.put(new Checkpoint(legacy, "latest", alicesFirst.nodeId(), alicesFirst.nextNodeId(), alicesFirst.state(),
          alicesFirst.createdAt())).toCompletableFuture().join();
      latestReads.clear();

      assertThat(agent.conversations("alice", 10).join()).extracting(ConversationSummary::continuationId)
          .containsExactlyInAnyOrder(alices.get(0), alices.get(1), alices.get(2), legacy);
      assertThat(latestReads).as("alice's threads and the untagged one; none of bob's 30")
          .containsExactlyInAnyOrder(alices.get(0), alices.get(1), alices.get(2), legacy);
    }
  }

  @Test
  void no_answer_offers_a_continuation_id_that_the_next_call_would_refuse() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().maxConversationTurns(4).build()).build()) {
      ToolResult first = Agents.call(agent, "chat", Map.of("prompt", "1"));
      assertThat(first.text()).contains("pass it as continuation_id");
      ToolResult last = Agents.call(agent, "chat", Map.of("prompt", "2", "continuation_id", first.continuationId()));
      assertThat(last.text()).doesNotContain("pass it as continuation_id").contains("reached its limit of 4 turns");

      ToolResult refused = Agents.call(agent, "chat", Map.of("prompt", "3", "continuation_id", first.continuationId()));
      assertThat(refused.text()).contains("without continuation_id").doesNotContain("pass it as continuation_id");
      assertThat(refused.structuredContent()).doesNotContainKey("continuation_id");
      assertThat(refused.continuationId()).isNull();

      ToolResult unknown = Agents.call(agent, "chat", Map.of("prompt", "4", "continuation_id",
          "00000000-0000-4000-8000-000000000000"));
      assertThat(unknown.isError()).isTrue();
      assertThat(unknown.text()).contains("was not found").doesNotContain("pass it as continuation_id");
      assertThat(unknown.structuredContent()).doesNotContainKey("continuation_id");
    }
  }

  @Test
  void history_is_rebuilt_newest_first_within_the_token_budget() {
    String bulky = "x".repeat(8_000);
    gateway.answer = request -> CompletableFuture.completedFuture(bulky);
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().maxRequestTokens(10_000).build()).build()) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "turn one")).continuationId();
      for (String prompt : List.of("turn two", "turn three", "turn four", "turn five")) {
        Agents.call(agent, "chat", Map.of("prompt", prompt, "continuation_id", thread));
      }
      Agents.call(agent, "chat", Map.of("prompt", "turn six", "continuation_id", thread));

      ChatRequest last = gateway.requests.get(gateway.requests.size() - 1);
      String text = GatewayDouble.allText(last);
      assertThat(text).contains("turn five").contains("turn four").doesNotContain("turn one");
      assertThat(last.lastUserText()).contains("earlier turns of this conversation were left out");
      assertThat(text.length() / 4).isLessThan(10_000);
    }
  }

  @Test
  void calls_continuing_one_thread_run_one_after_the_other_in_arrival_order() {
    CompletableFuture<String> gate = new CompletableFuture<>();
    List<String> seen = new ArrayList<>();
    gateway.answer = request -> {
      synchronized (seen) {
        seen.add(request.lastUserText());
      }
      return request.lastUserText().equals("first") ? gate : CompletableFuture.completedFuture("ok");
    };
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      String thread = Agents.call(agent, "challenge", Map.of("prompt", "start")).continuationId();
      CompletableFuture<ToolResult> first = agent.call(ToolCall.of("chat", Map.of("prompt", "first", "continuation_id", thread)));
      CompletableFuture<ToolResult> second = agent.call(ToolCall.of("chat", Map.of("prompt", "second", "continuation_id", thread)));
      // The second call must wait for the first; it cannot have reached the gateway yet.
      assertThat(second).isNotDone();
      gate.complete("done");

      assertThat(second.join().isError()).isFalse();
      assertThat(first.join().isError()).isFalse();
      assertThat(seen).containsExactly("first", "second");
      assertThat(GatewayDouble.allText(gateway.requests.get(1))).contains("done");
    }
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  @Test
  void a_continued_call_without_a_model_keeps_the_model_of_the_last_answer() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "first", "model", "gamma")).continuationId();
      ToolResult second = Agents.call(agent, "chat", Map.of("prompt", "second", "continuation_id", thread));
      ToolResult third = Agents.call(agent, "chat", Map.of("prompt", "third", "model", "beta", "continuation_id",
          thread));

      assertThat(second.structuredContent()).containsEntry("model", "gamma");
      assertThat(third.structuredContent()).containsEntry("model", "beta");
    }
  }
}
