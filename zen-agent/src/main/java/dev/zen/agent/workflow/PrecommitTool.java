package dev.zen.agent.workflow;

import dev.zen.agent.ToolArguments;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.internal.Futures;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * precommit: besides the change set the agent names in its files, the server collects it itself
 * from the repository at {@code path}: {@code git status} and the staged and unstaged diffs (or the
 * diff against {@code compare_to}), run through the agent's command executor with a deadline and a
 * size cap. The first step checks that {@code path} is a git work tree.
 */
final class PrecommitTool extends WorkflowTool {
  /** Characters of change set the expert gets; the rest is cut with a note (the agent can pass files). */
  static final int MAX_CHANGE_SET_CHARS = 120_000;
  private static final Duration GIT_TIMEOUT = Duration.ofSeconds(30);

  /** What a git revision may look like: no leading dash (it would be read as an option), no spaces. */
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_./~^@{}][A-Za-z0-9_./~^@{}:-]{0,199}");

  PrecommitTool() {
    super(Definitions.precommit());
  }

  @Override
  protected List<String> check(ToolArguments arguments) {
    List<String> errors = new ArrayList<>(super.check(arguments));
    arguments.string("compare_to").ifPresent(revision -> {
      if (!REVISION.matcher(revision).matches()) {
        errors.add("'compare_to' must be a git revision (a branch, tag, commit or HEAD~N), not '"
            + (revision.length() > 60 ? revision.substring(0, 60) + "..." : revision) + "'");
      }
    });
    return errors;
  }

  @Override
  CompletableFuture<@Nullable ToolOutcome> checkFirstStep(ToolContext context) {
    String path = context.arguments().string("path").orElseThrow();
    CompletableFuture<CommandResult> check = context.run(git(path, "rev-parse", "--is-inside-work-tree"));
    return Futures.cancelling(check.handle((result, error) -> {
      if (error != null) {
        return ToolOutcome.error("precommit could not run git in '" + path + "': " + Futures.describe(error)
            + ". Is git installed on the server?");
      }
      if (!result.succeeded() || !result.stdout().strip().equals("true")) {
        return ToolOutcome.error("'" + path + "' is not inside a git work tree (" + firstLine(result.stderr())
            + "); pass the repository's absolute path as path.");
      }
      return null;
    }), check);
  }

  @Override
  CompletableFuture<String> expertContext(ToolContext context, WorkflowState state) {
    String path = String.valueOf(state.configuration().get("path"));
    String compareTo = (String) state.configuration().get("compare_to");
    boolean staged = !Boolean.FALSE.equals(state.configuration().get("include_staged"));
    boolean unstaged = !Boolean.FALSE.equals(state.configuration().get("include_unstaged"));
    List<String[]> commands = new ArrayList<>();
    commands.add(new String[] {"git status", "status", "--porcelain=v1", "--untracked-files=all"});
    if (compareTo != null && !compareTo.isBlank()) {
      commands.add(new String[] {"git diff " + compareTo, "diff", "--no-color", "--no-ext-diff", "--no-textconv",
          compareTo, "--"});
    } else {
      if (staged) {
        commands.add(new String[] {"git diff --cached", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
            "--cached"});
      }
      if (unstaged) {
        commands.add(new String[] {"git diff", "diff", "--no-color", "--no-ext-diff"});
      }
    }
    List<CompletableFuture<String>> sections = new ArrayList<>();
    for (String[] command : commands) {
      String[] arguments = java.util.Arrays.copyOfRange(command, 1, command.length);
      sections.add(context.run(git(path, arguments)).handle((result, error) -> section(command[0], result, error)));
    }
    context.progress("precommit: collecting the change set from " + path);
    return Futures.all(sections).thenApply(parts -> {
      StringBuilder text = new StringBuilder("=== CHANGE SET (collected by Zen from ").append(path).append(") ===\n");
      parts.forEach(text::append);
      if (text.length() > MAX_CHANGE_SET_CHARS) {
        int total = text.length();
        text.setLength(MAX_CHANGE_SET_CHARS);
        text.append("\n[... the change set is ").append(String.format("%,d", total)).append(" characters; cut at ")
            .append(String.format("%,d", MAX_CHANGE_SET_CHARS)).append(". Name the files that matter in relevant_files.]\n");
      }
      return text.append('\n').toString();
    });
  }

  private static String section(String title, @Nullable CommandResult result, @Nullable Throwable error) {
    if (error != null) {
      return "--- " + title + ": could not run (" + Futures.describe(error) + ")\n";
    }
    if (!result.succeeded()) {
      return "--- " + title + ": failed with exit code " + result.exitCode() + ": " + firstLine(result.stderr()) + "\n";
    }
    String output = result.stdout().isBlank() ? "(nothing)\n" : result.stdout();
    return "--- " + title + (result.stdoutTruncated() ? " (cut at the output cap)" : "") + " ---\n" + output
        + (output.endsWith("\n") ? "" : "\n");
  }

  private static CommandSpec git(String path, String... arguments) {
    // A repository's own config must not make git run programs: fsmonitor hooks run on status.
    List<String> argv = new ArrayList<>(List.of("git", "-C", path, "-c", "core.fsmonitor=false"));
    argv.addAll(List.of(arguments));
    // No pager, no prompts, no user config that could run programs (external diff, textconv).
    return CommandSpec.builder(argv).timeout(GIT_TIMEOUT)
        .environment("GIT_PAGER", "cat").environment("GIT_TERMINAL_PROMPT", "0")
        .environment("GIT_CONFIG_NOSYSTEM", "1").environment("GIT_OPTIONAL_LOCKS", "0")
        .build();
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("no output");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
