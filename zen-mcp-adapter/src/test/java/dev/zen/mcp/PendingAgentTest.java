package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.agent.ZenAgent;
import dev.zen.agent.ZenAgentOptions;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.testkit.ScriptedModelGateway;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An adapter serving an agent that is still being built ({@code agent(CompletionStage, options)},
 * what the server does to answer {@code initialize} before it builds its agent): a real session
 * over pipes, the agent completed by the test.
 */
class PendingAgentTest {
  private final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  private final ScriptedModelGateway models = ScriptedModelGateway.builder().defaultReply(request -> "fine").build();
  private final ZenAgentOptions options = ZenAgentOptions.builder().defaultModel("gpt-5").build();
  private final CompletableFuture<ZenAgent> agent = new CompletableFuture<>();
  private StdioSession session;
  private RawClient client;

  private void serve(McpAdapter.Builder builder) throws IOException {
    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    session = builder.build().serveStdio(Channels.newInputStream(toServer.source()),
        Channels.newOutputStream(fromServer.sink()));
    client = new RawClient(Channels.newOutputStream(toServer.sink()), Channels.newInputStream(fromServer.source()));
  }

  private ZenAgent built() {
    return ZenAgent.builder().gateway(models).checkpointStore(store).options(options).build();
  }

  @AfterEach
  void stop() {
    client.close();
    session.close();
    agent.thenAccept(ZenAgent::close);
    store.close();
    assertThat(client.notJson()).as("the session writes only JSON-RPC").isEmpty();
  }

  @Test
  void initialize_is_answered_before_the_agent_exists_and_tool_requests_wait_for_it_then_succeed() throws Exception {
    serve(McpAdapter.builder().serverInfo("zen", "test").agent(agent, options));

    JsonNode initialize = client.initialize("2025-11-25");
    long list = client.sendRequest("tools/list", null);
    long call = client.sendCall("chat", Map.of("prompt", "Sent while the agent is being built"), null);
    long prompts = client.sendRequest("prompts/list", null);
    TimeUnit.MILLISECONDS.sleep(300);

    assertThat(initialize.at("/result/serverInfo/name").asText()).isEqualTo("zen");
    assertThat(initialize.at("/result/instructions").asText()).as("the options' instructions, the agent's own")
        .isEqualTo(options.instructions()).isNotBlank();
    assertThat(initialize.at("/result/capabilities/tools").isObject()).isTrue();
    assertThat(initialize.at("/result/capabilities/prompts").isObject()).isTrue();
    assertThat(client.hasResponse(list)).as("tools/list waits for the agent").isFalse();
    assertThat(client.hasResponse(call)).as("tools/call waits for the agent").isFalse();
    assertThat(client.hasResponse(prompts)).as("prompts/list waits for the agent").isFalse();

    ZenAgent zen = built();
    agent.complete(zen);

    JsonNode tools = client.awaitResponse(list);
    assertThat(tools.at("/result/tools").size()).isEqualTo(zen.tools().size());
    JsonNode answer = client.awaitResponse(call);
    assertThat(answer.at("/result/isError").asBoolean()).as("%s", answer).isFalse();
    assertThat(answer.at("/result/content/0/text").asText()).contains("fine");
    assertThat(client.awaitResponse(prompts).at("/result/prompts").size()).isEqualTo(zen.prompts().size());
    // Afterwards the tools are served as from an agent that was there from the start.
    assertThat(client.request("tools/list", null).at("/result/tools").size()).isEqualTo(zen.tools().size());
    assertThat(client.callTool("frobnicate", Map.of(), null).at("/error/code").asInt()).isEqualTo(-32602);
  }

  @Test
  void an_agent_that_could_not_be_built_is_named_in_the_error_answer_of_every_waiting_and_later_request()
      throws Exception {
    serve(McpAdapter.builder().serverInfo("zen", "test").agent(agent, options));
    client.initialize("2025-11-25");
    long waiting = client.sendRequest("tools/list", null);

    agent.completeExceptionally(new IllegalStateException("REDIS_URL: the Redis server refused the password"));

    for (JsonNode answer : new JsonNode[] {client.awaitResponse(waiting), client.request("tools/list", null),
        client.callTool("chat", Map.of("prompt", "hello"), null)}) {
      assertThat(answer.at("/error/code").asInt()).as("%s", answer).isEqualTo(-32603);
      assertThat(answer.at("/error/message").asText())
          .isEqualTo("Internal error: the server could not build its tools: REDIS_URL: the Redis server refused the password");
    }
    assertThat(client.request("ping", null).has("result")).as("the session itself goes on").isTrue();
  }

  @Test
  void a_request_waits_for_the_agent_only_up_to_the_bound_and_then_says_so() throws Exception {
    serve(McpAdapter.builder().serverInfo("zen", "test").agent(agent, options).maxWait(Duration.ofMillis(300)));
    client.initialize("2025-11-25");

    JsonNode answer = client.request("tools/list", null);

    assertThat(answer.at("/error/code").asInt()).isEqualTo(-32603);
    assertThat(answer.at("/error/message").asText()).contains("still being built");
    agent.complete(built());
    assertThat(client.request("tools/list", null).at("/result/tools").size()).isPositive();
  }

  @Test
  void a_waiting_request_the_client_cancels_is_never_answered_and_the_others_go_on() throws Exception {
    serve(McpAdapter.builder().serverInfo("zen", "test").agent(agent, options));
    client.initialize("2025-11-25");
    long cancelled = client.sendRequest("tools/list", null);
    long kept = client.sendRequest("tools/list", null);

    client.cancel(cancelled);
    TimeUnit.MILLISECONDS.sleep(100);
    agent.complete(built());

    assertThat(client.awaitResponse(kept).at("/result/tools").size()).isPositive();
    assertThat(client.request("ping", null).has("result")).isTrue();
    assertThat(client.hasResponse(cancelled)).isFalse();
  }

  @Test
  void tools_that_clash_with_the_agents_fail_when_the_agent_arrives_naming_both() throws Exception {
    serve(McpAdapter.builder().serverInfo("zen", "test").agent(agent, options)
        .tool(new dev.zen.agent.ToolSpec("chat", "Mine.", Map.of("type", "object")),
            call -> CompletableFuture.completedFuture(dev.zen.agent.ToolResult.error("unused"))));
    client.initialize("2025-11-25");

    agent.complete(built());

    assertThat(client.request("tools/list", null).at("/error/message").asText())
        .contains("tool 'chat' is served twice, by the Zen agent and by tool(...)");
  }
}
