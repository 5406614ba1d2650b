package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.agent.clink.CliClients;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * clink with fake CLIs: small scripts that read stdin, record their arguments and input, and print
 * what the real CLIs print (Gemini's JSON, Codex's JSON lines, Claude's result object), or hang,
 * flood, fail, or are missing.
 */
@EnabledOnOs(OS.LINUX)
class ClinkTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  @TempDir
  Path dir;

  /** A script that saves its arguments and stdin next to itself, then runs {@code body}. */
  Path fakeCli(String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\n"
        + "printf '%s\\n' \"$@\" > \"$0.args\"\n"
        + "cat > \"$0.stdin\"\n"
        + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  static String client(String name, Path command, String extra) {
    return "{\"name\": \"" + name + "\", \"command\": \"" + command + "\", \"additional_args\": [\"--extra\"]"
        + extra + "}";
  }

  ZenAgent agent(CliClients clients) {
    return Agents.builder(gateway, store).cliClients(clients).build();
  }

  @Test
  void a_gemini_cli_answers_through_its_json_with_the_prompt_on_stdin_and_its_flags() throws IOException {
    Path gemini = fakeCli("gemini", "printf '%s' '{\"response\": \"Use a bounded queue.\", \"stats\": {\"models\": "
        + "{\"gemini-2.5-pro\": {\"tokens\": 12}}}}'");
    Path file = Files.writeString(dir.resolve("Service.java"), "class Service {}");

    try (ZenAgent agent = agent(CliClients.builder().define(client("gemini", gemini, ""), "test").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "How do I limit memory?",
          "absolute_file_paths", List.of(file.toString())));

      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(result.text()).contains("Use a bounded queue.");
      assertThat(result.continuationId()).isNotNull();
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) result.structuredContent().get("metadata");
      assertThat(metadata).containsEntry("cli_name", "gemini").containsEntry("role", "default")
          .containsEntry("parser", "gemini_json").containsEntry("return_code", 0)
          .containsEntry("model_used", "gemini-2.5-pro").containsKey("duration_seconds");
    }
    assertThat(Files.readAllLines(dir.resolve("gemini.args"))).containsExactly("-o", "json", "--extra");
    String stdin = Files.readString(dir.resolve("gemini.stdin"));
    assertThat(stdin).contains("external AI command-line assistant")
        .contains("=== USER REQUEST ===\nHow do I limit memory?")
        .contains("=== FILE REFERENCES ===\n- " + file + " (16 bytes, modified ")
        .doesNotContain("class Service");
    assertThat(gateway.requests).as("clink calls no model").isEmpty();
  }

  @Test
  void codex_answers_are_read_from_its_json_lines_and_its_exec_flags_come_first() throws IOException {
    Path codex = fakeCli("codex", "echo '{\"type\":\"thread.started\",\"thread_id\":\"t-1\"}'\n"
        + "echo '{\"type\":\"item.completed\",\"item\":{\"type\":\"reasoning\",\"text\":\"thinking\"}}'\n"
        + "echo '{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"The race is in close().\"}}'\n"
        + "echo '{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}'");

    try (ZenAgent agent = agent(CliClients.builder().define(client("codex", codex, ""), "test").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "find the race", "cli_name", "codex"));

      assertThat(result.text()).contains("The race is in close().").doesNotContain("thinking");
      assertThat(result.structuredContent().get("metadata").toString()).contains("codex_jsonl").contains("thread_id=t-1");
    }
    assertThat(Files.readAllLines(dir.resolve("codex.args"))).startsWith("exec", "--json", "--extra");
  }

  @Test
  void claude_gets_its_role_prompt_as_a_flag_and_its_result_object_is_read() throws IOException {
    Path claude = fakeCli("claude", "printf '%s' '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
        + "\"result\":\"LGTM with two nits.\",\"modelUsage\":{\"claude-sonnet-4\":{}},\"total_cost_usd\":0.01}'");

    try (ZenAgent agent = agent(CliClients.builder().define(client("claude", claude,
        ", \"roles\": {\"codereviewer\": {\"prompt_path\": \"codereviewer.txt\"}}"), "test").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "review it", "role", "codereviewer"));

      assertThat(result.text()).contains("LGTM with two nits.");
      assertThat(result.structuredContent().get("metadata").toString()).contains("model_used=claude-sonnet-4");
    }
    List<String> args = Files.readAllLines(dir.resolve("claude.args"));
    assertThat(args).startsWith("--print", "--output-format", "json", "--extra").contains("--append-system-prompt");
    assertThat(String.join("\n", args)).contains("senior code reviewer");
    assertThat(Files.readString(dir.resolve("claude.stdin"))).doesNotContain("senior code reviewer")
        .contains("=== USER REQUEST ===\nreview it");
  }

  @Test
  void a_user_defined_client_is_read_as_plain_text_with_its_own_env_and_working_directory() throws IOException {
    Path work = Files.createDirectories(dir.resolve("work dir"));
    Path tool = fakeCli("mycli", "printf 'answer from %s in %s\\n' \"$MY_SETTING\" \"$(pwd -P)\"");

    try (ZenAgent agent = agent(CliClients.builder().define(client("mine", tool,
        ", \"env\": {\"MY_SETTING\": \"on\"}, \"working_dir\": \"" + work + "\""), "test").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "hello", "cli_name", "mine"));

      assertThat(result.text()).contains("answer from on in " + work.toRealPath());
      assertThat(result.structuredContent().get("metadata").toString()).contains("parser=text");
    }
  }

  @Test
  void an_unknown_cli_name_is_refused_with_the_configured_names() throws IOException {
    Path a = fakeCli("a", "echo a");
    try (ZenAgent agent = agent(CliClients.builder().define(client("alpha", a, ""), "t").define(client("beta", a, ""), "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x", "cli_name", "rm -rf /"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("alpha").contains("beta");
      assertThat(dir.resolve("a.args")).doesNotExist();
    }
  }

  @Test
  void an_unknown_role_for_the_client_is_refused_with_its_roles() throws IOException {
    Path a = fakeCli("a", "echo a");
    try (ZenAgent agent = agent(CliClients.builder().define(client("alpha", a, ""), "t")
        .define("{\"name\": \"other\", \"command\": \"x\", \"roles\": {\"planner\": {\"prompt_path\": \"planner.txt\"}}}", "t")
        .build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x", "cli_name", "alpha", "role", "planner"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("has no role 'planner'").contains("default");
    }
  }

  @Test
  void a_cli_missing_from_the_path_gives_an_error_naming_this_machine() {
    try (ZenAgent agent = agent(CliClients.builder().define("{\"name\": \"ghost\", \"command\": \"zen-no-such-cli-42\"}", "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("'ghost' cannot be started on this machine").contains("zen-no-such-cli-42")
          .contains("Install the CLI");
    }
  }

  @Test
  void a_cli_failing_without_an_answer_reports_its_exit_code_and_its_own_error() throws IOException {
    Path gemini = fakeCli("gemini", "printf '%s' '{\"error\": {\"message\": \"Quota exceeded for gemini-2.5-pro\"}}'; "
        + "echo 'stack trace' >&2; exit 1");
    Path broken = fakeCli("broken", "echo 'boom: config missing' >&2; exit 3");

    try (ZenAgent agent = agent(CliClients.builder().define(client("gemini", gemini, ""), "t")
        .define(client("broken", broken, ""), "t").build())) {
      ToolResult quota = Agents.call(agent, "clink", Map.of("prompt", "x", "cli_name", "gemini"));
      ToolResult failed = Agents.call(agent, "clink", Map.of("prompt", "x", "cli_name", "broken"));

      assertThat(quota.isError()).isTrue();
      assertThat(quota.text()).contains("exited with code 1").contains("Quota exceeded for gemini-2.5-pro");
      assertThat(failed.text()).contains("exited with code 3").contains("boom: config missing");
    }
  }

  @Test
  void an_answer_printed_before_a_non_zero_exit_is_kept() throws IOException {
    Path gemini = fakeCli("gemini", "printf '%s' '{\"response\": \"Partial but useful.\"}'; exit 2");

    try (ZenAgent agent = agent(CliClients.builder().define(client("gemini", gemini, ""), "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("Partial but useful.");
      assertThat(result.structuredContent().get("metadata").toString()).contains("recovered_from_exit_code=2");
    }
  }

  @Test
  void a_hanging_cli_is_killed_at_its_timeout() throws IOException {
    Path hang = fakeCli("hang", "echo $$ > \"$0.pid\"; sleep 300");

    try (ZenAgent agent = agent(CliClients.builder().define(client("hang", hang, ", \"timeout_seconds\": 2"), "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("did not finish within PT2S").contains("timeout_seconds");
    }
    long pid = Long.parseLong(Files.readString(dir.resolve("hang.pid")).strip());
    await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10));
  }

  @Test
  void a_flooding_cli_is_capped_and_its_long_answer_reduced_to_an_excerpt() throws IOException {
    Path flood = fakeCli("flood", "head -c 30000000 /dev/zero | tr '\\0' 'x'");

    try (ZenAgent agent = agent(CliClients.builder().define(client("flood", flood, ""), "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("x".repeat(4000)).contains("Narrow the request").doesNotContain("x".repeat(4001));
      assertThat(result.structuredContent().get("metadata").toString()).contains("output_truncated=true")
          .contains("stdout_truncated=true").contains("original_output_chars=10485760");
    }
  }

  @Test
  void a_long_answer_with_a_summary_block_is_reduced_to_the_summary() throws IOException {
    Path verbose = fakeCli("verbose", "head -c 30000 /dev/zero | tr '\\0' 'y'; printf '\\n<SUMMARY>Short version.</SUMMARY>\\n'");

    try (ZenAgent agent = agent(CliClients.builder().define(client("verbose", verbose, ""), "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.text()).contains("Short version.").doesNotContain("yyyy");
      assertThat(result.structuredContent().get("metadata").toString()).contains("output_summarized=true");
    }
  }

  @Test
  void each_output_line_is_reported_as_progress_while_the_cli_runs() throws IOException {
    Path chatty = fakeCli("chatty", "echo 'reading files'; echo 'thinking' >&2; echo 'done: 42'");
    Agents.Reports reports = new Agents.Reports();

    try (ZenAgent agent = agent(CliClients.builder().define(client("chatty", chatty, ""), "t").build())) {
      agent.call(ToolCall.builder("clink").arguments(Map.of("prompt", "x")).progressListener(reports.all::add).build()).join();
    }

    assertThat(reports.messages()).contains("chatty: reading files", "chatty: thinking", "chatty: done: 42");
  }

  @Test
  void cancelling_the_call_kills_the_cli_within_a_second() throws Exception {
    Path hang = fakeCli("hang", "echo $$ > \"$0.pid\"; sleep 300");

    try (ZenAgent agent = agent(CliClients.builder().define(client("hang", hang, ""), "t").build())) {
      CompletableFuture<ToolResult> call = agent.call(ToolCall.of("clink", Map.of("prompt", "x")));
      await(() -> Files.exists(dir.resolve("hang.pid")), Duration.ofSeconds(20));
      long pid = Long.parseLong(Files.readString(dir.resolve("hang.pid")).strip());
      assertThat(ProcessHandle.of(pid)).isPresent();

      long start = System.nanoTime();
      call.cancel(true);
      await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(5));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void turns_are_recorded_so_a_continued_call_sees_the_conversation_and_chat_can_continue_it() throws IOException {
    Path gemini = fakeCli("gemini", "printf '%s' '{\"response\": \"Answer one.\"}'");

    try (ZenAgent agent = agent(CliClients.builder().define(client("gemini", gemini, ""), "t").build())) {
      ToolResult first = Agents.call(agent, "clink", Map.of("prompt", "first question"));
      ToolResult second = Agents.call(agent, "clink", Map.of("prompt", "second question",
          "continuation_id", first.continuationId()));
      ToolResult chat = Agents.call(agent, "chat", Map.of("prompt", "what did the CLI say?",
          "continuation_id", second.continuationId()));

      assertThat(second.continuationId()).isEqualTo(first.continuationId());
      assertThat(chat.isError()).isFalse();
      assertThat(gateway.requests.get(0).messages().toString()).contains("first question").contains("Answer one.");
    }
    assertThat(Files.readString(dir.resolve("gemini.stdin"))).contains("=== CONVERSATION SO FAR ===")
        .contains("first question").contains("Answer one.").contains("=== USER REQUEST ===\nsecond question");
  }

  @Test
  void a_client_naming_a_host_without_an_ssh_executor_fails_with_a_message() {
    try (ZenAgent agent = agent(CliClients.builder()
        .define("{\"name\": \"far\", \"command\": \"gemini\", \"host\": \"ssh://me@far-away\"}", "t").build())) {
      ToolResult result = Agents.call(agent, "clink", Map.of("prompt", "x"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("host ssh://me@far-away").contains("remoteHosts");
    }
  }

  @Test
  void definitions_load_from_a_directory_in_name_order_and_invalid_json_names_the_file() throws IOException {
    Path configs = Files.createDirectories(dir.resolve("cli_clients"));
    Files.writeString(configs.resolve("a.json"), "{\"name\": \"gemini\", \"command\": \"/opt/gemini\", \"timeout_seconds\": 60}");
    Files.writeString(configs.resolve("b.json"), "{\"name\": \"local\", \"command\": [\"llm\", \"-m\", \"x\"]}");
    Files.writeString(configs.resolve("notes.txt"), "ignored");

    CliClients clients = CliClients.builder().bundled().load(configs).load(dir.resolve("absent")).build();

    assertThat(clients.names()).containsExactly("claude", "codex", "gemini", "local");
    assertThat(clients.roles()).containsExactly("codereviewer", "default", "planner");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"name\": \"x\", \"command\": }");
    assertThatThrownBy(() -> CliClients.builder().load(broken)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(broken.toString()).hasMessageContaining("not valid JSON").hasMessageContaining("line 1");
    assertThatThrownBy(() -> CliClients.builder().define("{\"name\": \"x\"}", "inline"))
        .hasMessageContaining("inline").hasMessageContaining("\"command\"");
  }

  static void await(BooleanSupplier condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
