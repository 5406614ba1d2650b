package dev.zen.fake.openai;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal HTTP/1.1 server on one selector thread, with its own timers, so the fake can delay,
 * stream, hang, reset and notice clients that hang up without a thread per request.
 *
 * <p>Everything but {@link #execute}, {@link #close} and the counters runs on the loop thread.
 */
final class FakeHttpLoop implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeHttpLoop.class);
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  /** What the loop calls, always on its thread. */
  interface Handler {
    void onRequest(Exchange exchange);

    /** The client went away while {@code exchange} had no complete response. */
    void onAbort(Exchange exchange, boolean streaming);
  }

  private final Handler handler;
  private final long idleNanos;
  private final Selector selector;
  private final ServerSocketChannel server;
  private final Thread thread;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<Connection> connections = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong timerSequence = new AtomicLong();
  private final AtomicInteger connectionIds = new AtomicInteger();
  private volatile boolean closing;

  final AtomicInteger openConnections = new AtomicInteger();
  final AtomicInteger peakConnections = new AtomicInteger();
  final AtomicInteger acceptedConnections = new AtomicInteger();
  final AtomicInteger activeExchanges = new AtomicInteger();
  final AtomicInteger peakExchanges = new AtomicInteger();

  /**
   * @param idleTimeout how long a connection may sit without a request in progress before the
   *     server closes it, as real servers close idle keep-alive connections
   */
  FakeHttpLoop(int port, Duration idleTimeout, Handler handler) throws IOException {
    this.handler = handler;
    this.idleNanos = idleTimeout.toNanos();
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    this.thread = new Thread(this::run, "fake-openai-" + port());
    thread.setDaemon(true);
  }

  void start() {
    // Before the thread starts, so no other thread touches the timer queue.
    schedule(sweepInterval(), this::closeIdleConnections);
    thread.start();
  }

  /** A quarter of the idle timeout (at least 10 ms, at most 1 s): a connection closes within 1.25 timeouts. */
  private long sweepInterval() {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 4));
  }

  private void closeIdleConnections() {
    long now = System.nanoTime();
    for (Connection connection : List.copyOf(connections)) {
      if (connection.exchange == null && connection.out.isEmpty() && now - connection.lastActive >= idleNanos) {
        connection.close(false);
      }
    }
    schedule(sweepInterval(), this::closeIdleConnections);
  }

  int port() {
    return server.socket().getLocalPort();
  }

  /** Runs {@code task} on the loop thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Runs {@code task} on the loop thread after {@code delayNanos}; call on the loop thread. */
  void schedule(long delayNanos, Runnable task) {
    timers.add(new Timer(System.nanoTime() + Math.max(0, delayNanos), timerSequence.incrementAndGet(), task));
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    selector.wakeup();
    try {
      if (Thread.currentThread() != thread && !stopped.await(10, TimeUnit.SECONDS)) {
        LOG.warn("the fake server's loop did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!closing) {
        long wait = runDueTimers();
        if (wait < 0) {
          selector.select();
        } else if (wait == 0) {
          selector.selectNow();
        } else {
          selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          handle(key);
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
          runSafely(task);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("the fake server's loop failed", e);
    } finally {
      for (Connection connection : List.copyOf(connections)) {
        connection.close(false);
      }
      closeQuietly(server);
      closeQuietly(selector);
      stopped.countDown();
    }
  }

  /** Runs the timers that are due; returns nanos until the next one, or -1 when none. */
  private long runDueTimers() {
    while (true) {
      Timer next = timers.peek();
      if (next == null) {
        return tasks.isEmpty() ? -1 : 0;
      }
      long wait = next.deadline - System.nanoTime();
      if (wait > 0) {
        return tasks.isEmpty() ? wait : 0;
      }
      timers.poll();
      runSafely(next.task);
    }
  }

  private void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("a fake server task failed", e);
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept();
      return;
    }
    Connection connection = (Connection) key.attachment();
    if (key.isWritable()) {
      connection.flush();
    }
    if (key.isValid() && key.isReadable()) {
      connection.read();
    }
  }

  private void accept() {
    SocketChannel channel;
    try {
      while ((channel = server.accept()) != null) {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection connection = new Connection(channel, connectionIds.incrementAndGet());
        connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
        connections.add(connection);
        acceptedConnections.incrementAndGet();
        peakConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
      }
    } catch (IOException e) {
      LOG.debug("accept failed", e);
    }
  }

  private static void closeQuietly(@Nullable Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private record Timer(long deadline, long sequence, Runnable task) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer other) {
      int byDeadline = Long.compare(deadline, other.deadline);
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
  }

  /** A parsed request head and body. */
  record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** One request on a connection and its response, written from the loop thread. */
  final class Exchange {
    final Connection connection;
    final Request request;
    final long receivedNanos;
    private boolean headSent;
    private boolean finished;
    @Nullable Object attachment;

    Exchange(Connection connection, Request request) {
      this.connection = connection;
      this.request = request;
      this.receivedNanos = System.nanoTime();
    }

    /** Whether a response may still be written (the client is there and nothing ended it). */
    boolean isOpen() {
      return !finished && connection.open;
    }

    int connectionId() {
      return connection.id;
    }

    void respond(int status, Map<String, String> headers, byte[] body) {
      if (!isOpen()) {
        return;
      }
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put("Content-Length", Integer.toString(body.length));
      connection.write(head(status, all));
      connection.write(body);
      finish(false);
    }

    void startChunked(int status, Map<String, String> headers) {
      if (!isOpen()) {
        return;
      }
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put("Transfer-Encoding", "chunked");
      connection.write(head(status, all));
      headSent = true;
    }

    void writeChunk(byte[] data) {
      if (!isOpen() || data.length == 0) {
        return;
      }
      connection.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      connection.write(data);
      connection.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    void endChunked() {
      if (!isOpen()) {
        return;
      }
      connection.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      finish(false);
    }

    /** Sends what is written so far, then closes the connection normally (FIN). */
    void closeAfterWrites() {
      if (!isOpen()) {
        return;
      }
      finish(true);
    }

    /** Writes a complete head with the given body length, part of the body, then closes (FIN). */
    void respondCut(int status, Map<String, String> headers, byte[] body, int sendBytes) {
      if (!isOpen()) {
        return;
      }
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put("Content-Length", Integer.toString(body.length));
      connection.write(head(status, all));
      byte[] part = new byte[Math.min(sendBytes, body.length)];
      System.arraycopy(body, 0, part, 0, part.length);
      connection.write(part);
      finish(true);
    }

    /** Resets the connection (RST): the client sees "connection reset". */
    void reset() {
      if (!isOpen()) {
        return;
      }
      finished = true;
      activeExchanges.decrementAndGet();
      connection.exchange = null;
      connection.reset();
    }

    boolean headSent() {
      return headSent;
    }

    private void finish(boolean closeConnection) {
      finished = true;
      activeExchanges.decrementAndGet();
      connection.exchange = null;
      if (closeConnection || "close".equalsIgnoreCase(request.header("connection"))) {
        connection.closeAfterFlush = true;
        connection.flush();
      } else {
        connection.flush();
        connection.parse();
      }
    }

    /** The connection died under this exchange. */
    void abort() {
      if (finished) {
        return;
      }
      finished = true;
      activeExchanges.decrementAndGet();
      handler.onAbort(this, headSent);
    }
  }

  private static byte[] head(int status, Map<String, String> headers) {
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
        .append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    return head.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 411 -> "Length Required";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status " + status;
    };
  }

  /** One accepted socket. */
  final class Connection {
    final SocketChannel channel;
    final int id;
    @Nullable SelectionKey key;
    boolean open = true;
    boolean closeAfterFlush;
    @Nullable Exchange exchange;
    /** {@link System#nanoTime()} of the last byte read or written. */
    long lastActive = System.nanoTime();
    private byte[] in = new byte[8192];
    private int inLength;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

    Connection(SocketChannel channel, int id) {
      this.channel = channel;
      this.id = id;
    }

    void read() {
      int read;
      try {
        if (inLength == in.length) {
          if (in.length >= MAX_HEAD_BYTES + MAX_BODY_BYTES) {
            close(true);
            return;
          }
          in = java.util.Arrays.copyOf(in, in.length * 2);
        }
        read = channel.read(ByteBuffer.wrap(in, inLength, in.length - inLength));
      } catch (IOException e) {
        close(true);
        return;
      }
      if (read < 0) {
        close(true);
        return;
      }
      inLength += read;
      lastActive = System.nanoTime();
      parse();
    }

    /** Starts the next request when one is complete and none is in progress. */
    void parse() {
      if (!open || exchange != null) {
        return;
      }
      int headEnd = indexOf(in, inLength, new byte[] {'\r', '\n', '\r', '\n'});
      if (headEnd < 0) {
        if (inLength > MAX_HEAD_BYTES) {
          rejectAndClose(431, "request head larger than " + MAX_HEAD_BYTES + " bytes");
        }
        return;
      }
      String[] lines = new String(in, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length < 3) {
        rejectAndClose(400, "malformed request line");
        return;
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
              .add(lines[i].substring(colon + 1).trim());
        }
      }
      List<String> encoding = headers.get("transfer-encoding");
      if (encoding != null && !encoding.isEmpty()) {
        rejectAndClose(411, "send a Content-Length; chunked request bodies are not supported");
        return;
      }
      List<String> lengthHeader = headers.get("content-length");
      int length;
      try {
        length = lengthHeader == null ? 0 : Integer.parseInt(lengthHeader.get(0));
      } catch (NumberFormatException e) {
        rejectAndClose(400, "bad Content-Length");
        return;
      }
      if (length < 0 || length > MAX_BODY_BYTES) {
        rejectAndClose(413, "body too large");
        return;
      }
      int total = headEnd + 4 + length;
      if (inLength < total) {
        return;
      }
      byte[] body = java.util.Arrays.copyOfRange(in, headEnd + 4, total);
      System.arraycopy(in, total, in, 0, inLength - total);
      inLength -= total;
      String target = requestLine[1];
      int query = target.indexOf('?');
      Request request = new Request(requestLine[0].toUpperCase(Locale.ROOT),
          query < 0 ? target : target.substring(0, query), headers, body);
      Exchange started = new Exchange(this, request);
      exchange = started;
      peakExchanges.accumulateAndGet(activeExchanges.incrementAndGet(), Math::max);
      handler.onRequest(started);
    }

    private void rejectAndClose(int status, String message) {
      byte[] body = ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\"}}")
          .getBytes(StandardCharsets.UTF_8);
      write(head(status, Map.of("Content-Type", "application/json", "Content-Length",
          Integer.toString(body.length), "Connection", "close")));
      write(body);
      closeAfterFlush = true;
      flush();
    }

    void write(byte[] bytes) {
      if (open) {
        out.add(ByteBuffer.wrap(bytes));
      }
    }

    void flush() {
      if (!open) {
        return;
      }
      try {
        lastActive = System.nanoTime();
        while (!out.isEmpty()) {
          ByteBuffer next = out.peek();
          channel.write(next);
          if (next.hasRemaining()) {
            interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
          }
          out.poll();
        }
        interest(SelectionKey.OP_READ);
        if (closeAfterFlush) {
          close(false);
        }
      } catch (IOException e) {
        close(true);
      }
    }

    private void interest(int ops) {
      if (key != null && key.isValid() && key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }

    void reset() {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        LOG.debug("could not set SO_LINGER for a reset", e);
      }
      close(false);
    }

    /** Closes the socket; {@code byPeer} when the client hung up or the socket broke. */
    void close(boolean byPeer) {
      if (!open) {
        return;
      }
      open = false;
      out.clear();
      connections.remove(this);
      openConnections.decrementAndGet();
      if (key != null) {
        key.cancel();
      }
      closeQuietly(channel);
      Exchange current = exchange;
      exchange = null;
      if (current != null) {
        if (byPeer) {
          current.abort();
        } else {
          current.finished = true;
          activeExchanges.decrementAndGet();
        }
      }
    }
  }

  private static int indexOf(byte[] data, int length, byte[] pattern) {
    outer:
    for (int i = 0; i <= length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
