package dev.zen.agent.clink;

import dev.zen.CommandTimeoutException;
import dev.zen.InvalidRequestException;
import dev.zen.agent.ConversationTurn;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.ZenTool;
import dev.zen.internal.Futures;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.OutputListener;
import dev.zen.spi.RemoteExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code clink}: forwards a prompt to another AI command-line client (Gemini CLI, Codex, Claude
 * Code, or one the configuration defines) and returns its final answer.
 *
 * <p>Only configured clients run ({@link CliClients}); the caller picks one by name and a role,
 * never a command line. The prompt (role prompt, the conversation so far, the request and file
 * references) goes to the CLI's stdin. A client naming a {@code host} runs there through the
 * agent's host executors (SSH). Each line the CLI prints is reported as progress; cancelling the
 * call kills the CLI. Answers over {@value #MAX_OUTPUT_CHARS} characters are reduced to their
 * {@code <SUMMARY>} block, else to an excerpt with a note. Turns are recorded like chat's.
 */
public final class ClinkTool extends ZenTool {
  static final int MAX_OUTPUT_CHARS = 20_000;
  static final int EXCERPT_CHARS = 4_000;
  static final int STREAM_LIMIT_BYTES = 10 * 1024 * 1024;
  private static final int PROGRESS_LINE_CHARS = 300;
  private static final int STDERR_CHARS = 2_000;
  private static final Pattern SUMMARY = Pattern.compile("<SUMMARY>(.*?)</SUMMARY>", Pattern.DOTALL);

  private final CliClients clients;
  private final RemoteExecutor local;
  private final Function<String, RemoteExecutor> hosts;

  /**
   * @param clients the clients that may run
   * @param local runs clients that name no host
   * @param hosts the executor for a client's {@code host} (an SSH target or alias)
   */
  public ClinkTool(CliClients clients, RemoteExecutor local, Function<String, RemoteExecutor> hosts) {
    super("clink", "Run another AI CLI (" + describe(clients) + ") on the prompt, optionally in a role, and return its "
        + "answer.", params(clients));
    this.clients = Objects.requireNonNull(clients, "clients");
    this.local = Objects.requireNonNull(local, "local");
    this.hosts = Objects.requireNonNull(hosts, "hosts");
  }

  private static String describe(CliClients clients) {
    return clients.names().isEmpty() ? "none configured" : String.join(", ", clients.names());
  }

  private static List<ToolParam> params(CliClients clients) {
    List<String> names = clients.names();
    List<String> roles = clients.roles();
    // No descriptions: the enums speak for themselves, and the tool list has a size budget.
    ToolParam cli = names.isEmpty()
        ? ToolParam.string("cli_name", false, null)
        : ToolParam.oneOf("cli_name", false, null, names.toArray(String[]::new));
    ToolParam role = roles.isEmpty()
        ? ToolParam.string("role", false, null)
        : ToolParam.oneOf("role", false, null, roles.toArray(String[]::new));
    return List.of(ToolParam.PROMPT, cli, role, ToolParam.FILES, ToolParam.IMAGES, ToolParam.CONTINUATION);
  }

  private static String defaultClient(List<String> names) {
    return names.contains("gemini") ? "gemini" : names.get(0);
  }

  @Override
  protected boolean usesModel() {
    return false;
  }

  @Override
  protected String title() {
    return "CLI link";
  }

  /** The CLIs reach their model providers (and, for a client with a host, another machine). */
  @Override
  protected boolean openWorld() {
    return true;
  }

  /** Files are passed to the CLI as references (path, size, time), not loaded: it reads them itself. */
  @Override
  protected boolean usesFiles() {
    return false;
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    List<String> names = clients.names();
    if (names.isEmpty()) {
      return CompletableFuture.completedFuture(ToolOutcome.error("No CLI clients are configured: add client "
          + "definitions (CLI_CLIENTS_CONFIG_PATH or ~/.zen/cli_clients for the server)."));
    }
    String name = context.arguments().string("cli_name").filter(value -> !value.isBlank()).orElse(defaultClient(names));
    Optional<CliClient> found = clients.client(name);
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(ToolOutcome.error("Unknown cli_name '" + name
          + "'; configured CLI clients: " + String.join(", ", names) + "."));
    }
    CliClient client = found.get();
    String roleName = context.arguments().string("role").filter(value -> !value.isBlank()).orElse("default");
    CliClient.Role role = client.roles().get(roleName);
    if (role == null) {
      return CompletableFuture.completedFuture(ToolOutcome.error("CLI client '" + name + "' has no role '" + roleName
          + "'; its roles: " + String.join(", ", client.roles().keySet().stream().sorted().toList()) + "."));
    }
    RemoteExecutor executor;
    String where = client.host() == null ? "this machine" : "host " + client.host();
    try {
      executor = client.host() == null ? local : hosts.apply(client.host());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ToolOutcome.error("Cannot run CLI client '" + name + "' on " + where
          + ": " + Futures.describe(e)));
    }
    List<String> files = context.arguments().strings(ToolParam.FILES.name());
    boolean remote = client.host() != null;
    CompletableFuture<ToolOutcome> outcome = new CompletableFuture<>();
    CompletableFuture<String> prompt = CompletableFuture.supplyAsync(
        () -> prompt(context, client, role, files, remote), context.executor());
    Futures.cancelling(outcome, prompt);
    prompt.whenComplete((text, promptError) -> {
      if (outcome.isDone()) {
        return;
      }
      if (promptError != null) {
        outcome.completeExceptionally(Futures.unwrap(promptError));
        return;
      }
      CommandSpec.Builder spec = CommandSpec.builder(client.argv(role))
          .stdin(text)
          .timeout(client.timeout())
          .outputLimitBytes(STREAM_LIMIT_BYTES)
          .workingDirectory(client.workingDir());
      client.env().forEach(spec::environment);
      CompletableFuture<CommandResult> execution = executor.execute(spec.build(), progress(context, name));
      // A derived future does not cancel its source: cancelling the call must reach the process.
      Futures.cancelling(outcome, execution);
      execution.whenComplete((result, error) -> {
        if (error == null) {
          outcome.complete(answer(client, roleName, result));
          return;
        }
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof CancellationException) {
          outcome.cancel(false);
        } else {
          outcome.complete(failure(name, where, cause));
        }
      });
    });
    return outcome;
  }

  private static OutputListener progress(ToolContext context, String name) {
    return (stream, line) -> {
      String text = line.strip();
      if (!text.isEmpty()) {
        context.progress(name + ": " + (text.length() > PROGRESS_LINE_CHARS
            ? text.substring(0, PROGRESS_LINE_CHARS) + "…" : text));
      }
    };
  }

  private static ToolOutcome failure(String name, String where, Throwable cause) {
    if (cause instanceof CommandTimeoutException timeout) {
      return ToolOutcome.error("CLI client '" + name + "' on " + where + " did not finish within " + timeout.timeout()
          + " (timeout_seconds) and was stopped (" + timeout.termination() + "). Narrow the request or raise "
          + "timeout_seconds in its definition.");
    }
    if (cause instanceof InvalidRequestException) {
      return ToolOutcome.error("CLI client '" + name + "' cannot be started on " + where + ": "
          + Futures.describe(cause) + ". Install the CLI there (it must be on the PATH) or fix \"command\" in the "
          + "client's definition.");
    }
    return ToolOutcome.error("CLI client '" + name + "' could not run on " + where + ": " + Futures.describe(cause));
  }

  private static ToolOutcome answer(CliClient client, String roleName, CommandResult result) {
    String parser = client.parser();
    CliOutput.Parsed parsed = CliOutput.parse(parser, result.stdout());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("cli_name", client.name());
    metadata.put("role", roleName);
    metadata.put("command", String.join(" ", client.command()));
    if (client.host() != null) {
      metadata.put("host", client.host());
    }
    metadata.put("duration_seconds", Math.round(result.duration().toMillis() / 10.0) / 100.0);
    metadata.put("parser", parser);
    metadata.put("return_code", result.exitCode());
    metadata.putAll(parsed.metadata());
    String stderr = result.stderr().strip();
    if (!stderr.isEmpty()) {
      metadata.put("stderr", stderr.length() > STDERR_CHARS ? stderr.substring(stderr.length() - STDERR_CHARS) : stderr);
    }
    if (result.stdoutTruncated()) {
      metadata.put("stdout_truncated", true);
    }
    String content = parsed.content();
    if (content == null) {
      String why = parsed.error() != null ? parsed.error()
          : !stderr.isEmpty() ? tail(stderr) : "it printed no answer";
      return ToolOutcome.error("CLI client '" + client.name() + "' " + (result.exitCode() == 0 ? "returned no answer"
          : "exited with code " + result.exitCode()) + ": " + why).withExtra(Map.of("metadata", metadata));
    }
    if (result.exitCode() != 0) {
      // Recovery: the CLI failed after printing an answer (say, a quota warning); keep the answer.
      metadata.put("recovered_from_exit_code", result.exitCode());
    }
    String answer = content;
    if (content.length() > MAX_OUTPUT_CHARS) {
      Matcher summary = SUMMARY.matcher(content);
      if (summary.find()) {
        answer = summary.group(1).strip();
        metadata.put("output_summarized", true);
      } else {
        answer = content.substring(0, EXCERPT_CHARS) + "\n\n[clink: the CLI answered with " + content.length()
            + " characters; this is the first " + EXCERPT_CHARS + ". Narrow the request, or ask the CLI to end long "
            + "answers with a <SUMMARY>...</SUMMARY> block.]";
        metadata.put("output_truncated", true);
      }
      metadata.put("original_output_chars", content.length());
    }
    String model = parsed.metadata().get("model_used") instanceof String used ? used : client.name();
    return ToolOutcome.answer(answer, model).withExtra(Map.of("metadata", metadata));
  }

  /** What the CLI reads on stdin. */
  private static String prompt(ToolContext context, CliClient client, CliClient.Role role, List<String> files,
      boolean remote) {
    StringBuilder text = new StringBuilder();
    if (client.inlinesRolePrompt() && !role.prompt().isEmpty()) {
      text.append(role.prompt()).append("\n\n");
    }
    List<ConversationTurn> turns = context.conversation().turns();
    if (!turns.isEmpty()) {
      text.append("=== CONVERSATION SO FAR ===\n");
      for (ConversationTurn turn : turns) {
        text.append(turn.role() == ConversationTurn.Role.USER ? "USER" : "ASSISTANT")
            .append(" (").append(turn.tool()).append(turn.answeredBy().map(model -> ", " + model).orElse(""))
            .append("):\n").append(turn.text().strip()).append("\n\n");
      }
      text.append("=== END CONVERSATION ===\n\n");
    }
    text.append("Use your own tools (file reads, searches, web search) to check what you need; the files below are "
        + "references for you to open, not their contents.\n\n");
    text.append("=== USER REQUEST ===\n").append(context.prompt().strip()).append("\n");
    if (!files.isEmpty()) {
      text.append("\n=== FILE REFERENCES ===\n");
      for (String file : files) {
        text.append("- ").append(file).append(remote ? "" : describeFile(Path.of(file))).append('\n');
      }
      text.append("=== END FILE REFERENCES ===\n");
    }
    text.append("\nAnswer the request above. If the answer is long, end it with a <SUMMARY>...</SUMMARY> block.\n");
    return text.toString();
  }

  private static String describeFile(Path file) {
    try {
      return " (" + Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file) + ")";
    } catch (IOException e) {
      return " (not readable here: " + e.getClass().getSimpleName() + ")";
    }
  }

  private static String tail(String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
    return String.join(" / ", last);
  }
}
