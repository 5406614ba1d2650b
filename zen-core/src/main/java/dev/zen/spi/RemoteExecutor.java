package dev.zen.spi;

import dev.zen.ZenExecutors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs commands somewhere: a local process, a host over SSH.
 *
 * <p>Contract, which {@code dev.zen.testkit.RemoteExecutorContract} checks for every
 * implementation:
 *
 * <ul>
 *   <li>{@link #execute} returns at once; the future completes with the exit code and output of a
 *       command that ran to its end, whatever its exit code (a command ended by a signal reports
 *       {@code 128 + signal number}, as shells do).
 *   <li>The command's stdin receives {@link CommandSpec#stdin()} and is then closed; stdout and
 *       stderr are kept separately up to {@link CommandSpec#outputLimitBytes()} each, the rest is
 *       drained and dropped (the command never blocks on a full pipe), and the result flags a cut.
 *   <li>Lines of output are reported to the {@link OutputListener} as they arrive.
 *   <li>Past {@link CommandSpec#timeout()} the command is stopped and the future fails with
 *       {@link dev.zen.CommandTimeoutException}, saying how it was stopped. Cancelling the future
 *       stops the command too. Either way the process (and, where the platform allows, the
 *       processes it started) is gone shortly after, not merely abandoned.
 *   <li>A command that cannot be started (no such program, no such working directory) fails with
 *       {@link dev.zen.InvalidRequestException}, or on a remote host (where the shell reports it)
 *       completes with exit code 127 or 126 and the shell's message on stderr.
 *   <li>A host that cannot be reached fails with {@link dev.zen.ServiceUnavailableException}
 *       (retriable), refused credentials with {@link dev.zen.AuthenticationException}, and a
 *       connection dropped while the command ran with {@link dev.zen.ConnectionLostException}.
 *   <li>Many commands may run at once; no thread is parked per running command where the
 *       transport allows (a local process needs a thread per pipe while it runs).
 * </ul>
 */
public interface RemoteExecutor extends AutoCloseable {

  /** Runs {@code command}, reporting its output lines to {@code listener} as they arrive. */
  CompletableFuture<CommandResult> execute(CommandSpec command, OutputListener listener);

  /** Runs {@code command}; its output is in the result only. */
  default CompletableFuture<CommandResult> execute(CommandSpec command) {
    return execute(command, OutputListener.NONE);
  }

  /** Releases what this executor created; the default holds nothing. */
  @Override
  default void close() {}

  /**
   * Runs commands as local processes, draining their output on Zen's
   * {@link ZenExecutors#defaultRuntime() default runtime executor}.
   */
  static RemoteExecutor local() {
    return new LocalProcessExecutor(ZenExecutors.defaultRuntime());
  }

  /** Runs commands as local processes, draining their output on {@code blockingExecutor}. */
  static RemoteExecutor local(Executor blockingExecutor) {
    return new LocalProcessExecutor(blockingExecutor);
  }
}
