package dev.zen.executor.ssh;

import dev.zen.CommandTimeoutException;
import dev.zen.CommandTimeoutException.Termination;
import dev.zen.ConnectionLostException;
import dev.zen.InvalidRequestException;
import dev.zen.NonRetriableException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.ZenExecutors;
import dev.zen.internal.OutputCapture;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.OutputListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command's life on a channel, driven by callbacks only: lease a slot, open an exec channel,
 * feed stdin, pump stdout and stderr through MINA's asynchronous streams (each read's completion
 * issues the next, so the remote window keeps moving and a flood is drained and dropped past the
 * cap), and complete once the channel has closed. A timeout or a cancel sends {@code KILL} over the
 * channel, then closes it.
 */
final class RemoteCommand {
  private static final Logger log = LoggerFactory.getLogger(RemoteCommand.class);
  private static final int READ_SIZE = 32 * 1024;
  private static final Duration SIGNAL_REPLY_WAIT = Duration.ofSeconds(2);
  private static final int MAX_CHANNEL_ATTEMPTS = 10;
  private static final long REFUSAL_BACKOFF_MILLIS = 20;
  private static final Map<String, Integer> SIGNALS = Map.ofEntries(
      Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("ABRT", 6),
      Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
      Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15));

  /** Why the command is being stopped. */
  private enum Stop { TIMEOUT, CANCEL }

  private final HostPool pool;
  private final CommandSpec spec;
  private final OutputCapture stdout;
  private final OutputCapture stderr;
  private final PidLine pidLine;
  private final CompletableFuture<CommandResult> result = new CompletableFuture<>();
  private final AtomicReference<@Nullable Stop> stop = new AtomicReference<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final long startNanos = System.nanoTime();
  private volatile @Nullable CompletableFuture<HostPool.Connection> lease;
  private volatile @Nullable Attempt current;
  private @Nullable String commandLine;

  RemoteCommand(HostPool pool, CommandSpec spec, OutputListener listener) {
    this.pool = pool;
    this.spec = spec;
    this.stdout = new OutputCapture(spec.outputLimitBytes(), "stdout", line -> listener.onLine(OutputListener.Stream.STDOUT, line));
    this.stderr = new OutputCapture(spec.outputLimitBytes(), "stderr", line -> listener.onLine(OutputListener.Stream.STDERR, line));
    this.pidLine = new PidLine(stderr);
  }

  CompletableFuture<CommandResult> start() {
    try {
      commandLine = RemoteShell.commandLine(spec);
    } catch (IllegalArgumentException e) {
      result.completeExceptionally(new InvalidRequestException("cannot run '" + spec.commandLine() + "' on "
          + host() + ": " + e.getMessage(), e));
      return result;
    }
    ScheduledFuture<?> timer = ZenExecutors.scheduler().schedule(this::timedOut, saturatedNanos(spec.timeout()),
        TimeUnit.NANOSECONDS);
    result.whenComplete((value, error) -> {
      timer.cancel(false);
      if (result.isCancelled() && stop.compareAndSet(null, Stop.CANCEL)) {
        halt().whenComplete((how, failure) -> log.debug("cancelled '{}' on {}: {}", spec.commandLine(), host(), how));
      }
    });
    acquire();
    return result;
  }

  private void acquire() {
    CompletableFuture<HostPool.Connection> next = pool.acquire();
    lease = next;
    next.whenComplete((granted, error) -> {
      if (error != null) {
        fail(error instanceof ZenException zen ? zen
            : new ServiceUnavailableException("cannot reach " + host() + ": " + error.getMessage(), error));
      } else if (stop.get() != null || result.isDone()) {
        pool.release(granted);
      } else {
        open(granted);
      }
    });
  }

  /** One try at a channel: the slot it holds is given back exactly once, whichever way it ends. */
  private final class Attempt {
    final HostPool.Connection granted;
    final ExecChannel channel;
    final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    final CompletableFuture<Void> stdoutEnded = new CompletableFuture<>();
    final CompletableFuture<Void> stderrEnded = new CompletableFuture<>();
    volatile boolean opened;

    Attempt(HostPool.Connection granted, ExecChannel channel) {
      this.granted = granted;
      this.channel = channel;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        pool.release(granted);
      }
    }
  }

  private void open(HostPool.Connection granted) {
    ExecChannel opening = new ExecChannel(java.util.Objects.requireNonNull(commandLine));
    opening.setStreaming(StreamingChannel.Streaming.Async);
    Attempt attempt = new Attempt(granted, opening);
    try {
      ConnectionService service = granted.session.getService(ConnectionService.class);
      service.registerChannel(opening);
      current = attempt;
      opening.addCloseFutureListener(closed -> closed(attempt));
      opening.open().addListener(open -> {
        if (open.isOpened()) {
          attempt.opened = true;
          pool.opened(granted);
          started(attempt);
        } else {
          openFailed(attempt, open.getException());
        }
      });
    } catch (IOException | RuntimeException e) {
      current = null;
      opening.close(true);
      boolean closing = !granted.session.isOpen() || granted.session.isClosing();
      if (closing) {
        // The connection dropped between the lease and the open: another one may serve.
        pool.discard(granted);
      }
      attempt.release();
      if (closing && !pool.ownerClosed() && attempts.incrementAndGet() < MAX_CHANNEL_ATTEMPTS) {
        acquire();
      } else {
        fail(lostOrUnavailable(e, "could not open a channel"));
      }
    }
  }

  private void openFailed(Attempt attempt, @Nullable Throwable error) {
    current = null;
    // OpenSSH refuses a session channel past MaxSessions with reason "connect failed" (its default
    // reason), others with "administratively prohibited" or "resource shortage".
    boolean refused = error instanceof SshChannelOpenException open
        && (open.getReasonCode() == SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
            || open.getReasonCode() == SshConstants.SSH_OPEN_CONNECT_FAILED
            || open.getReasonCode() == SshConstants.SSH_OPEN_RESOURCE_SHORTAGE);
    if (refused) {
      pool.refused(attempt.granted);
    }
    int tries = attempts.incrementAndGet();
    boolean retry = refused && tries < MAX_CHANNEL_ATTEMPTS;
    attempt.channel.close(true);
    attempt.release();
    if (stop.get() != null) {
      return;
    }
    if (retry) {
      // A refusal is often transient (the server frees a closed session a moment later): back off
      // on the timer, no thread waits.
      ZenExecutors.scheduler().schedule(() -> {
        if (stop.get() == null && !result.isDone()) {
          acquire();
        }
      }, REFUSAL_BACKOFF_MILLIS * tries, TimeUnit.MILLISECONDS);
    } else if (refused) {
      fail(new ServiceUnavailableException("the SSH server " + host() + " refused a channel for '" + spec.commandLine()
          + "' (" + error.getMessage() + "); it may limit sessions per connection (OpenSSH MaxSessions) below what the "
          + "executor uses: lower SshOptions.maxChannelsPerConnection", error));
    } else {
      fail(lostOrUnavailable(error, "could not open a channel"));
    }
  }

  private void started(Attempt attempt) {
    ExecChannel running = attempt.channel;
    pump(running.getAsyncOut(), new Sink(stdout::append, stdout::finish), attempt.stdoutEnded);
    pump(running.getAsyncErr(), new Sink(pidLine::append, pidLine::finish), attempt.stderrEnded);
    writeStdin(running.getAsyncIn());
    if (stop.get() != null) {
      // Stopped while the channel was opening: halt() found nothing to signal then.
      halt();
    }
  }

  private void writeStdin(IoOutputStream in) {
    byte[] bytes = spec.stdin().getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      in.close(false);
      return;
    }
    try {
      in.writeBuffer(new ByteArrayBuffer(bytes)).addListener(written -> {
        if (written.getException() != null) {
          log.debug("'{}' on {} did not take all its stdin", spec.commandLine(), host(), written.getException());
        }
        // A graceful close sends EOF: the command sees the end of its input.
        in.close(false);
      });
    } catch (IOException | RuntimeException e) {
      log.debug("cannot write stdin of '{}' on {}", spec.commandLine(), host(), e);
      in.close(true);
    }
  }

  /** Reads until the stream ends, each completion issuing the next read; inline while data is already there. */
  /** Where one stream's bytes go. */
  private record Sink(Appender append, Runnable finish) {}

  @FunctionalInterface
  private interface Appender {
    void append(byte[] bytes, int offset, int length);
  }

  private void pump(IoInputStream in, Sink capture, CompletableFuture<Void> ended) {
    while (true) {
      IoReadFuture read;
      try {
        read = in.read(new ByteArrayBuffer(READ_SIZE));
      } catch (RuntimeException e) {
        capture.finish().run();
        ended.complete(null);
        return;
      }
      if (!read.isDone()) {
        read.addListener(done -> {
          if (consume(done, capture, ended)) {
            pump(in, capture, ended);
          }
        });
        return;
      }
      if (!consume(read, capture, ended)) {
        return;
      }
    }
  }

  /** Takes one read's bytes; false once the stream has ended. */
  private static boolean consume(IoReadFuture read, Sink capture, CompletableFuture<Void> ended) {
    if (read.getException() != null || read.getRead() < 0) {
      // EOF, or the channel closed: the stream is over either way.
      capture.finish().run();
      ended.complete(null);
      return false;
    }
    org.apache.sshd.common.util.buffer.Buffer buffer = read.getBuffer();
    capture.append().append(buffer.array(), buffer.rpos(), buffer.available());
    return true;
  }

  private void closed(Attempt attempt) {
    attempt.release();
    if (!attempt.opened) {
      return;
    }
    // The asynchronous streams close with the channel, which ends their pending reads; wait for
    // those so the captures are complete (and touched by one thread at a time). The bound is a
    // guard against a stream that never reports its end.
    CompletableFuture.allOf(attempt.stdoutEnded, attempt.stderrEnded)
        .completeOnTimeout(null, 2, TimeUnit.SECONDS)
        .whenComplete((ignored, error) -> finish(attempt.channel));
  }

  private synchronized void finish(ExecChannel closedChannel) {
    Integer status = closedChannel.getExitStatus();
    String signal = closedChannel.getExitSignal();
    if (stop.get() != null || result.isDone()) {
      return;
    }
    if (status == null && signal == null) {
      if (pool.ownerClosed()) {
        fail(new NonRetriableException("the SSH executor was closed while '" + spec.commandLine() + "' ran on "
            + host(), null));
      } else {
        fail(new ConnectionLostException("the connection to " + host() + " dropped while '" + spec.commandLine()
            + "' ran (no exit status came back); whether it finished there is unknown", null));
      }
      return;
    }
    int exitCode = status != null ? status : 128 + SIGNALS.getOrDefault(signal, 0);
    CommandResult done = new CommandResult(exitCode, stdout.text(), stderr.text(),
        Duration.ofNanos(System.nanoTime() - startNanos), stdout.truncated(), stderr.truncated());
    Optional<InvalidRequestException> notStarted = RemoteShell.startFailure(spec, done, host());
    if (notStarted.isPresent()) {
      fail(notStarted.get());
    } else {
      result.complete(done);
    }
  }

  private void timedOut() {
    if (result.isDone() || !stop.compareAndSet(null, Stop.TIMEOUT)) {
      return;
    }
    halt().whenComplete((how, error) -> {
      Termination termination = how == null ? Termination.CHANNEL_CLOSED : how;
      String detail = switch (termination) {
        case SIGNALLED -> " and was killed (SIGKILL to its process group over the channel)";
        case KILLED -> " and was killed (the server refused signals: a kill command on another channel ended its "
            + "process group)";
        case CHANNEL_CLOSED -> "; it could not be killed (the server refused signals), so only its channel was closed "
            + "(the process ends when it next touches its closed streams)";
        case NOT_STARTED -> " before it could start (it waited for a connection or a channel)";
      };
      result.completeExceptionally(new CommandTimeoutException("command '" + spec.commandLine() + "' on " + host()
          + " did not finish within " + spec.timeout() + detail + "; raise its timeout or check why it hangs",
          spec.timeout(), termination, null));
    });
  }

  /**
   * Stops the remote process: KILL to its process group over the channel (OpenSSH for non-root
   * users and MINA deliver it); if the server refuses (OpenSSH for root logins), the channel is
   * closed and a second command kills the process group by the pid the wrapper reported.
   * Completes with how it went.
   */
  private CompletableFuture<Termination> halt() {
    CompletableFuture<HostPool.Connection> waitingLease = lease;
    Attempt attempt = current;
    if (attempt == null || !attempt.opened) {
      if (waitingLease != null) {
        waitingLease.cancel(false);
      }
      // A channel still opening is stopped by started() once open; none exists yet otherwise.
      return CompletableFuture.completedFuture(attempt == null ? Termination.NOT_STARTED : Termination.CHANNEL_CLOSED);
    }
    ExecChannel running = attempt.channel;
    if (running.isClosing() || running.isClosed()) {
      return CompletableFuture.completedFuture(Termination.SIGNALLED);
    }
    CompletableFuture<Boolean> reply = running.sendSignal("KILL")
        .completeOnTimeout(false, SIGNAL_REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return reply.thenCompose(accepted -> {
      running.close(false);
      if (accepted) {
        return CompletableFuture.completedFuture(Termination.SIGNALLED);
      }
      Long pid = pidLine.pid();
      if (pid == null) {
        log.debug("{} refused a KILL signal for '{}' before it reported its pid; closed the channel", host(),
            spec.commandLine());
        return CompletableFuture.completedFuture(Termination.CHANNEL_CLOSED);
      }
      return new RemoteCommand(pool, RemoteShell.killCommand(pid), OutputListener.NONE).start()
          .handle((killed, error) -> {
            if (error == null && killed.exitCode() == 0) {
              return Termination.KILLED;
            }
            log.debug("could not kill pid {} on {} after it refused a signal: {}", pid, host(),
                error != null ? error.toString() : killed.stderr());
            return Termination.CHANNEL_CLOSED;
          });
    });
  }

  private void fail(ZenException error) {
    result.completeExceptionally(error);
  }

  private ZenException lostOrUnavailable(@Nullable Throwable error, String what) {
    if (pool.ownerClosed()) {
      return new NonRetriableException("the SSH executor was closed before '" + spec.commandLine() + "' ran on "
          + host(), error);
    }
    String message = error == null || error.getMessage() == null ? "" : ": " + error.getMessage();
    return new ServiceUnavailableException(what + " for '" + spec.commandLine() + "' on " + host() + message, error);
  }

  private String host() {
    return pool.target().display();
  }

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
