package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file rules, end to end through the agent, with temp directories. */
class FilesTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  @TempDir Path dir;

  private ToolResult chat(ZenAgent agent, List<String> paths) {
    return Agents.call(agent, "chat", Map.of("prompt", "review", "model", "alpha", "absolute_file_paths", paths));
  }

  private String sent() {
    return gateway.requests.get(gateway.requests.size() - 1).lastUserText();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> files(ToolResult result) {
    return (Map<String, Object>) result.structuredContent().get("files");
  }

  @Test
  void a_directory_is_expanded_skipping_vcs_build_output_node_modules_and_binaries() throws Exception {
    Files.createDirectories(dir.resolve("src/main"));
    Files.writeString(dir.resolve("src/main/App.java"), "class App {}\n");
    Files.writeString(dir.resolve("README.md"), "# readme\n");
    Files.createDirectories(dir.resolve(".git/objects"));
    Files.writeString(dir.resolve(".git/config"), "[core]\n");
    Files.createDirectories(dir.resolve("node_modules/lib"));
    Files.writeString(dir.resolve("node_modules/lib/index.js"), "x\n");
    Files.createDirectories(dir.resolve("target/classes"));
    Files.writeString(dir.resolve("target/classes/App.txt"), "built\n");
    Files.write(dir.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Files.write(dir.resolve("data.dat"), new byte[] {'a', 0, 'b'});
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(dir.toString()));

      assertThat(files(result).get("embedded")).isEqualTo(List.of(dir.resolve("README.md").toString(),
          dir.resolve("src/main/App.java").toString()));
      assertThat(files(result).get("skipped").toString()).contains("logo.png (binary)").contains("data.dat (binary)");
      assertThat(sent()).doesNotContain("[core]").doesNotContain("built");
    }
  }

  @Test
  void missing_files_are_reported_and_the_call_still_answers() throws Exception {
    Path present = Files.writeString(dir.resolve("here.txt"), "here\n");
    String missing = dir.resolve("gone.txt").toString();
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(present.toString(), missing));

      assertThat(result.isError()).isFalse();
      assertThat(files(result).get("missing")).isEqualTo(List.of(missing));
      assertThat(result.text()).contains("not found: " + missing);
      assertThat(sent()).contains("Not found: " + missing).contains("1│ here");
    }
  }

  @Test
  void files_that_do_not_fit_the_models_token_budget_are_listed_and_smaller_ones_still_fit() throws Exception {
    Path big = Files.writeString(dir.resolve("big.txt"), "y".repeat(200_000));
    Path small = Files.writeString(dir.resolve("small.txt"), "small\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(big.toString(), small.toString()));

      assertThat(files(result).get("not_embedded")).isEqualTo(List.of(big.toString()));
      assertThat(files(result).get("embedded")).isEqualTo(List.of(small.toString()));
      assertThat(result.text()).contains("did not fit the context budget: " + big);
      assertThat(sent()).contains("Not included for lack of context space: " + big);
    }
  }

  @Test
  void a_file_over_the_size_cap_is_replaced_by_a_marker() throws Exception {
    Path large = Files.writeString(dir.resolve("large.log"), "z".repeat(5_000));
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().maxFileBytes(1_000).build()).build()) {
      ToolResult result = chat(agent, List.of(large.toString()));

      assertThat(files(result).get("too_large")).isEqualTo(List.of(large.toString()));
      assertThat(sent()).contains("FILE TOO LARGE: " + large + " is 5,000 bytes, over the 1,000-byte limit")
          .doesNotContain("zzzz");
    }
  }

  @Test
  void paths_escaping_with_dot_dot_are_refused() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(dir + "/../../etc/passwd"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("contains '..'");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void filesystem_roots_system_directories_and_the_home_directory_itself_are_refused() {
    String home = System.getProperty("user.home");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      assertThat(chat(agent, List.of("/")).text()).contains("filesystem root");
      assertThat(chat(agent, List.of("/etc/passwd")).text()).contains("system directory /etc");
      assertThat(chat(agent, List.of("/proc/self/environ")).text()).contains("system directory /proc");
      assertThat(chat(agent, List.of("/usr/lib")).text()).contains("system directory /usr");
      if (home != null && Path.of(home).getParent() != null) {
        assertThat(chat(agent, List.of(home)).text()).contains("home directory itself");
      }
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void a_named_symlink_into_a_refused_location_is_refused() throws Exception {
    Path link = dir.resolve("innocent.txt");
    Files.createSymbolicLink(link, Path.of("/etc/passwd"));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(link.toString()));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("resolves through a symlink to '/etc/passwd'").contains("system directory");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void a_symlink_into_a_refused_location_found_while_expanding_a_directory_is_left_out_and_reported() throws Exception {
    Files.writeString(dir.resolve("ok.txt"), "fine\n");
    Path link = dir.resolve("sneaky.txt");
    Files.createSymbolicLink(link, Path.of("/etc/passwd"));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(dir.toString()));

      assertThat(result.isError()).isFalse();
      assertThat(files(result).get("refused")).isEqualTo(List.of(link.toString()));
      assertThat(files(result).get("embedded")).isEqualTo(List.of(dir.resolve("ok.txt").toString()));
    }
  }

  @Test
  void a_prompt_over_the_limit_gets_resend_prompt_asking_for_a_prompt_file() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().maxPromptChars(100).build()).build()) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "p".repeat(101)));

      assertThat(result.isError()).isFalse();
      assertThat(result.structuredContent()).containsEntry("status", "resend_prompt")
          .containsEntry("prompt_chars", 101).containsEntry("max_prompt_chars", 100);
      assertThat(result.text()).contains("prompt.txt").contains("absolute_file_paths");
      assertThat(result.continuationId()).isNull();
      assertThat(gateway.requests).isEmpty();
      assertThat(store.threads().toCompletableFuture().join()).isEmpty();
    }
  }

  @Test
  void a_prompt_passed_as_prompt_txt_becomes_the_prompt_and_is_not_embedded_as_a_file() throws Exception {
    Path promptFile = Files.writeString(dir.resolve("prompt.txt"), "q".repeat(70_000));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "", "model", "alpha",
          "absolute_file_paths", List.of(promptFile.toString())));

      assertThat(result.isError()).isFalse();
      assertThat(sent()).endsWith("q".repeat(70_000)).doesNotContain("BEGIN FILE");
    }
  }

  @Test
  void file_rules_refuse_credentials_under_home_but_accept_project_files() {
    FileRules rules = new FileRules(Path.of("/home/ada"));

    assertThat(rules.refusal(Path.of("/home/ada"))).contains("home directory itself");
    assertThat(rules.refusal(Path.of("/home/ada/.ssh/id_ed25519"))).contains("credentials");
    assertThat(rules.refusal(Path.of("/home/ada/project/src/Main.java"))).isNull();
    assertThat(rules.refusal(Path.of("/var/run/docker.sock"))).contains("/var/run");
    assertThat(rules.refusal(Path.of("/var/tmp/x"))).isNull();
    assertThat(rules.refusal(Path.of("/tmp/junit1/a.txt"))).isNull();
    assertThat(rules.lexicalProblem("relative/x", "absolute_file_paths")).contains("relative path");
  }
}
