package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.agent.ToolResult;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's protocol behaviour around any tool host, in-process over real OS pipes: what the
 * SDK's own stdio transport gets wrong (bad lines, cancellation, failures, concurrency) and what
 * the SDK does right that we rely on (version negotiation, logging levels).
 */
class McpStdioServerTest {
  private final ScriptedHost host = new ScriptedHost();
  private McpStdioServer server;
  private RawClient client;

  @BeforeEach
  void start() throws IOException {
    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    server = McpStdioServer.start(host, new ServerIdentity("zen", "Zen", "test"), Channels.newInputStream(toServer.source()),
        Channels.newOutputStream(fromServer.sink()));
    client = new RawClient(Channels.newOutputStream(toServer.sink()), Channels.newInputStream(fromServer.source()));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    assertThat(client.notJson()).as("stdout carries only JSON-RPC").isEmpty();
    assertThat(client.duplicateResponses()).as("one answer per request").isEmpty();
  }

  @Test
  void initialize_answers_2025_11_25_and_lets_older_clients_keep_their_version() {
    JsonNode current = client.initialize("2025-11-25");
    assertThat(current.at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
    assertThat(current.at("/result/serverInfo/name").asText()).isEqualTo("zen");
    assertThat(current.at("/result/capabilities/tools").isObject()).isTrue();
    assertThat(current.at("/result/capabilities/logging").isObject()).isTrue();
    assertThat(current.at("/result/instructions").asText()).isEqualTo("Scripted tools for tests.");
  }

  @Test
  void an_older_protocol_version_is_kept_and_an_unknown_one_gets_the_newest() throws IOException {
    assertThat(client.initialize("2024-11-05").at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
    stop();
    start();
    assertThat(client.initialize("2099-01-01").at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
  }

  @Test
  void initialize_answered_ahead_of_the_session_is_answered_once_and_what_follows_at_once_works() {
    // A client that does not wait: initialize, initialized and two requests in one burst. The
    // transport answers initialize before the SDK's session has handled it; the session must still
    // handle it before the notification (which opens it), and its own answer must not reach stdout.
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-06-18\",\"capabilities\":{\"roots\":{\"listChanged\":true}},\"clientInfo\":{\"name\":\"fast\","
        + "\"version\":\"1\"}}}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}");
    assertThat(client.awaitResponse(1).at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
    assertThat(client.awaitResponse(2).at("/result/tools").size()).isPositive();
    assertThat(client.awaitResponse(3).has("result")).isTrue();
    assertThat(client.callTool("echo", Map.of("text", "hi"), null).at("/result/content/0/text").asText())
        .isEqualTo("echo: hi");
  }

  @Test
  void the_id_of_an_initialize_answered_ahead_can_be_used_again_once_it_is_answered() {
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"reuser\",\"version\":\"1\"}}}");
    assertThat(client.awaitResponse(1).at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
    client.notify("notifications/initialized", null);
    client.reuse(1);

    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
        + "\"arguments\":{\"text\":\"again\"}}}");

    assertThat(client.awaitResponse(1).at("/result/content/0/text").asText()).isEqualTo("echo: again");
  }

  @Test
  void an_initialize_of_another_shape_is_answered_by_the_session_alone() {
    // No clientInfo version: not answered ahead (InitializeAnswer leaves it), the SDK decides.
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"odd\"}}}");
    JsonNode answer = client.awaitResponse(1);
    assertThat(answer.has("result") || answer.has("error")).isTrue();
    client.notify("notifications/initialized", null);
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void an_initialize_the_session_cannot_read_gets_its_error_not_an_answer_ahead_of_it() {
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-11-25\",\"capabilities\":{\"roots\":\"yes\"},\"clientInfo\":{\"name\":\"odd\",\"version\":\"1\"}}}");
    JsonNode answer = client.awaitResponse(1);
    assertThat(answer.has("error")).as(answer.toString()).isTrue();
    assertThat(answer.has("result")).isFalse();
  }

  @Test
  void lines_that_are_not_json_get_parse_errors_and_the_session_goes_on() {
    client.initialize("2025-11-25");
    client.sendLine("this is not json");
    client.sendLine("{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": ");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"} trailing");
    client.awaitIdlessErrors(3);
    for (JsonNode error : client.idlessErrors()) {
      assertThat(error.at("/error/code").asInt()).isEqualTo(-32700);
      assertThat(error.at("/error/message").asText()).startsWith("Parse error");
    }
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void json_that_is_not_json_rpc_gets_invalid_request_with_its_id_when_it_has_one() {
    client.initialize("2025-11-25");
    client.sendLine("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
    client.sendLine("42");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}");
    client.sendLine("null");
    client.awaitIdlessErrors(5);
    assertThat(client.idlessErrors()).allSatisfy(error -> assertThat(error.at("/error/code").asInt()).isEqualTo(-32600));
    assertThat(client.idlessErrors().get(0).at("/error/message").asText()).contains("batches");

    client.sendLine("{\"id\":7,\"method\":\"ping\"}");
    assertThat(client.awaitResponse(7).at("/error/code").asInt()).isEqualTo(-32600);
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":8}");
    assertThat(client.awaitResponse(8).at("/error/message").asText()).contains("\"method\"");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":5}");
    assertThat(client.awaitResponse(9).at("/error/code").asInt()).isEqualTo(-32600);
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\",\"params\":[1]}");
    assertThat(client.awaitResponse(10).at("/error/code").asInt()).isEqualTo(-32602);
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"no/such/method\"}");
    assertThat(client.awaitResponse(11).at("/error/code").asInt()).isEqualTo(-32601);

    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void a_message_over_the_size_cap_is_refused_without_ending_the_session() {
    client.initialize("2025-11-25");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\""
        + "a".repeat(StdioTransport.MAX_LINE_CHARS) + "\"}}");
    assertThat(client.awaitResponse(1).at("/error/message").asText()).contains("longer than");
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void an_unknown_tool_is_invalid_params_naming_the_tool_and_the_tools_there_are() {
    client.initialize("2025-11-25");
    JsonNode unknown = client.callTool("nosuchtool", Map.of(), null);
    assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(unknown.at("/error/message").asText()).contains("'nosuchtool'").contains("echo, hold");
    assertThat(unknown.at("/error/data/tool").asText()).isEqualTo("nosuchtool");

    JsonNode disabled = client.callTool("consensus", Map.of(), null);
    assertThat(disabled.at("/error/message").asText()).contains("'consensus' is disabled");

    ObjectNode noName = RawClient.JSON.createObjectNode();
    noName.putObject("arguments");
    assertThat(client.request("tools/call", noName).at("/error/message").asText()).contains("needs \"name\"");

    ObjectNode stringArguments = RawClient.JSON.createObjectNode().put("name", "echo").put("arguments", "text=hi");
    assertThat(client.request("tools/call", stringArguments).at("/error/message").asText())
        .contains("\"arguments\" of echo must be a JSON object");
    assertThat(host.calls).isEmpty();
  }

  @Test
  void a_tool_answers_with_text_and_structured_content() {
    client.initialize("2025-11-25");
    JsonNode result = client.callTool("echo", Map.of("text", "hi"), null).get("result");
    assertThat(result.at("/content/0/text").asText()).isEqualTo("echo: hi");
    assertThat(result.at("/structuredContent/status").asText()).isEqualTo("success");
    assertThat(result.path("isError").asBoolean()).isFalse();
  }

  @Test
  void failures_of_the_host_become_error_results_that_say_what_happened() {
    client.initialize("2025-11-25");
    JsonNode thrown = client.callTool("throws", Map.of(), null).get("result");
    assertThat(thrown.get("isError").asBoolean()).isTrue();
    assertThat(thrown.at("/content/0/text").asText())
        .isEqualTo("throws failed with an internal error (IllegalArgumentException: scripted throw); "
            + "the server's log on stderr has the details");

    JsonNode unavailable = client.callTool("unavailable", Map.of(), null).get("result");
    assertThat(unavailable.get("isError").asBoolean()).isTrue();
    assertThat(unavailable.at("/content/0/text").asText()).startsWith("unavailable failed: the checkpoint store")
        .endsWith("(this is likely temporary: call the tool again)");
    assertThat(unavailable.at("/structuredContent/status").asText()).isEqualTo("error");

    JsonNode bug = client.callTool("bug", Map.of(), null).get("result");
    assertThat(bug.at("/content/0/text").asText()).contains("IllegalStateException: scripted bug");

    JsonNode refused = client.callTool("refuse", Map.of(), null).get("result");
    assertThat(refused.get("isError").asBoolean()).isTrue();
    assertThat(refused.at("/content/0/text").asText()).isEqualTo("argument 'text' must be shorter; shorten it");
  }

  @Test
  void cancelled_calls_cancel_the_hosts_future_and_get_no_answer() {
    client.initialize("2025-11-25");
    long id = client.sendCall("hold", Map.of(), null);
    CompletableFuture<ToolResult> held = awaitHeld(1).get(0);
    client.cancel(id);
    RawClient.await(held.handle((r, e) -> e).orTimeout(RawClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "cancellation");
    assertThat(held.isCancelled()).isTrue();
    // A later request's answer proves the server handled the cancellation line and moved on.
    assertThat(client.request("ping", null).has("result")).isTrue();
    assertThat(client.hasResponse(id)).as("MCP: no answer to a cancelled request").isFalse();
  }

  @Test
  void cancelling_a_finished_or_unknown_request_is_ignored() {
    client.initialize("2025-11-25");
    long id = client.sendCall("echo", Map.of("text", "done"), null);
    client.awaitResponse(id);
    client.cancel(id);
    client.cancel(987654);
    client.notify("notifications/cancelled", RawClient.JSON.createObjectNode());
    assertThat(client.request("ping", null).has("result")).isTrue();
  }

  @Test
  void progress_is_reported_with_the_clients_token_before_the_answer_and_only_when_asked() {
    client.initialize("2025-11-25");
    JsonNode answer = client.callTool("progress", Map.of("steps", 4), "tok-1");
    assertThat(answer.at("/result/content/0/text").asText()).isEqualTo("did 4 steps");
    List<JsonNode> progress = client.notifications("notifications/progress");
    assertThat(progress).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(progress.get(i).at("/params/progressToken").asText()).isEqualTo("tok-1");
      assertThat(progress.get(i).at("/params/progress").asDouble()).isEqualTo(i + 1);
      assertThat(progress.get(i).at("/params/total").asDouble()).isEqualTo(4);
      assertThat(progress.get(i).at("/params/message").asText()).isEqualTo("step " + (i + 1));
    }
    client.callTool("progress", Map.of("steps", 2), null);
    client.callTool("progress", Map.of("steps", 2), 77);
    assertThat(client.notifications("notifications/progress")).hasSize(6);
    assertThat(client.notifications("notifications/progress").get(5).at("/params/progressToken").asInt()).isEqualTo(77);
  }

  @Test
  void logging_set_level_decides_which_notifications_the_client_gets() {
    client.initialize("2025-11-25");
    client.callTool("echo", Map.of("text", "quiet"), null);
    client.callTool("refuse", Map.of(), null);
    // Default level info: no debug lines, the warning about the error result.
    assertThat(client.notifications("notifications/message")).singleElement()
        .satisfies(log -> assertThat(log.at("/params/level").asText()).isEqualTo("warning"));

    assertThat(client.request("logging/setLevel", RawClient.JSON.createObjectNode().put("level", "debug")).has("result"))
        .isTrue();
    client.callTool("echo", Map.of("text", "loud"), null);
    JsonNode started = client.awaitNotification(n -> n.at("/params/data").asText().equals("echo: started"));
    assertThat(started.at("/params/level").asText()).isEqualTo("debug");
    assertThat(started.at("/params/logger").asText()).isEqualTo("zen.echo");

    client.request("logging/setLevel", RawClient.JSON.createObjectNode().put("level", "error"));
    int before = client.notifications("notifications/message").size();
    client.callTool("refuse", Map.of(), null);
    client.callTool("bug", Map.of(), null);
    JsonNode error = client.awaitNotification(n -> n.at("/params/level").asText().equals("error"));
    assertThat(error.at("/params/data").asText()).contains("scripted bug");
    assertThat(client.notifications("notifications/message")).hasSize(before + 1);
  }

  @Test
  void hundreds_of_calls_run_at_once_and_none_runs_on_the_stdin_reader() {
    client.initialize("2025-11-25");
    int calls = 300;
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      ids.add(client.sendCall("hold", Map.of(), null));
    }
    // All reach the host before any is answered: nothing caps concurrency (the SDK's transport
    // runs at most 256 messages at a time).
    List<CompletableFuture<ToolResult>> held = awaitHeld(calls);
    assertThat(ids).noneMatch(client::hasResponse);
    assertThat(client.request("ping", null).has("result")).as("the session still answers while they run").isTrue();
    held.forEach(future -> future.complete(ScriptedHost.result("released")));
    for (long id : ids) {
      assertThat(client.awaitResponse(id).at("/result/content/0/text").asText()).isEqualTo("released");
    }
    assertThat(host.threads).noneMatch(name -> name.startsWith("zen-mcp-stdin"));
  }

  /**
   * The server's own share of the load benchmark (zen-benchmarks/scripts/mcp-load.sh measures it
   * with the real agent): 1,000 calls on one session, each answered after 500 ms without holding
   * a thread. With the SDK's stdio transport (at most 256 messages at a time) this takes four
   * rounds, about 2,000 ms; here all overlap.
   */
  @Test
  void a_thousand_calls_of_half_a_second_overlap_on_one_session() {
    client.initialize("2025-11-25");
    int calls = 1000;
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 4; round++) {
      List<Long> ids = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        ids.add(client.sendCall("wait", Map.of(), null));
      }
      ids.forEach(client::awaitResponse);
      double ratio = (System.nanoTime() - start) / 1e6 / ScriptedHost.WAIT.toMillis();
      System.out.printf("round %d: %d calls of %d ms on one session, wall / latency = %.2f%n", round, calls,
          ScriptedHost.WAIT.toMillis(), ratio);
      if (round > 0) {
        best = Math.min(best, ratio);
      }
    }
    // The best warm round: generous for a busy 2-core machine, and still well below the four
    // rounds (about 4.0) that a cap of 256 messages at a time costs.
    assertThat(best).isLessThan(3.0);
  }

  @Test
  void a_request_id_still_in_use_is_refused() {
    client.initialize("2025-11-25");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"tools/call\",\"params\":{\"name\":\"hold\"}}");
    awaitHeld(1);
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"ping\"}");
    JsonNode refused = client.awaitResponse("dup");
    assertThat(refused.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(refused.at("/error/message").asText()).contains("still running");
  }

  @Test
  void closing_stdin_cancels_running_calls_and_ends_the_session() {
    client.initialize("2025-11-25");
    client.sendCall("hold", Map.of(), null);
    CompletableFuture<ToolResult> held = awaitHeld(1).get(0);
    client.close();
    RawClient.await(server.terminated(), "the session to end");
    RawClient.await(held.handle((r, e) -> e).orTimeout(RawClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "cancellation");
    assertThat(held.isCancelled()).isTrue();
  }

  private List<CompletableFuture<ToolResult>> awaitHeld(int count) {
    long deadline = System.nanoTime() + RawClient.TIMEOUT.toNanos();
    while (host.held.size() < count && System.nanoTime() < deadline) {
      RawClient.await(CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)),
          "a pause");
    }
    assertThat(host.held).hasSizeGreaterThanOrEqualTo(count);
    return new ArrayList<>(host.held);
  }
}
