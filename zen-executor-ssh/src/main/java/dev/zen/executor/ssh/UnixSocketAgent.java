package dev.zen.executor.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An ssh-agent client over the agent's Unix socket with the JDK's own Unix-domain channels (MINA's
 * bundled one needs the Tomcat native library). MINA does the protocol; this class only moves
 * framed messages. Requests block briefly on the calling MINA thread: the agent is a local process
 * answering in microseconds, and it is consulted only while authenticating.
 */
final class UnixSocketAgent extends AbstractAgentProxy {
  private static final int MAX_MESSAGE = 256 * 1024;
  private final SocketChannel channel;

  private UnixSocketAgent(SocketChannel channel) {
    super(null);
    this.channel = channel;
  }

  static SshAgentFactory factory(Path socket) {
    return new SshAgentFactory() {
      @Override
      public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of();
      }

      @Override
      public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
          channel.close();
          throw new IOException("cannot reach the ssh-agent at " + socket + ": " + e.getMessage(), e);
        }
        return new UnixSocketAgent(channel);
      }

      @Override
      public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("agent forwarding is not offered");
      }
    };
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      channel.close();
    }
  }

  @Override
  protected synchronized Buffer request(Buffer buffer) throws IOException {
    int end = buffer.wpos();
    buffer.wpos(0);
    buffer.putUInt(end - 4L);
    buffer.wpos(end);
    ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
    while (out.hasRemaining()) {
      channel.write(out);
    }
    ByteBuffer length = readFully(4);
    int size = length.getInt();
    if (size <= 0 || size > MAX_MESSAGE) {
      throw new IOException("the ssh-agent sent a message of " + size + " bytes");
    }
    return new ByteArrayBuffer(readFully(size).array());
  }

  private ByteBuffer readFully(int size) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(size);
    while (in.hasRemaining()) {
      if (channel.read(in) < 0) {
        throw new EOFException("the ssh-agent closed its socket");
      }
    }
    in.flip();
    return in;
  }
}
