package dev.zen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code java -jar zen-examples/target/review-mcp-server.jar}, driven over pipes by the MCP Java
 * SDK's client: the example's own graph ({@link ReviewAgent}) served as the tool {@code review}.
 * One server for the class (fast scripted models); the cancellation test starts a slow one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewMcpServerIT {
  private static final String CHANGE = "public Reply call() { log.info(\"key={}\", apiKey); return send(); }";

  private ReviewServerProcess server;

  @BeforeAll
  void start() {
    server = ReviewServerProcess.start(100);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private CallToolResult call(String tool, Map<String, Object> arguments) {
    return server.client.callTool(CallToolRequest.builder(tool).arguments(arguments).build()).block();
  }

  static String text(CallToolResult result) {
    return result.content().stream().map(content -> ((McpSchema.TextContent) content).text())
        .collect(Collectors.joining("\n"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  @Test
  void tools_list_offers_review_with_its_input_and_output_schemas() {
    List<McpSchema.Tool> tools = server.client.listTools().block().tools();
    assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("review", "approve_review");
    McpSchema.Tool review = tools.get(0);
    assertThat(review.description()).contains("security").contains("style");
    assertThat(review.inputSchema()).containsEntry("required", List.of("change"));
    assertThat(review.outputSchema()).containsEntry("required", List.of("status", "review", "thread_id"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void review_answers_the_revised_review_paused_for_approval() {
    CallToolResult result = call("review", Map.of("change", CHANGE));
    assertThat(result.isError()).as(text(result)).isFalse();
    assertThat(text(result))
        .startsWith("Review of `public Reply call() { log.info(\"key={}\", apiKey); return ...`:")
        .contains("Never log the API key: it leaks credentials (security).")
        .contains("Waiting for approval before publishing: call approve_review with thread_id");
    Map<String, Object> structured = structured(result);
    assertThat(structured).containsEntry("status", "paused");
    assertThat((String) structured.get("review")).contains("Never log the API key");
    assertThat((List<Object>) structured.get("critiques"))
        .contains("security: Say why logging the key matters: it is a security leak.", "security: LGTM", "style: LGTM");
    assertThat((String) structured.get("thread_id")).isNotBlank();
  }

  @Test
  void approving_a_paused_review_publishes_it_and_an_unknown_thread_is_an_error_result() {
    CallToolResult paused = call("review", Map.of("change", "int x = 1;"));
    String thread = (String) structured(paused).get("thread_id");

    CallToolResult published = call("approve_review", Map.of("thread_id", thread, "approved", true));
    assertThat(published.isError()).as(text(published)).isFalse();
    assertThat(structured(published)).containsEntry("status", "success").containsEntry("published", true);
    assertThat(text(published)).endsWith("(Published.)");

    CallToolResult unknown = call("approve_review", Map.of("thread_id", "no-such-thread", "approved", true));
    assertThat(unknown.isError()).isTrue();
    assertThat(text(unknown)).contains("no-such-thread");
  }

  @Test
  void progress_arrives_once_per_node_started_and_only_with_a_progress_token() {
    int before = server.progress.size();
    call("review", Map.of("change", "a change without a token"));
    assertThat(server.progress).as("no progress without a progressToken").hasSize(before);

    CallToolResult result = server.client.callTool(CallToolRequest.builder("review")
        .arguments(Map.of("change", CHANGE)).progressToken("it-review").build()).block();
    assertThat(result.isError()).isFalse();
    // draft, two critics, decide, revise, two critics, decide: eight nodes until the interrupt.
    ReviewServerProcess.await(() -> mine().size() >= 8, "eight progress notifications");
    List<McpSchema.ProgressNotification> mine = mine();
    assertThat(mine).extracting(McpSchema.ProgressNotification::message).first().isEqualTo("draft started");
    assertThat(mine).extracting(McpSchema.ProgressNotification::message).containsExactlyInAnyOrder(
        "draft started", "security started", "style started", "decide started",
        "revise started", "security started", "style started", "decide started");
    assertThat(mine).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0);
  }

  private List<McpSchema.ProgressNotification> mine() {
    return server.progress.stream().filter(n -> "it-review".equals(n.progressToken())).toList();
  }

  @Test
  void a_cancelled_review_stops_its_run_sends_no_answer_and_the_server_stays_responsive() {
    // A slow server: each model call takes 4 s, so the cancellation lands during the draft.
    try (ReviewServerProcess slow = ReviewServerProcess.start(4_000)) {
      CompletableFuture<CallToolResult> answer = slow.client.callTool(CallToolRequest.builder("review")
          .arguments(Map.of("change", CHANGE)).progressToken("it-cancel").build()).toFuture();
      ReviewServerProcess.await(() -> slow.stderr.stream().anyMatch(line -> line.contains("drafter: asked")),
          "the draft's model call to start");
      ReviewServerProcess.await(() -> !slow.progress.isEmpty(), "the draft's progress notification");
      assertThat(slow.progress).extracting(McpSchema.ProgressNotification::message).containsExactly("draft started");
      Object id = slow.toolCallIds.get(0);

      slow.cancel(id);

      // The run's cancellation reached its node and the node's model call, long before its answer was due.
      ReviewServerProcess.await(() -> slow.stderr.stream().anyMatch(line -> line.contains("drafter: cancelled")),
          "the draft's model call to be cancelled");
      assertThat(slow.client.ping().block()).as("the server still answers").isNotNull();
      // Longer than the draft would have taken: the run did not go on to its critics.
      ReviewServerProcess.pause(Duration.ofMillis(5_000));
      assertThat(slow.stderr).noneMatch(line -> line.contains("critic: asked"));
      assertThat(slow.stderr).noneMatch(line -> line.contains("drafter: answered"));
      assertThat(slow.answered(id)).as("MCP: no answer to a cancelled request").isFalse();
      assertThat(answer).isNotDone();
      assertThat(slow.progress).as("no progress after the cancellation").hasSize(1);
      assertThat(slow.client.ping().block()).isNotNull();
    }
  }

  @Test
  void an_unknown_tool_is_a_protocol_error_naming_it() {
    assertThatThrownBy(() -> call("reveiw", Map.of("change", CHANGE)))
        .isInstanceOf(McpError.class)
        .satisfies(error -> {
          McpError mcp = (McpError) error;
          assertThat(mcp.getJsonRpcError().code()).isEqualTo(-32602);
          assertThat(mcp.getJsonRpcError().message()).contains("'reveiw'").contains("review, approve_review");
        });
    assertThat(server.client.ping().block()).isNotNull();
  }

  @Test
  void a_wrong_argument_type_is_an_error_result_naming_the_argument() {
    CallToolResult wrong = call("review", Map.of("change", 42));
    assertThat(wrong.isError()).isTrue();
    assertThat(text(wrong)).isEqualTo("Invalid arguments for 'review': argument 'change' must be a string, was the number 42.");

    CallToolResult missing = call("review", Map.of("diff", CHANGE));
    assertThat(missing.isError()).isTrue();
    assertThat(text(missing)).contains("unknown argument 'diff'; known: change").contains("missing required argument 'change'");

    CallToolResult approve = call("approve_review", Map.of("thread_id", "t", "approved", "yes"));
    assertThat(approve.isError()).isTrue();
    assertThat(text(approve)).contains("argument 'approved' must be true or false, was the string \"yes\"");
  }
}
