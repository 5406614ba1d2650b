package dev.zen.executor.ssh;

import dev.zen.InvalidRequestException;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a {@link CommandSpec} into the one command string SSH carries, for the remote user's POSIX
 * shell: every argument single-quoted (nothing in it is interpreted), the environment exported
 * (servers refuse most {@code env} channel requests: OpenSSH accepts only its {@code AcceptEnv}
 * list), the working directory entered, and the program {@code exec}ed so the session's process
 * is the program itself and a signal reaches it. A missing directory or program is reported with a
 * marker on stderr and exit code 126 or 127, which {@link #startFailure} turns into the same
 * {@link InvalidRequestException} a local executor gives. The first line on stderr is the
 * process id ({@link PidLine}), for killing the process when the server refuses signals.
 */
final class RemoteShell {
  static final String MARKER = "zen-exec: ";
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RemoteShell() {}

  static String commandLine(CommandSpec spec) {
    // The pid first: with exec it stays the program's, and OpenSSH made it a process group leader.
    StringBuilder line = new StringBuilder("printf '" + PidLine.PREFIX + "%s\\n' \"$$\" >&2; ");
    Optional<String> dir = spec.workingDirectory();
    if (dir.isPresent()) {
      String quoted = quote(dir.get());
      line.append("cd -- ").append(quoted).append(" 2>/dev/null || { printf '").append(MARKER)
          .append("cannot change to directory %s\\n' ").append(quoted).append(" >&2; exit 126; }; ");
    }
    for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
      if (!NAME.matcher(variable.getKey()).matches()) {
        throw new IllegalArgumentException("environment variable '" + variable.getKey()
            + "' cannot be set on a remote host: names there are letters, digits and _, not starting with a digit");
      }
      line.append("export ").append(variable.getKey()).append('=').append(quote(variable.getValue())).append("; ");
    }
    String program = quote(spec.argv().get(0));
    line.append("command -v -- ").append(program).append(" >/dev/null 2>&1 || { printf '").append(MARKER)
        .append("%s: command not found\\n' ").append(program).append(" >&2; exit 127; }; exec");
    for (String arg : spec.argv()) {
      line.append(' ').append(quote(arg));
    }
    return line.toString();
  }

  /**
   * A command that kills the process group led by {@code pid} (or the process alone when it leads
   * none): for servers that refuse the {@code signal} channel request, as OpenSSH does for root
   * logins (their sessions run without privilege separation). {@code -s KILL --}: dash's builtin
   * rejects {@code -KILL --}.
   */
  static CommandSpec killCommand(long pid) {
    return CommandSpec.builder("sh", "-c", "kill -s KILL -- \"-$1\" 2>/dev/null || kill -s KILL \"$1\"", "sh",
        Long.toString(pid)).timeout(java.time.Duration.ofSeconds(15)).build();
  }

  /** An invalid-request error when the result is the wrapper's own report that the command could not start. */
  static Optional<InvalidRequestException> startFailure(CommandSpec spec, CommandResult result, String host) {
    if ((result.exitCode() == 126 || result.exitCode() == 127) && result.stderr().startsWith(MARKER)) {
      String reason = result.stderr().substring(MARKER.length()).strip();
      return Optional.of(new InvalidRequestException("cannot start '" + spec.commandLine() + "' on " + host + ": "
          + reason + "; check that the program is installed on that host and on the remote user's PATH, and that "
          + "the working directory exists there"));
    }
    return Optional.empty();
  }

  /** POSIX single quoting: {@code '} becomes {@code '\''}; everything else is literal. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
