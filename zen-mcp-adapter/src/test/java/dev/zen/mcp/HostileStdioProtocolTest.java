package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that breaks MCP's lifecycle and message rules on purpose (issue 13, item 17, and its
 * neighbours): every such message gets an error answer that names what to do, at once, and the
 * session goes on. Nothing hangs, nothing runs that the lifecycle does not allow, and no request
 * reaches a handler with params it cannot read.
 */
class HostileStdioProtocolTest {
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
  }

  @Test
  void a_request_before_initialize_is_refused_at_once_and_a_ping_is_answered() {
    JsonNode early = RawClient.await(client.responseFuture(client.sendCall("echo", Map.of("text", "hi"), null))
        .orTimeout(5, TimeUnit.SECONDS), "an answer to a call before initialize");
    assertThat(early.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(early.at("/error/message").asText()).contains("initialize");
    assertThat(host.calls).as("nothing ran").isEmpty();
    JsonNode list = RawClient.await(client.responseFuture(client.sendRequest("tools/list", null))
        .orTimeout(5, TimeUnit.SECONDS), "an answer to tools/list before initialize");
    assertThat(list.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(client.request("ping", null).get("result").isObject()).as("ping is allowed before initialize").isTrue();

    client.initialize("2025-11-25");
    assertThat(client.callTool("echo", Map.of("text", "hi"), null).at("/result/content/0/text").asText())
        .isEqualTo("echo: hi");
  }

  @Test
  void a_bare_initialized_notification_does_not_open_the_session() {
    client.notify("notifications/initialized", null);
    JsonNode call = RawClient.await(client.responseFuture(client.sendCall("echo", Map.of("text", "hi"), null))
        .orTimeout(5, TimeUnit.SECONDS), "an answer to a call without initialize");
    assertThat(call.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(host.calls).isEmpty();
  }

  @Test
  void a_request_between_initialize_and_initialized_is_refused_rather_than_held() {
    ObjectNode params = RawClient.JSON.createObjectNode().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "raw").put("version", "1");
    assertThat(client.request("initialize", params).has("result")).isTrue();
    JsonNode early = RawClient.await(client.responseFuture(client.sendCall("echo", Map.of("text", "hi"), null))
        .orTimeout(5, TimeUnit.SECONDS), "an answer to a call before notifications/initialized");
    assertThat(early.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(early.at("/error/message").asText()).contains("notifications/initialized");
    client.notify("notifications/initialized", null);
    assertThat(client.callTool("echo", Map.of("text", "hi"), null).has("result")).isTrue();
  }

  @Test
  void initialize_without_params_or_with_broken_ones_is_invalid_params_naming_the_field() {
    JsonNode none = client.request("initialize", null);
    assertThat(none.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(none.at("/error/message").asText()).contains("protocolVersion").doesNotContain("NullPointer");

    ObjectNode noVersion = RawClient.JSON.createObjectNode();
    noVersion.putObject("capabilities");
    noVersion.putObject("clientInfo").put("name", "raw").put("version", "1");
    assertThat(client.request("initialize", noVersion).at("/error/message").asText()).contains("protocolVersion");

    ObjectNode badInfo = RawClient.JSON.createObjectNode().put("protocolVersion", "2025-11-25");
    badInfo.putObject("capabilities");
    badInfo.put("clientInfo", "raw");
    JsonNode info = client.request("initialize", badInfo);
    assertThat(info.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(info.at("/error/message").asText()).contains("clientInfo");

    ObjectNode badCapabilities = RawClient.JSON.createObjectNode().put("protocolVersion", "2025-11-25");
    badCapabilities.put("capabilities", 7);
    badCapabilities.putObject("clientInfo").put("name", "raw").put("version", "1");
    assertThat(client.request("initialize", badCapabilities).at("/error/message").asText()).contains("capabilities");

    assertThat(client.initialize("2025-11-25").at("/result/protocolVersion").asText())
        .as("a refused initialize leaves the session uninitialized, so a good one still works").isEqualTo("2025-11-25");
  }

  @Test
  void a_second_initialize_is_refused_and_the_session_keeps_its_version() {
    client.initialize("2024-11-05");
    ObjectNode params = RawClient.JSON.createObjectNode().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "raw").put("version", "1");
    JsonNode again = client.request("initialize", params);
    assertThat(again.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(again.at("/error/message").asText()).contains("already");
    assertThat(client.callTool("echo", Map.of("text", "x"), null).has("result")).isTrue();
  }

  @Test
  void logging_set_level_with_an_unknown_or_missing_level_is_invalid_params() {
    client.initialize("2025-11-25");
    JsonNode unknown = client.request("logging/setLevel", RawClient.JSON.createObjectNode().put("level", "verbose"));
    assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(unknown.at("/error/message").asText()).contains("verbose").contains("debug").contains("emergency");
    assertThat(client.request("logging/setLevel", null).at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(client.request("logging/setLevel", RawClient.JSON.createObjectNode().put("level", 3))
        .at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(client.request("logging/setLevel", RawClient.JSON.createObjectNode().put("level", "debug"))
        .has("result")).isTrue();
  }

  @Test
  void prompts_get_without_a_name_is_invalid_params_not_an_internal_error() {
    client.initialize("2025-11-25");
    JsonNode none = client.request("prompts/get", null);
    assertThat(none.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(none.at("/error/message").asText()).contains("name").doesNotContain("NullPointer");
  }

  @Test
  void an_oversized_request_is_answered_with_its_id_when_the_id_comes_before_the_bulk() {
    client.initialize("2025-11-25");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
        + "\"arguments\":{\"text\":\"" + "a".repeat(StdioTransport.MAX_LINE_CHARS) + "\"}}}");
    JsonNode refused = client.awaitResponse(41);
    assertThat(refused.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(refused.at("/error/message").asText()).contains("longer than");
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void an_oversized_request_is_answered_with_its_id_when_the_id_comes_last() {
    client.initialize("2025-11-25");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
        + "{\"text\":\"" + "b".repeat(StdioTransport.MAX_LINE_CHARS) + "\",\"id\":1}},\"id\":\"big-\\\"one\\\"\"}");
    JsonNode refused = client.awaitResponse("big-\"one\"");
    assertThat(refused.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(client.idlessErrors()).isEmpty();
  }

  @Test
  void an_oversized_line_whose_id_cannot_be_read_is_answered_with_a_null_id() {
    client.initialize("2025-11-25");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"x\":\""
        + "c".repeat(StdioTransport.MAX_LINE_CHARS) + "\",\"id\":3}}");
    assertThat(client.awaitIdlessErrors(1).at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void nothing_a_hostile_client_sends_before_initialize_hangs_the_session() {
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\"}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"no/such\"}");
    CompletableFuture<Void> all = CompletableFuture.allOf(client.responseFuture(1), client.responseFuture(2),
        client.responseFuture(3));
    RawClient.await(all.orTimeout(5, TimeUnit.SECONDS), "answers to requests before initialize");
    assertThat(client.initialize("2025-11-25").has("result")).isTrue();
  }
}
