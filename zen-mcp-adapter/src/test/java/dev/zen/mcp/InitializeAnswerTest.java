package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The answer the stdio transport writes to {@code initialize} before the SDK's session has handled
 * it must be the session's own answer: each case here runs a real SDK session (its transport told
 * to let the session answer) over OS pipes and compares the two as JSON trees.
 */
class InitializeAnswerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> VERSIONS =
      List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2099-01-01", "");

  @Test
  void every_protocol_version_and_kind_of_id_gets_the_sessions_answer() throws IOException {
    ServerIdentity identity = new ServerIdentity("zen", "Zen", "1.2.3");
    List<Object> ids = List.of(0, 7L << 40, "init-1");
    for (String version : VERSIONS) {
      for (Object id : ids) {
        JsonNode request = request(id, version);
        assertThat(early(identity, "Use the tools.", true, id, request))
            .as("version %s, id %s", version, id)
            .isEqualTo(sessions(identity, "Use the tools.", true, request, id));
      }
    }
  }

  @Test
  void servers_without_prompts_title_or_instructions_get_the_sessions_answer() throws IOException {
    for (ServerIdentity identity : List.of(new ServerIdentity("zen", null, "dev"), new ServerIdentity("app", "App", "2"))) {
      for (String instructions : List.of("", "Line one.\nLine \"two\" with ünïcödé.")) {
        for (boolean prompts : List.of(true, false)) {
          JsonNode request = request(1, "2025-06-18");
          assertThat(early(identity, instructions, prompts, 1, request))
              .as("%s, instructions %s, prompts %s", identity, instructions.isEmpty() ? "none" : "some", prompts)
              .isEqualTo(sessions(identity, instructions, prompts, request, 1));
        }
      }
    }
  }

  @Test
  void the_clients_capabilities_and_extra_fields_do_not_change_the_answer() throws IOException {
    ServerIdentity identity = new ServerIdentity("zen", "Zen", "1");
    ObjectNode request = (ObjectNode) request(3, "2025-11-25");
    ObjectNode params = (ObjectNode) request.get("params");
    ObjectNode capabilities = params.putObject("capabilities");
    capabilities.putObject("roots").put("listChanged", true);
    capabilities.putObject("sampling");
    capabilities.putObject("elicitation").putObject("form");
    capabilities.putObject("experimental").put("anything", 1);
    ((ObjectNode) params.get("clientInfo")).put("title", "A client").put("websiteUrl", "https://example.com");
    params.putObject("_meta").put("progressToken", 5);
    params.put("somethingNew", true);
    assertThat(early(identity, "x", false, 3, request)).isEqualTo(sessions(identity, "x", false, request, 3));
  }

  @Test
  void an_odd_request_gets_the_sessions_answer_or_is_left_to_the_session() throws IOException {
    // Each is sent to a real session too: whenever the transport would answer ahead, the answer
    // must be the session's; where the session refuses the request, the transport must leave it.
    String client = "\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}";
    List<String> odd = List.of(
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"roots\":\"yes\"}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":[1,2]}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"elicitation\":{\"form\":\"x\"}}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"roots\":{\"listChanged\":\"true\"}}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"roots\":{\"listChanged\":[]}}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"experimental\":[]}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"extensions\":{\"a\":1}}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"extensions\":{\"a\":{\"b\":[1]}}}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":null," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"roots\":null,\"unknown\":[1]}," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"_meta\":[]," + client + "}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\",\"title\":5}}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\",\"icons\":\"x\"}}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\","
            + "\"icons\":[{\"src\":\"a.png\",\"sizes\":[\"16x16\"],\"theme\":\"dark\"}]}}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\","
            + "\"icons\":[{\"src\":\"a.png\",\"sizes\":\"16x16\"}]}}",
        "{\"protocolVersion\":5," + client + "}");
    ServerIdentity identity = new ServerIdentity("zen", "Zen", "1");
    int answeredAhead = 0;
    for (String params : odd) {
      ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 9).put("method", "initialize");
      request.set("params", read(params));
      JsonNode sessions = sessions(identity, "", false, request, 9);
      JsonNode early = early(identity, "", false, 9, request);
      if (early != null) {
        answeredAhead++;
        assertThat(early).as(params).isEqualTo(sessions);
      } else {
        assertThat(sessions).as(params).isNotNull();
      }
    }
    // Not all left to the session: the well-formed ones among them are answered ahead.
    assertThat(answeredAhead).isBetween(4, odd.size() - 6);
  }

  @Test
  void a_request_of_another_shape_is_left_to_the_session() {
    InitializeAnswer answers = InitializeAnswer.of(JSON, new ServerIdentity("zen", "Zen", "1"), "", false, VERSIONS);
    for (String params : List.of("null", "[]", "{}", "{\"protocolVersion\":20251125,\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}",
        "{\"protocolVersion\":\"2025-11-25\"}",
        "{\"protocolVersion\":\"2025-11-25\",\"clientInfo\":{\"name\":\"c\"}}",
        "{\"protocolVersion\":\"2025-11-25\",\"clientInfo\":\"c\"}",
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":[],\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}")) {
      assertThat(answers.answer(1, read(params))).as(params).isNull();
    }
  }

  private static JsonNode request(Object id, String version) {
    ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "initialize");
    if (id instanceof String text) {
      request.put("id", text);
    } else {
      request.put("id", ((Number) id).longValue());
    }
    ObjectNode params = request.putObject("params").put("protocolVersion", version);
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "test-client").put("version", "1");
    return request;
  }

  private static @Nullable JsonNode early(ServerIdentity identity, String instructions, boolean prompts, Object id,
      JsonNode request) {
    // The id as the transport passes it: Integer when it fits, as the SDK's records hold it.
    Object asRead = Inbound.id(request.get("id"));
    assertThat(asRead).isEqualTo(id instanceof Long l && l == l.intValue() ? (Object) l.intValue() : id);
    return InitializeAnswer.of(JSON, identity, instructions, prompts, VERSIONS.subList(0, 4))
        .answer(asRead, request.get("params"));
  }

  /** What a real SDK session answers to {@code request}, configured as the stdio server configures one. */
  private static JsonNode sessions(ServerIdentity identity, String instructions, boolean prompts, JsonNode request,
      Object id) throws IOException {
    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    ObjectMapper json = new ObjectMapper();
    StdioTransport transport = new StdioTransport(json, new JacksonMcpJsonMapper(json),
        Channels.newInputStream(toServer.source()), Channels.newOutputStream(fromServer.sink()), Map.of());
    assertThat(transport.protocolVersions()).isEqualTo(VERSIONS.subList(0, 4));
    McpAsyncServer server = McpStdioServer.configure(McpServer.async(transport), identity, instructions, prompts,
        List.of(), List.of(), new JacksonMcpJsonMapper(json)).build();
    try (RawClient client = new RawClient(Channels.newOutputStream(toServer.sink()),
        Channels.newInputStream(fromServer.source()))) {
      client.send(request);
      return id instanceof String text ? client.awaitResponse(text) : client.awaitResponse(((Number) id).longValue());
    } finally {
      server.close();
    }
  }

  private static @Nullable JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
