package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.testkit.RedisServerProcess;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workflow tools through the real server jar over pipes, against the fake OpenAI-compatible
 * server: each tool's status paths, an expert failure then a retry, and a workflow whose steps run
 * on two server processes sharing a real Redis.
 */
class WorkflowServerIT {
  private static FakeOpenAiServer fake;
  private static RedisServerProcess redis;
  private static McpAsyncClient client;

  @BeforeAll
  static void start() {
    fake = FakeOpenAiServer.builder().models("gpt-5", "o3")
        .answer(request -> "EXPERT-ANSWER from " + request.model())
        .latency(Duration.ofMillis(20)).start();
    redis = RedisServerProcess.builder().start();
    client = server();
  }

  @AfterAll
  static void stop() {
    client.closeGracefully().block(Duration.ofSeconds(20));
    redis.close();
    fake.close();
  }

  @BeforeEach
  void clean() {
    fake.clearRecords();
    fake.clearFaults();
  }

  private static McpAsyncClient server() {
    McpAsyncClient started = ServerJar.client(List.of(), Map.of(ServerConfig.CUSTOM_API_URL, fake.baseUrl(),
        ServerConfig.REDIS_URL, redis.uri(), ServerConfig.DEFAULT_MODEL, "gpt-5"), log -> {}, progress -> {});
    started.initialize().block();
    return started;
  }

  private static CallToolResult call(McpAsyncClient on, String tool, Map<String, Object> arguments) {
    return on.callTool(CallToolRequest.builder(tool).arguments(arguments).build()).block(Duration.ofSeconds(60));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  private static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  private static Map<String, Object> step(int number, int total, boolean next, String text, String findings,
      Object... more) {
    Map<String, Object> step = new HashMap<>(Map.of("step", text, "step_number", number, "total_steps", total,
        "next_step_required", next, "findings", findings));
    for (int i = 0; i < more.length; i += 2) {
      step.put((String) more[i], more[i + 1]);
    }
    return step;
  }

  @Test
  void debug_pauses_without_a_model_call_then_the_expert_reviews_the_final_step() {
    CallToolResult first = call(client, "debug", step(1, 2, true, "Crash on startup", "NPE in Config.load",
        "hypothesis", "missing file"));
    String thread = (String) structured(first).get("continuation_id");
    CallToolResult last = call(client, "debug", step(2, 2, false, "Found it", "config path unset",
        "continuation_id", thread, "confidence", "high"));

    assertThat(first.isError()).as(text(first)).isFalse();
    assertThat(structured(first)).containsEntry("status", "pause_for_investigation")
        .containsEntry("investigation_required", true);
    assertThat(last.isError()).as(text(last)).isFalse();
    assertThat(structured(last)).containsEntry("status", "investigation_complete");
    assertThat(text(last)).contains("EXPERT-ANSWER from gpt-5");
    assertThat(fake.chatRequests()).hasSize(1);
    assertThat(fake.chatRequests().get(0).messages().toString()).contains("NPE in Config.load")
        .contains("config path unset").contains("missing file");
  }

  @Test
  void the_status_paths_of_every_tool_that_finishes_without_an_expert() {
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("debug", "certain_confidence_proceed_with_fix");
    expected.put("thinkdeep", "deep_thinking_complete_ready_for_implementation");
    expected.put("secaudit", "security_analysis_complete");
    expected.put("testgen", "test_generation_complete_ready_for_implementation");
    expected.put("refactor", "refactoring_analysis_complete_ready_for_implementation");
    for (Map.Entry<String, String> tool : expected.entrySet()) {
      CallToolResult result = call(client, tool.getKey(), step(1, 1, false, "Task", "done",
          "confidence", tool.getKey().equals("refactor") ? "complete" : "certain",
          "relevant_files", List.of("/tmp/zen-it-nonexistent/A.java")));
      assertThat(structured(result)).as(tool.getKey() + ": " + text(result))
          .containsEntry("status", tool.getValue()).containsEntry("skip_expert_analysis", true);
    }
    CallToolResult internal = call(client, "codereview", step(1, 1, false, "Review", "fine",
        "review_validation_type", "internal", "relevant_files", List.of("/tmp/zen-it-nonexistent/A.java")));
    CallToolResult local = call(client, "analyze", step(1, 1, false, "Analyse", "fine", "use_assistant_model", false,
        "relevant_files", List.of("/tmp/zen-it-nonexistent/A.java")));
    assertThat(structured(internal)).containsEntry("status", "code_review_complete_ready_for_implementation");
    assertThat(structured(local)).containsEntry("status", "local_work_complete");
    assertThat(fake.chatRequests()).isEmpty();
  }

  @Test
  void planner_tracer_and_docgen_follow_their_own_protocols() {
    CallToolResult plan = call(client, "planner", Map.of("step", "Split the monolith", "step_number", 1,
        "total_steps", 6, "next_step_required", true));
    CallToolResult ask = call(client, "tracer", step(1, 2, true, "Trace login", "starts in LoginController",
        "target_description", "the login flow", "trace_mode", "ask"));
    Map<String, Object> flags = Map.of("document_complexity", true, "document_flow", true, "update_existing", true,
        "comments_on_complex_logic", true);
    Map<String, Object> discovery = step(1, 1, true, "Discover", "2 files", "num_files_documented", 0,
        "total_files_to_document", 2);
    discovery.putAll(flags);
    String docThread = (String) structured(call(client, "docgen", discovery)).get("continuation_id");
    Map<String, Object> early = step(2, 3, false, "Documented one", "done", "num_files_documented", 1,
        "total_files_to_document", 2, "continuation_id", docThread);
    early.putAll(flags);
    CallToolResult refused = call(client, "docgen", early);

    assertThat(structured(plan)).containsEntry("status", "pause_for_deep_thinking");
    assertThat(structured(ask)).containsEntry("status", "mode_selection_required");
    assertThat(structured(refused)).containsEntry("status", "documentation_analysis_required");
    assertThat(text(refused)).contains("CRITICAL ERROR");
    assertThat(fake.chatRequests()).isEmpty();
  }

  @Test
  void an_expert_failure_is_an_error_result_and_sending_the_final_step_again_completes_it() {
    String thread = (String) structured(call(client, "thinkdeep", step(1, 2, true, "Cache or not?",
        "reads dominate"))).get("continuation_id");
    Map<String, Object> last = step(2, 2, false, "Decided", "cache the reads", "continuation_id", thread);
    fake.failNext(1, Fault.contextLengthExceeded());
    CallToolResult failed = call(client, "thinkdeep", last);
    CallToolResult retried = call(client, "thinkdeep", last);

    assertThat(failed.isError()).isTrue();
    assertThat(text(failed)).contains("The expert model 'gpt-5' failed").contains("The thinkdeep workflow is unchanged")
        .contains("will not help");
    assertThat(retried.isError()).as(text(retried)).isFalse();
    assertThat(structured(retried)).containsEntry("status", "thinking_complete");
    assertThat(fake.chatRequests()).hasSize(2);
    assertThat(fake.chatRequests().get(1).messages().toString()).contains("reads dominate").contains("cache the reads");
  }

  @Test
  void step_one_on_one_server_and_step_two_on_another_sharing_redis_give_what_one_server_gives() {
    // One server alone.
    String single = (String) structured(call(client, "debug", step(1, 2, true, "Leak", "heap grows 1 MB/min")))
        .get("continuation_id");
    call(client, "debug", step(2, 2, false, "Cause", "listener never removed", "continuation_id", single));
    String expertAlone = fake.chatRequests().get(0).messages().toString();
    fake.clearRecords();

    // Step 1 here, step 2 on a second server process over the same Redis.
    String shared = (String) structured(call(client, "debug", step(1, 2, true, "Leak", "heap grows 1 MB/min")))
        .get("continuation_id");
    McpAsyncClient other = server();
    try {
      CallToolResult last = call(other, "debug", step(2, 2, false, "Cause", "listener never removed",
          "continuation_id", shared));
      assertThat(last.isError()).as(text(last)).isFalse();
      assertThat(structured(last)).containsEntry("status", "investigation_complete");
    } finally {
      other.closeGracefully().block(Duration.ofSeconds(20));
    }
    assertThat(fake.chatRequests()).hasSize(1);
    assertThat(fake.chatRequests().get(0).messages().toString()).isEqualTo(expertAlone);
  }

  @Test
  void images_and_the_thinking_mode_reach_the_model_as_the_fake_server_receives_them() throws Exception {
    java.nio.file.Path image = java.nio.file.Files.createTempFile("zen-it-", ".png");
    try {
      byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
      java.nio.file.Files.write(image, png);
      CallToolResult answer = call(client, "chat", Map.of("prompt", "What is in the picture?", "model", "gpt-5",
          "images", List.of(image.toString()), "thinking_mode", "max"));
      CallToolResult refused = call(client, "chat", Map.of("prompt", "And this?", "model", "llama3.2",
          "images", List.of(image.toString())));

      assertThat(answer.isError()).as(text(answer)).isFalse();
      com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(fake.chatRequests().get(0).body());
      com.fasterxml.jackson.databind.JsonNode user = body.at("/messages").get(body.at("/messages").size() - 1);
      assertThat(user.at("/content/0/type").asText()).isEqualTo("text");
      assertThat(user.at("/content/1/type").asText()).isEqualTo("image_url");
      assertThat(user.at("/content/1/image_url/url").asText())
          .isEqualTo("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png));
      assertThat(body.path("reasoning_effort").asText()).isEqualTo("high");
      assertThat(refused.isError()).isTrue();
      assertThat(text(refused)).contains("model 'llama3.2' does not accept images");
      assertThat(fake.chatRequests()).hasSize(1);
    } finally {
      java.nio.file.Files.deleteIfExists(image);
    }
  }
}
