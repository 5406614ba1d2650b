package dev.zen.mcp.server;

import dev.zen.mcp.RawClient;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Starting the jar: fail-fast configuration errors, --help, and the --demo mode of the README. */
class ZenMcpServerStartupIT {
  @TempDir
  Path dir;

  /** The process's exit status, stdout and stderr, once it ended by itself. */
  private record Ended(int status, String stdout, String stderr) {}

  private Ended run(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
    Path err = dir.resolve("stderr.txt");
    Process process = ServerJar.start(List.of(), args, env, err);
    try (InputStream stdout = process.getInputStream()) {
      process.getOutputStream().close();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process ends by itself").isTrue();
      return new Ended(process.exitValue(), new String(stdout.readAllBytes(), StandardCharsets.UTF_8),
          Files.readString(err));
    } finally {
      process.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "MAX_CONVERSATION_TURNS|lots|MAX_CONVERSATION_TURNS='lots' is not a whole number",
      "LOG_LEVEL|chatty|LOG_LEVEL='chatty' is not a log level",
      "CONVERSATION_TIMEOUT_HOURS|0|CONVERSATION_TIMEOUT_HOURS='0' must be more than 0",
      "DISABLED_TOOLS|chat,frobnicate|DISABLED_TOOLS: cannot disable unknown tool 'frobnicate'",
      "DEFAULT_MODEL|gpt-99-ultra|DEFAULT_MODEL: unknown model 'gpt-99-ultra'",
      "REDIS_URL|localhost:6379|REDIS_URL is not a Redis URL",
  })
  void a_bad_variable_stops_the_server_with_status_2_and_names_the_variable(String name, String value, String message)
      throws Exception {
    Ended ended = run(List.of(), Map.of(ServerConfig.OPENAI_API_KEY, "sk-test", name, value));
    assertThat(ended.status()).isEqualTo(ZenMcpServer.EXIT_CONFIGURATION);
    assertThat(ended.stderr()).contains("zen-mcp-server: " + message);
    assertThat(ended.stdout()).isEmpty();
  }

  @Test
  void no_endpoint_stops_the_server_saying_what_to_set() throws Exception {
    Ended ended = run(List.of(), Map.of());
    assertThat(ended.status()).isEqualTo(ZenMcpServer.EXIT_CONFIGURATION);
    assertThat(ended.stderr()).contains("no model endpoint is configured").contains("--demo");
    assertThat(ended.stdout()).isEmpty();
  }

  @Test
  void help_prints_the_usage_on_stderr() throws Exception {
    Ended ended = run(List.of("--help"), Map.of());
    assertThat(ended.status()).isZero();
    assertThat(ended.stderr()).contains("usage: java -jar zen-mcp-server.jar").contains("CUSTOM_API_URL");
    assertThat(ended.stdout()).isEmpty();
  }

  @Test
  void sigterm_during_a_call_ends_the_session_like_closing_stdin_with_status_0() throws Exception {
    Path err = dir.resolve("sigterm-stderr.txt");
    Process process = ServerJar.start(List.of(), List.of("--demo"), Map.of(ServerConfig.ZEN_DEMO_LATENCY_MS, "20000"),
        err);
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      client.initialize("2025-11-25");
      long call = client.sendCall("chat", Map.of("prompt", "Take your time."), null);
      Thread.sleep(500);
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
      assertThat(process.exitValue()).as("as documented: like closing stdin").isZero();
      assertThat(client.hasResponse(call)).as("the cancelled call gets no answer").isFalse();
      assertThat(client.notJson()).isEmpty();
      assertThat(Files.readString(err)).contains("SIGTERM received");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void an_unknown_tool_in_disabled_or_enabled_tools_is_refused_listing_exactly_the_tools_the_server_has()
      throws Exception {
    Path err = dir.resolve("tools-stderr.txt");
    Process process = ServerJar.start(List.of(), List.of("--demo"), Map.of(), err);
    List<String> served = new java.util.ArrayList<>();
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      client.initialize("2025-11-25");
      client.request("tools/list", null).at("/result/tools").forEach(tool -> served.add(tool.get("name").asText()));
      client.close();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    for (String variable : List.of(ServerConfig.DISABLED_TOOLS, ServerConfig.ENABLED_TOOLS)) {
      Ended ended = run(List.of("--demo"), Map.of(variable, "frobnicate"));
      assertThat(ended.status()).isEqualTo(ZenMcpServer.EXIT_CONFIGURATION);
      String listed = ended.stderr().substring(ended.stderr().indexOf("Zen's tools are ") + "Zen's tools are ".length())
          .lines().findFirst().orElseThrow();
      assertThat(List.of(listed.split(", "))).as(variable + " lists the tools there are").containsExactlyInAnyOrderElementsOf(served);
    }
  }

  @Test
  void demo_mode_answers_with_no_key_and_exits_cleanly_when_stdin_closes() throws Exception {
    Path err = dir.resolve("demo-stderr.txt");
    Process process = ServerJar.start(List.of(), List.of("--demo"), Map.of(ServerConfig.ZEN_DEMO_LATENCY_MS, "200"), err);
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      client.initialize("2025-11-25");
      long start = System.nanoTime();
      JsonNode answer = client.callTool("chat", Map.of("prompt", "Is this design sound?"), null);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(answer.at("/result/isError").asBoolean()).isFalse();
      assertThat(answer.at("/result/content/0/text").asText()).contains("Is this design sound?");
      assertThat(millis).as("the demo's latency is felt").isGreaterThanOrEqualTo(200);
      client.close();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      assertThat(client.notJson()).isEmpty();
      assertThat(Files.readString(err)).contains("demo endpoint http://127.0.0.1:");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void initialize_is_answered_while_the_runtime_is_still_being_built_and_a_call_sent_meanwhile_waits_then_succeeds()
      throws Exception {
    Path err = dir.resolve("slow-start-stderr.txt");
    // The test hook holds the runtime's construction (store, catalogue, agent) for 4 s.
    Process process = ServerJar.start(List.of("-D" + ZenMcpServer.START_DELAY_PROPERTY + "=4000"), List.of("--demo"),
        Map.of(ServerConfig.ZEN_DEMO_LATENCY_MS, "10"), err);
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      JsonNode initialize = client.initialize("2025-11-25");
      String stderrAtInitialize = Files.readString(err);
      long call = client.sendCall("chat", Map.of("prompt", "Sent before the agent exists"), null);
      long list = client.sendRequest("tools/list", null);

      assertThat(initialize.at("/result/serverInfo/name").asText()).isEqualTo("zen");
      assertThat(initialize.at("/result/instructions").asText()).isNotBlank();
      assertThat(stderrAtInitialize).as("the runtime was not built yet").doesNotContain("Zen MCP server");
      JsonNode answer = client.awaitResponse(call);
      assertThat(answer.at("/result/isError").asBoolean()).as("%s", answer).isFalse();
      assertThat(answer.at("/result/content/0/text").asText()).contains("Sent before the agent exists");
      assertThat(client.awaitResponse(list).at("/result/tools").size()).isPositive();
      client.close();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      assertThat(client.notJson()).isEmpty();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void a_runtime_that_fails_after_initialize_answers_the_waiting_requests_with_the_cause_and_exits_2()
      throws Exception {
    Path err = dir.resolve("failed-start-stderr.txt");
    Process process = ServerJar.start(List.of("-D" + ZenMcpServer.START_DELAY_PROPERTY + "=1000"), List.of("--demo"),
        Map.of(ServerConfig.DEFAULT_MODEL, "gpt-99-ultra"), err);
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      JsonNode initialize = client.initialize("2025-11-25");
      JsonNode tools = client.request("tools/list", null);

      assertThat(initialize.at("/result/serverInfo/name").asText()).isEqualTo("zen");
      assertThat(tools.at("/error/code").asInt()).as("%s", tools).isEqualTo(-32603);
      assertThat(tools.at("/error/message").asText()).contains("DEFAULT_MODEL: unknown model 'gpt-99-ultra'");
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the server stops by itself").isTrue();
      assertThat(process.exitValue()).isEqualTo(ZenMcpServer.EXIT_CONFIGURATION);
      assertThat(Files.readString(err)).contains("zen-mcp-server: DEFAULT_MODEL: unknown model 'gpt-99-ultra'");
      assertThat(client.notJson()).isEmpty();
    } finally {
      process.destroyForcibly();
    }
  }
}
