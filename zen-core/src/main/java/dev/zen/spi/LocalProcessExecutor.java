package dev.zen.spi;

import dev.zen.CommandTimeoutException;
import dev.zen.InvalidRequestException;
import dev.zen.NonRetriableException;
import dev.zen.ZenExecutors;
import dev.zen.internal.OutputCapture;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands as local processes. Pipes are drained on the blocking executor (reads block);
 * exit and timeout are observed without holding a thread.
 */
final class LocalProcessExecutor implements RemoteExecutor {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessExecutor.class);

  private final Executor blockingExecutor;

  LocalProcessExecutor(Executor blockingExecutor) {
    this.blockingExecutor = blockingExecutor;
  }

  @Override
  public CompletableFuture<CommandResult> execute(CommandSpec command, OutputListener listener) {
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    long startNanos = System.nanoTime();
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(command.argv());
      builder.environment().putAll(command.environment());
      command.workingDirectory().ifPresent(dir -> builder.directory(new File(dir)));
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(new InvalidRequestException("cannot start '" + command.commandLine()
          + "': " + e.getMessage() + "; check that the program exists and the working directory is valid", e));
      return result;
    }

    CompletableFuture<OutputCapture> stdout;
    CompletableFuture<OutputCapture> stderr;
    try {
      writeStdin(process, command.stdin());
      stdout = drain(process.getInputStream(), new OutputCapture(command.outputLimitBytes(), "stdout", line -> listener.onLine(OutputListener.Stream.STDOUT, line)));
      stderr = drain(process.getErrorStream(), new OutputCapture(command.outputLimitBytes(), "stderr", line -> listener.onLine(OutputListener.Stream.STDERR, line)));
    } catch (RejectedExecutionException e) {
      // Nobody would read the pipes or wait for the exit: do not leave the process running.
      kill(process);
      result.completeExceptionally(new NonRetriableException("cannot run '" + command.commandLine()
          + "': the executor that drains process output rejected the task (is it shut down?)", e));
      return result;
    }

    Duration timeout = command.timeout();
    ScheduledFuture<?> timer = ZenExecutors.scheduler().schedule(() -> {
      // Fail first, kill second: the kill makes the process exit and its pipes close, and the exit
      // handler would otherwise win the race and report a killed command as finished (exit 137).
      boolean timedOut = result.completeExceptionally(new CommandTimeoutException("command '"
          + command.commandLine() + "' did not finish within " + timeout
          + " and was killed; raise its timeout or check why it hangs", timeout,
          CommandTimeoutException.Termination.KILLED, null));
      if (timedOut) {
        kill(process);
      }
    }, saturatedNanos(timeout), TimeUnit.NANOSECONDS);

    process.onExit()
        .thenCombine(stdout, (exited, out) -> out)
        .thenCombine(stderr, (out, err) -> new CommandResult(process.exitValue(), out.text(), err.text(),
            Duration.ofNanos(System.nanoTime() - startNanos), out.truncated(), err.truncated()))
        .whenComplete((done, failure) -> {
          timer.cancel(false);
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(done);
          }
        });

    result.whenComplete((done, failure) -> {
      if (failure instanceof CancellationException) {
        kill(process);
      }
    });
    return result;
  }

  /**
   * A timeout past ~292 years ({@code Duration.ofSeconds(Long.MAX_VALUE)} meaning "never") does not
   * fit in nanoseconds; {@code toNanos()} would throw after the process was started and leak it.
   */
  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Writes the command's stdin and closes it. An empty stdin is closed at once on this thread; text
   * is written on the blocking executor, since a command that does not read it would block a
   * write larger than the pipe's buffer. A command that exits without reading it all is fine.
   */
  private void writeStdin(Process process, String text) {
    OutputStream stdin = process.getOutputStream();
    if (text.isEmpty()) {
      closeQuietly(process, stdin);
      return;
    }
    blockingExecutor.execute(() -> {
      try {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        log.debug("process {} closed its stdin before reading all of it", process.pid(), e);
      } finally {
        closeQuietly(process, stdin);
      }
    });
  }

  private static void closeQuietly(Process process, OutputStream stdin) {
    try {
      stdin.close();
    } catch (IOException e) {
      log.debug("could not close stdin of process {}", process.pid(), e);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    log.debug("killed process {}", process.pid());
  }

  private CompletableFuture<OutputCapture> drain(InputStream stream, OutputCapture capture) {
    return CompletableFuture.supplyAsync(() -> {
      byte[] buffer = new byte[8192];
      try (stream) {
        int read;
        while ((read = stream.read(buffer)) != -1) {
          capture.append(buffer, 0, read);
        }
      } catch (IOException e) {
        // The process was killed and its pipe closed under us: keep what was read.
      }
      capture.finish();
      return capture;
    }, blockingExecutor);
  }
}
