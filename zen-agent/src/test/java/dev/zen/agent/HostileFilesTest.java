package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths a hostile or careless client passes: links into devices and pipes, FIFOs with no writer,
 * credential files named directly or met in a directory. None may hang a call, none may reach a
 * model, and every refusal says why.
 */
class HostileFilesTest {
  /** Far longer than a refusal takes, far shorter than a hang: the call must answer, not wait. */
  private static final long ANSWER_WITHIN_SECONDS = 20;

  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  @TempDir Path dir;

  private ToolResult chat(ZenAgent agent, List<String> paths) throws Exception {
    return agent.call(ToolCall.of("chat", Map.of("prompt", "review", "model", "alpha", "absolute_file_paths", paths)))
        .get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
  }

  private static Path fifo(Path path) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
    return path;
  }

  /** Runs a chat naming the given files in a JVM of its own and prints the answer's text. */
  public static final class UnreadableProbe {
    public static void main(String[] paths) throws Exception {
      try (ZenAgent agent = Agents.agent(new GatewayDouble(), MemoryCheckpointStore.create())) {
        System.out.println(agent.call(ToolCall.of("chat", Map.of("prompt", "review", "model", "alpha",
            "absolute_file_paths", List.of(paths)))).get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS).text());
      }
    }
  }

  @Test
  void a_file_in_a_directory_the_user_may_not_search_is_reported_as_permission_denied_not_as_missing()
      throws Exception {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Path plan = Files.writeString(locked.resolve("plan.txt"), "the plan");
    Path typo = dir.resolve("plna.txt");
    Files.setPosixFilePermissions(locked, java.util.Set.of());
    List<String> command = new java.util.ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      // Root reads every directory; without these two capabilities it is held to the mode bits
      // like any user (and still owns its class path), which is the user this test is about.
      command.addAll(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps",
          "-dac_override,-dac_read_search"));
    }
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        UnreadableProbe.class.getName(), plan.toString(), typo.toString()));
    try {
      Process probe = new ProcessBuilder(command).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String answer = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(probe.waitFor(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();

      assertThat(probe.exitValue()).as(answer).isZero();
      assertThat(answer).contains(plan + " (permission denied)").contains("not found: " + typo)
          .doesNotContain("not found: " + plan);
    } finally {
      Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void a_link_to_standard_input_is_refused_instead_of_read() throws Exception {
    Path toStdin = Files.createSymbolicLink(dir.resolve("notes.txt"), Path.of("/dev/stdin"));
    Path toFd = Files.createSymbolicLink(dir.resolve("fd.txt"), Path.of("/proc/self/fd/0"));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult stdin = chat(agent, List.of(toStdin.toString()));
      ToolResult fd = chat(agent, List.of(toFd.toString()));
      ToolResult named = chat(agent, List.of("/proc/self/fd/0"));

      for (ToolResult result : List.of(stdin, fd, named)) {
        assertThat(result.isError()).as(result.text()).isTrue();
      }
      assertThat(stdin.text()).containsAnyOf("system directory /dev", "system directory /proc", "cannot be resolved",
          "not a regular file");
      assertThat(named.text()).contains("system directory /proc");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void a_named_pipe_with_no_writer_is_refused_at_once_and_skipped_in_a_directory() throws Exception {
    Path pipe = fifo(dir.resolve("pipe.txt"));
    Path ordinary = Files.writeString(dir.resolve("ordinary.txt"), "plain text\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult named = chat(agent, List.of(pipe.toString()));
      ToolResult expanded = chat(agent, List.of(dir.toString()));

      assertThat(named.isError()).isTrue();
      assertThat(named.text()).contains("is not a regular file");
      assertThat(expanded.isError()).as(expanded.text()).isFalse();
      assertThat(expanded.text()).contains("pipe.txt (not a regular file)");
      assertThat(GatewayDouble.allText(gateway.requests.get(0))).contains("plain text")
          .contains("BEGIN FILE: " + ordinary);
    }
  }

  @Test
  void a_link_in_a_directory_to_a_pipe_or_a_device_is_skipped() throws Exception {
    Path pipe = fifo(dir.resolve("hidden-pipe"));
    Files.createDirectories(dir.resolve("src"));
    Files.createSymbolicLink(dir.resolve("src/looks-normal.txt"), pipe);
    Files.createSymbolicLink(dir.resolve("src/stdin.txt"), Path.of("/dev/stdin"));
    Files.writeString(dir.resolve("src/Main.java"), "class Main {}\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(dir.resolve("src").toString()));

      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(GatewayDouble.allText(gateway.requests.get(0))).contains("class Main {}");
      assertThat(result.text()).contains("looks-normal.txt").contains("stdin.txt");
    }
  }

  @Test
  void credential_files_named_directly_are_refused_with_the_pattern_they_match() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    FileRules rules = new FileRules(home);
    for (String file : List.of(".npmrc", ".netrc", ".git-credentials", ".bash_history", ".zsh_history",
        "project/.env", "project/.env.production", "project/server.key", "project/tls.pem", "project/id_ed25519",
        ".config/gh/hosts.yml", ".gradle/gradle.properties", "project/prod.tfstate")) {
      assertThat(rules.refusal(home.resolve(file))).as(file).contains("looks like a credential file");
    }
    for (String file : List.of("project/.env.example", "project/id_ed25519.pub", "project/src/Keyboard.java",
        "project/README.md", "project/keys.md", ".config/other/settings.yml")) {
      assertThat(rules.refusal(home.resolve(file))).as(file).isNull();
    }
  }

  @Test
  void a_credential_file_is_refused_through_the_agent_even_behind_an_innocent_link() throws Exception {
    Path secrets = Files.writeString(dir.resolve(".env"), "API_KEY=sk-live-123\n");
    Path innocent = Files.createSymbolicLink(dir.resolve("notes.txt"), secrets);
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult direct = chat(agent, List.of(secrets.toString()));
      ToolResult linked = chat(agent, List.of(innocent.toString()));

      assertThat(direct.isError()).isTrue();
      assertThat(direct.text()).contains("looks like a credential file (pattern '.env')");
      assertThat(linked.isError()).isTrue();
      assertThat(linked.text()).contains("resolves through a symlink").contains(".env");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void expanding_a_project_leaves_credential_files_out_with_a_note() throws Exception {
    Files.writeString(dir.resolve(".env"), "API_KEY=sk-live-123\n");
    Files.writeString(dir.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\nMIIsecret\n");
    Files.writeString(dir.resolve(".env.example"), "API_KEY=\n");
    Files.writeString(dir.resolve("App.java"), "class App {}\n");
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = chat(agent, List.of(dir.toString()));

      assertThat(result.isError()).as(result.text()).isFalse();
      String sent = GatewayDouble.allText(gateway.requests.get(0));
      assertThat(sent).contains("class App {}").doesNotContain("sk-live-123").doesNotContain("MIIsecret");
      assertThat(result.text()).contains("private.pem (looks like a credential file (*.pem))");
    }
  }

  @Test
  void users_add_their_own_credential_patterns_and_bad_patterns_are_refused_at_once() throws Exception {
    Path vault = Files.writeString(dir.resolve("vault.yml"), "password: hunter2\n");
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().refusedFiles(List.of("vault.yml")).build()).build()) {
      ToolResult result = chat(agent, List.of(vault.toString()));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("pattern 'vault.yml'");
    }
    assertThatThrownBy(() -> ZenAgentOptions.builder().refusedFiles(List.of("secrets/*.yml")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a file-name glob");
    assertThatThrownBy(() -> ZenAgentOptions.builder().refusedFiles(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
  }
}
