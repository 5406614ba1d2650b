package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  @Test
  void chat_answers_with_the_model_text_and_returns_a_continuation_id_in_text_and_structured_content() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "Is this sound?", "model", "beta"));

      assertThat(result.isError()).isFalse();
      assertThat(result.structuredContent()).containsEntry("status", "success")
          .containsEntry("content", "answer from beta").containsEntry("model", "beta")
          .containsEntry("continuation_id", result.continuationId());
      assertThat(result.continuationId()).isNotBlank();
      assertThat(result.text()).startsWith("answer from beta").contains("continuation_id: " + result.continuationId());
      ChatRequest request = gateway.requests.get(0);
      assertThat(request.messages().get(0).role()).isEqualTo(ChatMessage.Role.SYSTEM);
      assertThat(request.lastUserText()).endsWith("Is this sound?");
    }
  }

  @Test
  void auto_picks_the_registry_model_for_the_tool_category_among_those_the_gateway_lists() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult chat = Agents.call(agent, "chat", Map.of("prompt", "hi"));

      assertThat(chat.structuredContent()).containsEntry("model", "gamma");
    }
  }

  @Test
  void temperature_reaches_the_gateway_request() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "alpha", "temperature", 0.3));

      assertThat(gateway.requests.get(0).temperature()).contains(0.3);
    }
  }

  @Test
  void progress_arrives_once_per_graph_node_and_once_per_batch_of_streamed_chunks() {
    String longAnswer = "word ".repeat(300);
    gateway.answer = request -> CompletableFuture.completedFuture(longAnswer);
    Agents.Reports reports = new Agents.Reports();
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      agent.call(ToolCall.builder("chat").arguments(Map.of("prompt", "hi")).progressListener(reports.all::add).build())
          .join();
    }

    List<String> messages = reports.messages();
    assertThat(messages).filteredOn(m -> m.startsWith("supervisor:")).hasSize(1);
    assertThat(messages).filteredOn(m -> m.startsWith("model_router:")).hasSize(1);
    assertThat(messages).filteredOn(m -> m.startsWith("file_processor:")).hasSize(1);
    assertThat(messages).filteredOn(m -> m.startsWith("response:")).hasSize(1);
    // 1,500 characters in batches of 400: three full batches and the rest.
    assertThat(messages).filteredOn(m -> m.startsWith("chat (gamma): received")).hasSize(4);
    assertThat(reports.all).extracting(ToolProgress::progress).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void a_failing_model_gives_an_error_result_naming_it_instead_of_a_failed_future() {
    gateway.answer = request -> CompletableFuture.failedFuture(new dev.zen.ServiceUnavailableException("HTTP 503", null));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "beta"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("'beta' failed").contains("HTTP 503");
      assertThat(result.continuationId()).isNull();
    }
    assertThat(store.threads().toCompletableFuture().join()).as("a new thread that stored no turn is deleted").isEmpty();
  }

  @Test
  void an_unknown_model_gives_an_error_result_listing_the_available_models() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "omega"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("unknown model 'omega'").contains("alpha");
    }
  }

  @Test
  void files_are_embedded_line_numbered_in_the_request(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("Main.java"), "class Main {\n  int x;\n}\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "review", "absolute_file_paths",
          List.of(file.toString())));

      String sent = gateway.requests.get(0).lastUserText();
      assertThat(sent).contains("--- BEGIN FILE: " + file + " (3 lines) ---")
          .contains("   1│ class Main {").contains("   2│   int x;").contains("   3│ }");
      assertThat(sent.indexOf("BEGIN FILE")).isLessThan(sent.indexOf("review"));
      @SuppressWarnings("unchecked")
      Map<String, Object> files = (Map<String, Object>) result.structuredContent().get("files");
      assertThat(files.get("embedded")).isEqualTo(List.of(file.toString()));
    }
  }

  @Test
  void a_failure_says_whether_calling_again_can_help() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      gateway.answer = request -> CompletableFuture.failedFuture(new dev.zen.ServiceUnavailableException("upstream 503", null));
      ToolResult temporary = Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "beta"));
      gateway.answer = request -> CompletableFuture.failedFuture(new dev.zen.AuthenticationException("bad key", null));
      ToolResult refused = Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "beta"));

      assertThat(temporary.text()).contains("upstream 503").contains("likely temporary: try again");
      assertThat(refused.text()).contains("bad key").contains("Calling again the same way will not help")
          .doesNotContain("try again");
    }
  }

  @Test
  void a_call_waiting_for_a_slow_model_keeps_reporting_that_it_waits() throws Exception {
    CompletableFuture<String> slow = new CompletableFuture<>();
    gateway.answer = request -> slow;
    Agents.Reports reports = new Agents.Reports();
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().progressHeartbeat(java.time.Duration.ofMillis(50)).build()).build()) {
      CompletableFuture<ToolResult> call = agent.call(ToolCall.builder("chat")
          .arguments(Map.of("prompt", "think hard", "model", "beta")).progressListener(reports.all::add).build());
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (reports.messages().stream().filter(m -> m.startsWith("waiting for beta")).count() < 2
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      slow.complete("done thinking");
      assertThat(call.join().isError()).isFalse();
      int after = reports.all.size();
      Thread.sleep(300);

      assertThat(reports.messages()).anyMatch(m -> m.matches("waiting for beta \\(\\d+ s\\)"));
      assertThat(reports.all).as("no heartbeat after the answer").hasSize(after);
    }
  }
}
