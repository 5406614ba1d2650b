package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.mcp.McpAdapter;
import dev.zen.mcp.RawClient;
import dev.zen.mcp.StdioSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the server builds before the first {@code initialize} and what it leaves for later (issue
 * 14): the model gateway (langchain4j, the JDK HTTP client and its TLS set-up) is built by the
 * first model call; the checkpoint store, the catalogue and the agent are built on another thread
 * right after the session starts (ZenMcpServerStartupIT shows initialize answered meanwhile), and a
 * store that cannot work still stops the server with status 2.
 */
class LazyStartTest {
  private FakeOpenAiServer endpoint;
  private ZenRuntime runtime;
  private StdioSession session;
  private RawClient client;

  @BeforeEach
  void start() throws IOException {
    endpoint = FakeOpenAiServer.start();
    runtime = ZenRuntime.start(ServerConfig.parse(List.of(), Map.of(ServerConfig.CUSTOM_API_URL, endpoint.baseUrl(),
        ServerConfig.CUSTOM_MODEL_NAME, "gpt-5")));
    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    session = McpAdapter.builder().serverInfo("zen", "test").agent(runtime.agent()).build()
        .serveStdio(Channels.newInputStream(toServer.source()), Channels.newOutputStream(fromServer.sink()));
    client = new RawClient(Channels.newOutputStream(toServer.sink()), Channels.newInputStream(fromServer.source()));
  }

  @AfterEach
  void stop() {
    client.close();
    session.close();
    runtime.close();
    endpoint.close();
  }

  @Test
  void initialize_and_tools_list_are_answered_while_the_model_gateway_is_unbuilt_and_the_first_call_builds_it() {
    assertThat(runtime.gatewayStarted()).as("built by the runtime's start").isFalse();

    JsonNode initialize = client.initialize("2025-11-25");
    JsonNode tools = client.request("tools/list", null);

    assertThat(initialize.at("/result/serverInfo/name").asText()).isEqualTo("zen");
    assertThat(tools.at("/result/tools").size()).isPositive();
    assertThat(runtime.gatewayStarted()).as("built for initialize or tools/list").isFalse();
    assertThat(endpoint.chatRequests()).isEmpty();

    JsonNode answer = client.callTool("chat", Map.of("prompt", "Is lazy start-up worth it?"), null);

    assertThat(answer.at("/result/isError").asBoolean()).as("%s", answer).isFalse();
    assertThat(runtime.gatewayStarted()).isTrue();
    assertThat(endpoint.chatRequests()).hasSize(1);
  }

  @Test
  void an_endpoint_that_cannot_be_built_fails_the_call_with_an_error_naming_the_cause_not_the_start() {
    // The server started and answers; the gateway's own failure reaches the caller as a tool error.
    client.initialize("2025-11-25");
    endpoint.close();

    JsonNode answer = client.callTool("chat", Map.of("prompt", "Anyone there?"), null);

    assertThat(answer.at("/result/isError").asBoolean()).as("%s", answer).isTrue();
    assertThat(answer.at("/result/content/0/text").asText()).isNotBlank();
  }

  @Test
  void a_store_that_cannot_work_still_stops_the_server_before_it_serves_with_status_2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = ZenMcpServer.run(List.of("--demo"), Map.of(ServerConfig.REDIS_URL, "redis://"),
        new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), false);

    assertThat(status).isEqualTo(ZenMcpServer.EXIT_CONFIGURATION);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("zen-mcp-server: ").contains(ServerConfig.REDIS_URL);
  }
}
