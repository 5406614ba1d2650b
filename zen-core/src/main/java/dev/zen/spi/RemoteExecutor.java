package dev.zen.spi;

import dev.zen.ZenExecutors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs commands somewhere: a local process, a host over SSH.
 *
 * <p>{@link #execute} completes with the exit code and output of a command that ran to its end,
 * whatever its exit code. It completes exceptionally with {@link dev.zen.OperationTimeoutException}
 * when the command outlives {@link CommandSpec#timeout()} (the command is then killed), with
 * {@link dev.zen.InvalidRequestException} when it cannot be started, and with
 * {@link dev.zen.ServiceUnavailableException} when the host cannot be reached. Cancelling the
 * future kills the command.
 */
public interface RemoteExecutor extends AutoCloseable {

  CompletableFuture<CommandResult> execute(CommandSpec command);

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
