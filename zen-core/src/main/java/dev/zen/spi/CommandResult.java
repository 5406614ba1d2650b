package dev.zen.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a finished command left: its exit code, its output (decoded as UTF-8, cut at the
 * command's output cap, with a flag saying so) and how long it ran.
 */
public record CommandResult(int exitCode, String stdout, String stderr, Duration duration,
    boolean stdoutTruncated, boolean stderrTruncated) {

  public CommandResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(duration, "duration");
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
