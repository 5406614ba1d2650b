package dev.zen.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A command to run: its argument vector, extra environment, working directory, the text written
 * to its stdin (default none: stdin is empty), timeout (default {@value #DEFAULT_TIMEOUT_SECONDS}
 * s) and a cap on the bytes kept of each of stdout and stderr (default
 * {@value #DEFAULT_OUTPUT_LIMIT_BYTES}); output past the cap is read and dropped so the command
 * never stalls on a full pipe.
 *
 * <p>The argument vector reaches the program unchanged: a local executor starts it directly, a
 * remote one quotes every argument for the remote shell, so no argument is ever interpreted by a
 * shell unless the command runs one itself ({@code sh -c ...}).
 */
public final class CommandSpec {
  public static final int DEFAULT_TIMEOUT_SECONDS = 60;
  public static final int DEFAULT_OUTPUT_LIMIT_BYTES = 1024 * 1024;

  private final List<String> argv;
  private final Map<String, String> environment;
  private final @Nullable String workingDirectory;
  private final String stdin;
  private final Duration timeout;
  private final int outputLimitBytes;

  private CommandSpec(Builder builder) {
    this.argv = List.copyOf(builder.argv);
    this.environment = Map.copyOf(builder.environment);
    this.workingDirectory = builder.workingDirectory;
    this.stdin = builder.stdin;
    this.timeout = builder.timeout;
    this.outputLimitBytes = builder.outputLimitBytes;
  }

  /** Starts a command from its program and arguments, e.g. {@code builder("git", "status")}. */
  public static Builder builder(String program, String... arguments) {
    List<String> argv = new ArrayList<>();
    argv.add(program);
    // Arrays.asList, not List.of: a null argument must reach the builder's check and its message.
    argv.addAll(Arrays.asList(arguments));
    return new Builder(argv);
  }

  /** Starts a command from a whole argument vector. */
  public static Builder builder(List<String> argv) {
    return new Builder(argv);
  }

  public List<String> argv() {
    return argv;
  }

  /** Variables added to (and overriding) the executor's environment. */
  public Map<String, String> environment() {
    return environment;
  }

  public Optional<String> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  /**
   * The text written to the command's stdin (encoded as UTF-8), which is then closed; empty by
   * default, so a command that reads stdin sees its end at once and never waits for input.
   */
  public String stdin() {
    return stdin;
  }

  public Duration timeout() {
    return timeout;
  }

  public int outputLimitBytes() {
    return outputLimitBytes;
  }

  /** The argument vector as one line, for messages and logs. */
  public String commandLine() {
    return String.join(" ", argv);
  }

  @Override
  public String toString() {
    return "CommandSpec[" + commandLine() + ", timeout=" + timeout + "]";
  }

  /** Builds a {@link CommandSpec}; setters validate their argument at once. */
  public static final class Builder {
    private final List<String> argv;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private @Nullable String workingDirectory;
    private String stdin = "";
    private Duration timeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
    private int outputLimitBytes = DEFAULT_OUTPUT_LIMIT_BYTES;

    private Builder(List<String> argv) {
      Objects.requireNonNull(argv, "argv");
      if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
        throw new IllegalArgumentException("a command needs a program name as its first argument");
      }
      argv.forEach(arg -> Objects.requireNonNull(arg, "arguments must not be null"));
      this.argv = new ArrayList<>(argv);
    }

    public Builder environment(String name, String value) {
      if (name == null || name.isEmpty() || name.contains("=")) {
        throw new IllegalArgumentException("invalid environment variable name: " + name);
      }
      environment.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder workingDirectory(@Nullable String workingDirectory) {
      if (workingDirectory != null && workingDirectory.isBlank()) {
        throw new IllegalArgumentException("workingDirectory must not be blank");
      }
      this.workingDirectory = workingDirectory;
      return this;
    }

    /** Text for the command's stdin (for example a prompt); see {@link CommandSpec#stdin()}. */
    public Builder stdin(String stdin) {
      this.stdin = Objects.requireNonNull(stdin, "stdin");
      return this;
    }

    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder outputLimitBytes(int outputLimitBytes) {
      if (outputLimitBytes <= 0) {
        throw new IllegalArgumentException("outputLimitBytes must be > 0, was " + outputLimitBytes);
      }
      this.outputLimitBytes = outputLimitBytes;
      return this;
    }

    public CommandSpec build() {
      return new CommandSpec(this);
    }
  }
}
