package dev.zen.agent.clink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One configured CLI client, as its definition says, plus the runner defaults Zen knows for the
 * built-in names (non-interactive JSON flags and the parser).
 */
record CliClient(String name, List<String> command, List<String> additionalArgs, Map<String, String> env,
    @Nullable String workingDir, Duration timeout, Map<String, Role> roles, @Nullable String host,
    @Nullable String parserName) {

  static final int DEFAULT_TIMEOUT_SECONDS = 1800;

  /** A role: the system prompt it adds and the arguments it appends. */
  record Role(String prompt, List<String> args) {
    Role {
      Objects.requireNonNull(prompt, "prompt");
      args = List.copyOf(args);
    }
  }

  CliClient {
    command = List.copyOf(command);
    additionalArgs = List.copyOf(additionalArgs);
    env = Map.copyOf(env);
    roles = Map.copyOf(roles);
  }

  /** The parser: the one named, else the built-in runner's, else plain text. */
  String parser() {
    if (parserName != null) {
      return parserName;
    }
    return switch (runner()) {
      case "gemini" -> "gemini_json";
      case "codex" -> "codex_jsonl";
      case "claude" -> "claude_json";
      default -> "text";
    };
  }

  /** Which built-in runner's conventions apply: by the client's name, else by its executable's name. */
  String runner() {
    String executable = command.get(0);
    String base = executable.substring(executable.lastIndexOf('/') + 1);
    for (String known : List.of("gemini", "codex", "claude")) {
      if (name.equals(known) || base.equals(known)) {
        return known;
      }
    }
    return "";
  }

  /**
   * The argument vector for {@code role}: the command, the runner's own non-interactive flags, the
   * configured arguments, the role's arguments. Claude gets the role prompt as
   * {@code --append-system-prompt} instead of inline.
   */
  List<String> argv(Role role) {
    List<String> argv = new ArrayList<>(command);
    switch (runner()) {
      case "gemini" -> argv.addAll(List.of("-o", "json"));
      case "codex" -> argv.addAll(List.of("exec", "--json"));
      case "claude" -> argv.addAll(List.of("--print", "--output-format", "json"));
      default -> { }
    }
    argv.addAll(additionalArgs);
    argv.addAll(role.args());
    if (inlinesRolePrompt() || role.prompt().isEmpty()) {
      return argv;
    }
    argv.add("--append-system-prompt");
    argv.add(role.prompt());
    return argv;
  }

  /** Whether the role prompt goes into the stdin prompt (all but Claude, which takes it as a flag). */
  boolean inlinesRolePrompt() {
    return !runner().equals("claude");
  }
}
