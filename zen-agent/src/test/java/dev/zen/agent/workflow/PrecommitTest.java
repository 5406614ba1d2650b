package dev.zen.agent.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ZenAgent;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** precommit collects the change set itself from a real git repository. */
class PrecommitTest {
  final WorkflowTest.Expert expert = new WorkflowTest.Expert();
  @TempDir Path repo;
  @TempDir Path notARepo;

  @BeforeEach
  void repository() throws Exception {
    git("init", "-q");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "T");
    Files.writeString(repo.resolve("App.java"), "class App {\n  int version = 1;\n}\n");
    git("add", "App.java");
    git("commit", "-q", "-m", "first");
    Files.writeString(repo.resolve("App.java"), "class App {\n  int version = 2; // STAGED-CHANGE\n}\n");
    git("add", "App.java");
    Files.writeString(repo.resolve("App.java"), "class App {\n  int version = 3; // UNSTAGED-CHANGE\n}\n");
    Files.writeString(repo.resolve("New.java"), "class New {}\n");
  }

  private void git(String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }

  ZenAgent agent() {
    return ZenAgent.builder().gateway(expert).checkpointStore(MemoryCheckpointStore.create())
        .models(ModelRegistry.builder().withoutBundled().add(ModelSpec.builder("sage").contextWindow(200_000)
            .maxOutputTokens(8_000).categories(ToolCategory.EXTENDED_REASONING).build()).build())
        .build();
  }

  static Map<String, Object> step(int number, boolean next, Object... more) {
    Map<String, Object> step = new HashMap<>(Map.of("step", "Validate the change", "step_number", number,
        "total_steps", 2, "next_step_required", next, "findings", "looked at App.java"));
    for (int i = 0; i < more.length; i += 2) {
      step.put((String) more[i], more[i + 1]);
    }
    return step;
  }

  @Test
  void the_expert_gets_the_status_and_the_staged_and_unstaged_diffs_collected_from_the_repository() {
    try (ZenAgent agent = agent()) {
      ToolResult first = agent.call(ToolCall.of("precommit", step(1, true, "path", repo.toString()))).join();
      ToolResult last = agent.call(ToolCall.of("precommit", step(2, false, "continuation_id",
          first.continuationId()))).join();

      assertThat(first.isError()).as(first.text()).isFalse();
      assertThat(last.structuredContent()).containsEntry("status", "validation_complete");
      String request = expert.lastRequestText();
      assertThat(request).contains("=== CHANGE SET (collected by Zen from " + repo + ") ===")
          .contains("--- git status ---").contains("?? New.java")
          .contains("--- git diff --cached ---").contains("+  int version = 2; // STAGED-CHANGE")
          .contains("--- git diff ---").contains("+  int version = 3; // UNSTAGED-CHANGE");
    }
  }

  @Test
  void compare_to_diffs_against_a_revision_and_refuses_what_git_would_read_as_an_option() {
    try (ZenAgent agent = agent()) {
      ToolResult first = agent.call(ToolCall.of("precommit", step(1, true, "path", repo.toString(),
          "compare_to", "HEAD"))).join();
      agent.call(ToolCall.of("precommit", step(2, false, "continuation_id", first.continuationId()))).join();
      ToolResult injected = agent.call(ToolCall.of("precommit", step(1, true, "path", repo.toString(),
          "compare_to", "--output=/tmp/zen-owned"))).join();

      assertThat(expert.lastRequestText()).contains("--- git diff HEAD ---").contains("UNSTAGED-CHANGE")
          .doesNotContain("--- git diff --cached ---");
      assertThat(injected.isError()).isTrue();
      assertThat(injected.text()).contains("'compare_to' must be a git revision");
      assertThat(Path.of("/tmp/zen-owned")).doesNotExist();
    }
  }

  @Test
  void a_path_outside_a_git_work_tree_is_refused_on_the_first_step() {
    try (ZenAgent agent = agent()) {
      ToolResult result = agent.call(ToolCall.of("precommit", step(1, true, "path", notARepo.toString()))).join();

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("is not inside a git work tree").contains("pass the repository's absolute path");
      assertThat(result.continuationId()).isNull();
    }
  }
}
