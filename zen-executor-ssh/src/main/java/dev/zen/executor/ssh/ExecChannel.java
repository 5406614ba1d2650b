package dev.zen.executor.ssh;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * An exec channel that can send a signal and learn whether the server accepted it. MINA has no
 * call for RFC 4254's {@code signal} request, and its exec channel swallows request replies; the
 * executor asks for no reply to {@code exec} (MINA's {@code REQUEST_EXEC_REPLY} is false), so every
 * reply on this channel answers a signal, in order.
 */
final class ExecChannel extends ChannelExec {
  private final ConcurrentLinkedQueue<CompletableFuture<Boolean>> signalReplies = new ConcurrentLinkedQueue<>();

  ExecChannel(String command) {
    super(command, new PtyChannelConfiguration(), null);
  }

  /** Sends {@code signal} (a name without {@code SIG}, like {@code KILL}); completes with whether the server accepted it. */
  CompletableFuture<Boolean> sendSignal(String signal) {
    CompletableFuture<Boolean> reply = new CompletableFuture<>();
    try {
      Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, signal.length() + 32);
      buffer.putUInt(getRecipient());
      buffer.putString("signal");
      buffer.putBoolean(true);
      buffer.putString(signal);
      signalReplies.add(reply);
      writePacket(buffer);
    } catch (IOException | RuntimeException e) {
      signalReplies.remove(reply);
      reply.complete(false);
    }
    return reply;
  }

  @Override
  public void handleSuccess() {
    CompletableFuture<Boolean> reply = signalReplies.poll();
    if (reply != null) {
      reply.complete(true);
    }
  }

  @Override
  public void handleFailure() {
    CompletableFuture<Boolean> reply = signalReplies.poll();
    if (reply != null) {
      reply.complete(false);
    }
  }

  @Override
  protected void preClose() {
    // A closed channel answers nothing more.
    CompletableFuture<Boolean> reply;
    while ((reply = signalReplies.poll()) != null) {
      reply.complete(false);
    }
    super.preClose();
  }
}
