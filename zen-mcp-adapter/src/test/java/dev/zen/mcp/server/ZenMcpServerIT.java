package dev.zen.mcp.server;

import dev.zen.mcp.RawClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.fake.openai.FakeOpenAiServer;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;

/**
 * The packaged server jar, driven by the MCP Java SDK's client over real pipes, against the
 * testkit's fake OpenAI-compatible server on loopback: one server process for the whole class, as
 * a CLI keeps one for a session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZenMcpServerIT {
  private static final Duration LATENCY = Duration.ofMillis(300);
  /** Long enough that all calls of the concurrency test overlap even on a busy 2-core machine. */
  private static final Duration SLOW_LATENCY = Duration.ofSeconds(4);
  private static final String SLOW_MODEL = "slow-model";

  /** The server's user.home: the home-directory rules are tested without touching the real one. */
  private Path home;

  private FakeOpenAiServer fake;
  private McpAsyncClient client;
  private McpSchema.InitializeResult initialized;
  private final List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
  private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
  private final List<Path> temporary = new CopyOnWriteArrayList<>();

  private Path temporaryDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    temporary.add(dir);
    return dir;
  }

  @BeforeAll
  void start() throws IOException {
    home = temporaryDirectory("zen-it-home");
    fake = FakeOpenAiServer.builder()
        .models("gpt-5", "gpt-5-mini", "o3", "gemini-2.5-pro", SLOW_MODEL)
        .latency(LATENCY)
        .latency(SLOW_MODEL, SLOW_LATENCY)
        .reply("(?i)capital of france", "Paris.")
        .start();
    client = ServerJar.client(List.of("-Duser.home=" + home), Map.of(
            ServerConfig.CUSTOM_API_URL, fake.baseUrl(),
            ServerConfig.ZEN_MAX_CONCURRENT_CALLS, "256"),
        logs::add, progress::add);
    initialized = client.initialize().block();
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.closeGracefully().block(Duration.ofSeconds(10));
    }
    if (fake != null) {
      fake.close();
    }
    for (Path dir : temporary) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // best effort: a temporary directory
      }
    }
  }

  @BeforeEach
  void forget() {
    fake.clearRecords();
  }

  private CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build()).block();
  }

  private static String text(CallToolResult result) {
    return result.content().stream().map(content -> ((McpSchema.TextContent) content).text())
        .collect(Collectors.joining("\n"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  @Test
  void initialize_negotiates_the_2025_11_25_protocol_and_explains_the_shared_arguments() {
    assertThat(initialized.protocolVersion()).isEqualTo("2025-11-25");
    assertThat(initialized.serverInfo().name()).isEqualTo("zen");
    assertThat(initialized.capabilities().tools()).isNotNull();
    assertThat(initialized.capabilities().logging()).isNotNull();
    assertThat(initialized.instructions()).contains("continuation_id").contains("absolute_file_paths");
  }

  @Test
  void prompts_offer_the_slash_commands_of_the_tools_and_expand_with_their_arguments() {
    assertThat(initialized.capabilities().prompts()).isNotNull();
    List<String> names = client.listPrompts().block().prompts().stream().map(McpSchema.Prompt::name).toList();
    assertThat(names).contains("chat", "thinkdeeper", "review", "precommit", "debug", "planner", "consensus",
        "listmodels", "version", "continue");

    McpSchema.GetPromptResult review = client.getPrompt(new McpSchema.GetPromptRequest("review",
        Map.of("model", "o3"))).block();
    assertThat(review.messages()).hasSize(1);
    assertThat(((McpSchema.TextContent) review.messages().get(0).content()).text())
        .contains("codereview tool with model o3");
  }

  @Test
  void tools_list_offers_the_zen_tools_in_under_20000_characters() throws IOException {
    McpSchema.ListToolsResult tools = client.listTools().block();
    assertThat(tools.tools()).extracting(McpSchema.Tool::name)
        .containsExactly("chat", "clink", "thinkdeep", "planner", "consensus", "codereview", "precommit", "debug",
            "secaudit", "docgen", "analyze", "refactor", "tracer", "testgen", "challenge", "apilookup", "listmodels",
            "version");
    String json = RawClient.JSON.writeValueAsString(tools);
    System.out.println("tools/list JSON: " + json.length() + " characters for " + tools.tools().size() + " tools");
    assertThat(json.length()).isLessThanOrEqualTo(20_000);
    assertThat(tools.tools()).allSatisfy(tool -> {
      assertThat(tool.annotations().title()).as(tool.name()).isNotBlank();
      assertThat(tool.annotations().readOnlyHint()).as(tool.name()).isTrue();
    });
    Map<String, McpSchema.Tool> byName = new java.util.HashMap<>();
    tools.tools().forEach(tool -> byName.put(tool.name(), tool));
    assertThat(byName.get("codereview").annotations().title()).isEqualTo("Code review");
    assertThat(byName.get("chat").annotations().openWorldHint()).isTrue();
    assertThat(byName.get("planner").annotations().openWorldHint()).as("planner calls no model").isNull();
    for (String workflow : List.of("thinkdeep", "planner", "codereview", "precommit", "debug", "secaudit", "docgen",
        "analyze", "refactor", "tracer", "testgen")) {
      assertThat(byName.get(workflow).outputSchema()).as(workflow).containsEntry("required", List.of("status"));
    }
    assertThat(tools.tools()).allSatisfy(tool -> assertThat(tool.description().split("(?<=\\.) ")).hasSizeLessThanOrEqualTo(2));
  }

  @Test
  void chat_answers_from_the_model_and_returns_a_continuation_id() {
    CallToolResult result = call("chat", Map.of("prompt", "What is the capital of France?"));
    assertThat(result.isError()).isFalse();
    assertThat(text(result)).contains("Paris.");
    assertThat(structured(result)).containsEntry("status", "success").containsKey("continuation_id");
    assertThat(text(result)).contains((String) structured(result).get("continuation_id"));
    assertThat(fake.chatRequests()).hasSize(1);
  }

  @Test
  void a_conversation_continues_across_calls_with_its_history() {
    CallToolResult first = call("chat", Map.of("prompt", "Remember the codeword AMBER-42."));
    String thread = (String) structured(first).get("continuation_id");
    CallToolResult second = call("chat", Map.of("prompt", "Which codeword did I give you?", "continuation_id", thread));
    assertThat(second.isError()).isFalse();
    assertThat(structured(second).get("continuation_id")).isEqualTo(thread);
    FakeOpenAiServer.RecordedRequest last = fake.chatRequests().get(fake.chatRequests().size() - 1);
    assertThat(last.messages().toString()).contains("AMBER-42");

    CallToolResult unknown = call("chat", Map.of("prompt", "Go on.", "continuation_id", "no-such-thread"));
    assertThat(unknown.isError()).isTrue();
    assertThat(text(unknown)).contains("continuation_id");
  }

  @Test
  void consensus_consults_every_model_and_synthesises() {
    CallToolResult result = call("consensus", Map.of("prompt", "Should we adopt virtual threads?", "models", List.of(
        Map.of("model", "gpt-5", "stance", "for"), Map.of("model", "o3", "stance", "against"),
        Map.of("model", "gemini-2.5-pro"))));
    assertThat(result.isError()).as(text(result)).isFalse();
    assertThat(fake.chatRequests()).extracting(FakeOpenAiServer.RecordedRequest::model)
        .contains("gpt-5", "o3", "gemini-2.5-pro");
  }

  @Test
  void challenge_apilookup_listmodels_and_version_answer() {
    assertThat(call("challenge", Map.of("prompt", "The cache is always faster.")).isError()).isFalse();
    CallToolResult lookup = call("apilookup", Map.of("prompt", "Java 21 virtual threads API"));
    assertThat(lookup.isError()).as(text(lookup)).isFalse();
    CallToolResult models = call("listmodels", Map.of());
    assertThat(models.isError()).isFalse();
    assertThat(text(models)).contains("gpt-5");
    CallToolResult version = call("version", Map.of());
    assertThat(text(version)).contains("Zen");
  }

  @Test
  void wrong_argument_types_get_an_error_result_naming_the_argument() {
    CallToolResult result = call("chat", Map.of("prompt", "hi", "temperature", "hot"));
    assertThat(result.isError()).isTrue();
    assertThat(text(result)).contains("temperature");
    CallToolResult missing = call("chat", Map.of());
    assertThat(missing.isError()).isTrue();
    assertThat(text(missing)).contains("prompt");
  }

  @Test
  void an_unknown_tool_is_a_protocol_error_naming_it() {
    assertThatThrownBy(() -> call("codereviewer", Map.of()))
        .isInstanceOf(McpError.class)
        .satisfies(error -> {
          McpError mcp = (McpError) error;
          assertThat(mcp.getJsonRpcError().code()).isEqualTo(-32602);
          assertThat(mcp.getJsonRpcError().message()).contains("'codereviewer'").contains("chat");
        });
  }

  @Test
  void progress_arrives_for_a_call_that_sent_a_progress_token() {
    CallToolResult result = client.callTool(CallToolRequest.builder("chat")
        .arguments(Map.of("prompt", "Explain backpressure briefly."))
        .progressToken("it-progress")
        .build()).block();
    assertThat(result.isError()).isFalse();
    List<McpSchema.ProgressNotification> mine = progress.stream()
        .filter(notification -> "it-progress".equals(notification.progressToken())).toList();
    assertThat(mine).hasSizeGreaterThanOrEqualTo(3);
    assertThat(mine).extracting(McpSchema.ProgressNotification::progress).isSorted();
    assertThat(mine).extracting(McpSchema.ProgressNotification::message).anyMatch(message -> message.contains("chat"));
  }

  @Test
  void logging_set_level_turns_debug_notifications_on_and_off() {
    client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG).block();
    try {
      call("version", Map.of());
      assertThat(logs).anySatisfy(log -> {
        assertThat(log.level()).isEqualTo(McpSchema.LoggingLevel.DEBUG);
        assertThat(log.data()).isEqualTo("version: started");
      });
    } finally {
      client.setLoggingLevel(McpSchema.LoggingLevel.INFO).block();
    }
    logs.clear();
    call("version", Map.of());
    assertThat(logs).noneMatch(log -> log.level() == McpSchema.LoggingLevel.DEBUG);
  }

  @Test
  void a_hundred_concurrent_calls_run_at_once_on_one_session() {
    int calls = 100;
    fake.resetPeaks();
    long start = System.nanoTime();
    List<CallToolResult> results = Flux.range(0, calls)
        .flatMap(i -> client.callTool(CallToolRequest.builder("chat")
            .arguments(Map.of("prompt", "Concurrent question number " + i, "model", SLOW_MODEL)).build()), calls)
        .collectList()
        .block(Duration.ofSeconds(120));
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    System.out.println(calls + " concurrent chat calls with " + SLOW_LATENCY.toMillis() + " ms model latency: "
        + wall.toMillis() + " ms wall, peak " + fake.peakActiveRequests() + " model requests in progress at once");
    assertThat(results).hasSize(calls).allSatisfy(result -> assertThat(result.isError()).as(text(result)).isFalse());
    // Nearly all were waiting on the model at the same moment; one at a time would take 400 s.
    assertThat(fake.peakActiveRequests()).isGreaterThanOrEqualTo(90);
    assertThat(wall).isLessThan(SLOW_LATENCY.multipliedBy(4));
  }

  @Test
  void files_are_embedded_with_line_numbers_and_directories_expanded_without_vcs_and_build_output()
      throws IOException {
    Path project = temporaryDirectory("zen-it-project");
    Files.writeString(project.resolve("Main.java"), "class Main {\n  // ORANGE-7\n}\n");
    Files.createDirectories(project.resolve(".git"));
    Files.writeString(project.resolve(".git/config"), "SECRET-GIT-CONFIG");
    Files.createDirectories(project.resolve("node_modules/lib"));
    Files.writeString(project.resolve("node_modules/lib/index.js"), "SECRET-NODE-MODULE");
    Files.write(project.resolve("big.log"), new byte[2 * 1024 * 1024]);
    CallToolResult result = call("chat", Map.of("prompt", "Review this project.",
        "absolute_file_paths", List.of(project.toString(), project.resolve("missing.txt").toString())));
    assertThat(result.isError()).as(text(result)).isFalse();
    String sent = lastRequestText();
    assertThat(sent).contains("ORANGE-7").containsPattern("2\\s*[│|:]\\s*  // ORANGE-7")
        .doesNotContain("SECRET-GIT-CONFIG").doesNotContain("SECRET-NODE-MODULE");
    assertThat(text(result) + structured(result)).contains("missing.txt");
  }

  @Test
  void refused_paths_are_reported_and_never_read() throws IOException {
    Path project = temporaryDirectory("zen-it-links");
    Path link = Files.createSymbolicLink(project.resolve("etc-link"), Path.of("/etc/hostname"));
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_rsa"), "PRIVATE-KEY", StandardCharsets.UTF_8);
    Map<String, String> cases = Map.of(
        "relative/Main.java", "relative",
        "/tmp/../etc/passwd", "..",
        "/", "root",
        "/etc/passwd", "system directory",
        home.toString(), "home directory",
        link.toString(), "symlink",
        home.resolve(".ssh/id_rsa").toString(), "credentials");
    List<String> failures = new ArrayList<>();
    cases.forEach((path, reason) -> {
      fake.clearRecords();
      CallToolResult result = call("chat", Map.of("prompt", "Read this.", "absolute_file_paths", List.of(path)));
      String answer = text(result) + " " + structured(result);
      if (!result.isError() || !answer.contains(path) || !answer.contains(reason)) {
        failures.add(path + " -> " + result.isError() + ": " + answer);
      }
      if (!fake.chatRequests().isEmpty()) {
        failures.add(path + " reached the model");
      }
    });
    assertThat(failures).isEmpty();
  }

  private String lastRequestText() {
    List<FakeOpenAiServer.RecordedRequest> requests = fake.chatRequests();
    assertThat(requests).isNotEmpty();
    return requests.get(requests.size() - 1).messages().toString();
  }
}
