package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.ZenAgent;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.testkit.ScriptedModelGateway;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public builder in use, in-process over real OS pipes: the Zen agent, an application's own
 * tool and its graphs served side by side, as an MCP client sees them.
 */
class McpAdapterTest {
  /** Each model call of the "think" graph takes this long: a cancelled call never sees an answer. */
  private static final Duration SLOW = Duration.ofSeconds(30);

  private final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  private final ScriptedModelGateway models = ScriptedModelGateway.builder()
      .reply("thinker", ".", "deep thoughts")
      .latency("thinker", SLOW)
      .defaultReply(request -> "fine")
      .build();
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private ZenAgent agent;
  private StdioSession session;
  private RawClient client;
  private JsonNode initialized;

  @BeforeEach
  void start() throws IOException {
    agent = ZenAgent.builder().gateway(models).checkpointStore(store).build();
    McpAdapter adapter = McpAdapter.builder()
        .serverInfo("tests", "1.2.3")
        .instructions("Tools for the adapter's tests.")
        .agent(agent)
        .tool(new ToolSpec("add", "Adds two numbers.", Map.of("type", "object",
                "properties", ordered("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                "required", List.of("a", "b"), "additionalProperties", false)),
            call -> {
              handled.add(call.tool());
              double sum = ((Number) call.arguments().get("a")).doubleValue() + ((Number) call.arguments().get("b")).doubleValue();
              return CompletableFuture.completedFuture(new ToolResult(String.valueOf(sum), Map.of("status", "success",
                  "content", String.valueOf(sum)), false, null));
            })
        .graph(GraphTool.builder("shout", shoutGraph())
            .description("Upper-cases a text, then counts its letters.")
            .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")),
                "required", List.of("text")))
            .outputSchema(Map.of("type", "object", "properties", Map.of("loud", Map.of("type", "string")),
                "required", List.of("loud")))
            .output(result -> {
              String loud = result.state().value("loud", String.class).orElse("");
              return new ToolResult(loud, Map.of("loud", loud, "letters", result.state().value("letters").orElse(0)),
                  false, null);
            })
            .build())
        .graph(GraphTool.builder("publish", pausingGraph())
            .description("Drafts, then waits for approval before publishing.")
            .build())
        .graph(GraphTool.builder("think", thinkingGraph())
            .description("Asks a slow model.")
            .build())
        .graph(GraphTool.builder("misfit", shoutGraph())
            .description("Declares an output its (default) output mapping does not give.")
            .outputSchema(Map.of("type", "object", "required", List.of("loud")))
            .build())
        .build();
    Pipe toServer = Pipe.open();
    Pipe fromServer = Pipe.open();
    session = adapter.serveStdio(Channels.newInputStream(toServer.source()), Channels.newOutputStream(fromServer.sink()));
    client = new RawClient(Channels.newOutputStream(toServer.sink()), Channels.newInputStream(fromServer.source()));
    initialized = client.initialize("2025-11-25");
  }

  @AfterEach
  void stop() {
    client.close();
    session.close();
    agent.close();
    store.close();
    assertThat(client.notJson()).as("the session writes only JSON-RPC").isEmpty();
  }

  private static CompiledAgentGraph shoutGraph() {
    return AgentGraph.builder("shout")
        .node("upper", AsyncNode.sync((state, ctx) -> Map.of("loud", state.value("text", String.class).orElse("")
            .toUpperCase(java.util.Locale.ROOT))))
        .node("count", AsyncNode.sync((state, ctx) -> Map.of("letters", state.value("loud", String.class).orElse("")
            .replaceAll("[^A-Z]", "").length())))
        .edge(AgentGraph.START, "upper").edge("upper", "count").edge("count", AgentGraph.END)
        .build().compile();
  }

  private CompiledAgentGraph pausingGraph() {
    return AgentGraph.builder("publish")
        .node("draft", AsyncNode.sync((state, ctx) -> Map.of("draft", "v1")))
        .node("publish", AsyncNode.sync((state, ctx) -> Map.of("published", true)))
        .edge(AgentGraph.START, "draft").edge("draft", "publish").edge("publish", AgentGraph.END)
        .build().compile(GraphOptions.builder().checkpointStore(store).interruptBefore("publish").build());
  }

  private CompiledAgentGraph thinkingGraph() {
    return AgentGraph.builder("think")
        .node("prepare", AsyncNode.sync((state, ctx) -> Map.of("prepared", true)))
        .node("ask", (state, ctx) -> {
          CompletableFuture<ChatReply> call = models.complete(ChatRequest.of("thinker", "think"));
          // thenApply's future alone would not pass the run's cancellation on to the model call.
          return Futures.cancelling(call.thenApply(reply -> Map.of("answer", reply.text())), call);
        })
        .edge(AgentGraph.START, "prepare").edge("prepare", "ask").edge("ask", AgentGraph.END)
        .build().compile();
  }

  @Test
  void initialize_reports_the_applications_name_version_and_instructions() {
    assertThat(initialized.at("/result/serverInfo/name").asText()).isEqualTo("tests");
    assertThat(initialized.at("/result/serverInfo/version").asText()).isEqualTo("1.2.3");
    assertThat(initialized.at("/result/instructions").asText()).isEqualTo("Tools for the adapter's tests.");
    assertThat(initialized.at("/result/capabilities/tools").isObject()).isTrue();
  }

  @Test
  void tools_list_shows_the_agents_tools_the_applications_tool_and_the_graphs_with_their_schemas() {
    JsonNode tools = client.request("tools/list", null).at("/result/tools");
    List<String> names = new ArrayList<>();
    tools.forEach(tool -> names.add(tool.get("name").asText()));
    assertThat(names).contains("chat", "consensus", "version").endsWith("add", "shout", "publish", "think", "misfit");
    JsonNode shout = find(tools, "shout");
    assertThat(shout.at("/description").asText()).isEqualTo("Upper-cases a text, then counts its letters.");
    assertThat(shout.at("/inputSchema/required/0").asText()).isEqualTo("text");
    assertThat(shout.at("/outputSchema/required/0").asText()).isEqualTo("loud");
    assertThat(find(tools, "publish").has("outputSchema")).as("no output schema unless declared").isFalse();
    assertThat(find(tools, "publish").at("/inputSchema/type").asText()).isEqualTo("object");
  }

  @Test
  void an_applications_tool_answers_and_its_arguments_are_checked_first() {
    JsonNode sum = client.callTool("add", Map.of("a", 2, "b", 3.5), null).get("result");
    assertThat(sum.at("/content/0/text").asText()).isEqualTo("5.5");
    assertThat(sum.path("isError").asBoolean()).isFalse();

    JsonNode wrong = client.callTool("add", Map.of("a", "two", "b", 3, "c", 1), null).get("result");
    assertThat(wrong.get("isError").asBoolean()).isTrue();
    assertThat(wrong.at("/content/0/text").asText())
        .isEqualTo("Invalid arguments for 'add': unknown argument 'c'; known: a, b; "
            + "argument 'a' must be a number, was the string \"two\".");
    JsonNode missing = client.callTool("add", Map.of("a", 1), null).get("result");
    assertThat(missing.at("/content/0/text").asText()).contains("missing required argument 'b' (a number)");
    assertThat(handled).containsExactly("add");
  }

  @Test
  void a_graph_tool_runs_the_graph_and_answers_through_its_output_mapping() {
    JsonNode answer = client.callTool("shout", Map.of("text", "hello mcp"), null).get("result");
    assertThat(answer.path("isError").asBoolean()).isFalse();
    assertThat(answer.at("/content/0/text").asText()).isEqualTo("HELLO MCP");
    assertThat(answer.at("/structuredContent/loud").asText()).isEqualTo("HELLO MCP");
    assertThat(answer.at("/structuredContent/letters").asInt()).isEqualTo(8);
  }

  @Test
  void a_graph_tool_refuses_a_wrong_argument_type_naming_the_argument_without_running() {
    JsonNode answer = client.callTool("shout", Map.of("text", 42), null).get("result");
    assertThat(answer.get("isError").asBoolean()).isTrue();
    assertThat(answer.at("/content/0/text").asText())
        .isEqualTo("Invalid arguments for 'shout': argument 'text' must be a string, was the number 42.");
    JsonNode missing = client.callTool("shout", Map.of(), null).get("result");
    assertThat(missing.at("/content/0/text").asText()).contains("missing required argument 'text' (a string)");
  }

  @Test
  void an_unpaired_surrogate_in_the_json_is_refused_naming_the_argument_for_graph_and_agent_tools_alike() {
    // A JSON \\ud800 escape with no low surrogate after it: every UTF-8 encoder would send '?' on.
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":901,\"method\":\"tools/call\",\"params\":{\"name\":\"shout\","
        + "\"arguments\":{\"text\":\"a\\ud800b\"}}}");
    client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":902,\"method\":\"tools/call\",\"params\":{\"name\":\"chat\","
        + "\"arguments\":{\"prompt\":\"\\udfff\"}}}");

    JsonNode shout = client.awaitResponse(901).get("result");
    JsonNode chat = client.awaitResponse(902).get("result");
    assertThat(shout.get("isError").asBoolean()).isTrue();
    assertThat(shout.at("/content/0/text").asText()).contains("argument 'text' is refused: it is not valid Unicode")
        .contains("\\ud800)").contains("at character 1");
    assertThat(chat.get("isError").asBoolean()).isTrue();
    assertThat(chat.at("/content/0/text").asText()).contains("argument 'prompt' is refused").contains("\\udfff");
    assertThat(models.requests()).isEmpty();
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
  }

  @Test
  void a_graph_reports_one_progress_notification_per_node_started_only_when_asked() {
    client.callTool("shout", Map.of("text", "quiet"), null);
    assertThat(client.notifications("notifications/progress")).isEmpty();

    JsonNode answer = client.callTool("shout", Map.of("text", "loud"), "tok-graph");
    assertThat(answer.at("/result/content/0/text").asText()).isEqualTo("LOUD");
    List<JsonNode> progress = client.notifications("notifications/progress");
    assertThat(progress).extracting(n -> n.at("/params/message").asText())
        .containsExactly("upper started", "count started");
    assertThat(progress).extracting(n -> n.at("/params/progress").asInt()).containsExactly(1, 2);
    assertThat(progress).allSatisfy(n -> assertThat(n.at("/params/progressToken").asText()).isEqualTo("tok-graph"));
  }

  @Test
  void a_graph_that_stops_at_an_interrupt_answers_paused_with_its_thread_and_next_node() {
    JsonNode answer = client.callTool("publish", Map.of("topic", "x"), null).get("result");
    assertThat(answer.path("isError").asBoolean()).isFalse();
    assertThat(answer.at("/structuredContent/status").asText()).isEqualTo("paused");
    assertThat(answer.at("/structuredContent/next_node").asText()).isEqualTo("publish");
    assertThat(answer.at("/structuredContent/state/draft").asText()).isEqualTo("v1");
    assertThat(answer.at("/structuredContent/state/topic").asText()).isEqualTo("x");
    String thread = answer.at("/structuredContent/thread_id").asText();
    assertThat(answer.at("/content/0/text").asText()).startsWith("Paused before node 'publish' on thread " + thread);
    assertThat(store.latest(thread).join()).as("the paused run's checkpoint, to resume from").isPresent();

    JsonNode again = client.callTool("publish", Map.of("topic", "y"), null).get("result");
    assertThat(again.at("/structuredContent/thread_id").asText()).as("every call gets a fresh thread").isNotEqualTo(thread);
  }

  @Test
  void cancelling_a_graph_call_cancels_the_run_and_its_model_call_and_sends_no_answer() {
    long id = client.sendCall("think", Map.of(), "tok-think");
    // "ask started" means the model call is in flight (it answers after 30 s).
    client.awaitNotification(n -> n.at("/params/message").asText().equals("ask started"));
    awaitRequests(1);
    client.cancel(id);
    long deadline = System.nanoTime() + RawClient.TIMEOUT.toNanos();
    while (models.cancelledRequests().isEmpty() && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(models.cancelledRequests()).as("the model call behind the run was cancelled").hasSize(1);
    assertThat(client.request("ping", null).has("result")).isTrue();
    assertThat(client.hasResponse(id)).as("MCP: no answer to a cancelled request").isFalse();
  }

  @Test
  void an_answer_without_what_its_output_schema_requires_becomes_an_error_result_naming_it() {
    JsonNode answer = client.callTool("misfit", Map.of("text", "x"), null).get("result");
    assertThat(answer.get("isError").asBoolean()).isTrue();
    assertThat(answer.at("/content/0/text").asText()).contains("lacks what its output schema requires: loud");
  }

  @Test
  void an_unknown_tool_is_invalid_params_naming_it_and_the_tools_there_are() {
    JsonNode unknown = client.callTool("shuot", Map.of("text", "x"), null);
    assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(unknown.at("/error/message").asText()).contains("'shuot'").contains("shout");
  }

  @Test
  void the_agents_tools_are_served_next_to_the_applications() {
    JsonNode version = client.callTool("version", Map.of(), null).get("result");
    assertThat(version.path("isError").asBoolean()).isFalse();
    JsonNode chat = client.callTool("chat", Map.of("prompt", "hello", "model", "gpt-5"), null).get("result");
    assertThat(chat.path("isError").asBoolean()).as(chat.toString()).isFalse();
    assertThat(chat.at("/content/0/text").asText()).contains("fine");
  }

  @Test
  void log_notifications_are_named_after_the_server_and_the_tool() {
    client.request("logging/setLevel", RawClient.JSON.createObjectNode().put("level", "debug"));
    client.callTool("shout", Map.of("text", "x"), null);
    JsonNode started = client.awaitNotification(n -> n.at("/params/data").asText().equals("shout: started"));
    assertThat(started.at("/params/logger").asText()).isEqualTo("tests.shout");
  }

  private void awaitRequests(int count) {
    long deadline = System.nanoTime() + RawClient.TIMEOUT.toNanos();
    while (models.requests().size() < count && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(models.requests()).hasSizeGreaterThanOrEqualTo(count);
  }

  private static void pause() {
    RawClient.await(CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)),
        "a pause");
  }

  private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

  private static JsonNode find(JsonNode tools, String name) {
    for (JsonNode tool : tools) {
      if (tool.get("name").asText().equals(name)) {
        return tool;
      }
    }
    throw new AssertionError("no tool " + name + " in " + tools);
  }
}
