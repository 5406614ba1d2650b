package dev.zen.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes messages to stdout, one compact JSON document per line, on its own thread.
 *
 * <p>Callers (Reactor, HTTP client and runtime threads) only enqueue: a client that reads slowly
 * fills the pipe and would otherwise block whichever thread happened to answer. Serialising here
 * also keeps large tool results off those threads. The stream is flushed whenever the queue runs
 * empty, so a burst of answers costs one flush, a lone answer goes out at once.
 *
 * <p>The queue itself never refuses or drops an answer: the transport bounds it by pausing its
 * reader on {@link #queued()}, and is told through {@code onWritten} when messages went out.
 */
final class LineWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LineWriter.class);
  private static final Object END = new Object();

  private final ObjectMapper json;
  private final OutputStream out;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final Thread thread;
  private final Runnable onWritten;
  private final AtomicInteger queued = new AtomicInteger();
  private volatile boolean closed;

  LineWriter(ObjectMapper json, OutputStream out, Runnable onWritten) {
    this.json = json;
    this.onWritten = onWritten;
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.thread = new Thread(this::run, "zen-mcp-stdout");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues a message (anything Jackson writes: SDK records or trees); dropped once closed. */
  void send(Object message) {
    if (closed) {
      LOG.debug("stdout is closed; dropping {}", message.getClass().getSimpleName());
      return;
    }
    queued.incrementAndGet();
    queue.add(message);
  }

  /** Messages waiting to be written. */
  int queued() {
    return queued.get();
  }

  /** Completes when the writer stopped: after {@link #close}, or when stdout broke. */
  CompletableFuture<Void> finished() {
    return finished;
  }

  /** Writes what is queued, then stops; waits up to {@code drain} for that. */
  void close(Duration drain) {
    if (!closed) {
      closed = true;
      queue.add(END);
    }
    try {
      thread.join(Math.max(1, drain.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private byte @Nullable [] serialize(Object message) {
    try {
      return json.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      // A bug in what we built, not a broken pipe: lose this message, keep the session.
      LOG.error("could not serialise a {} for stdout; it is dropped", message.getClass().getSimpleName(), e);
      return null;
    }
  }

  private void run() {
    try {
      while (true) {
        Object message = queue.take();
        if (message == END) {
          break;
        }
        byte[] line = serialize(message);
        if (line != null) {
          out.write(line);
          out.write('\n');
          if (queue.isEmpty()) {
            out.flush();
          }
        }
        queued.decrementAndGet();
        onWritten.run();
      }
      out.flush();
    } catch (IOException e) {
      // The client closed its end of the pipe: nobody is left to answer.
      LOG.debug("stdout is gone, stopping the writer", e);
      closed = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("could not write a message to stdout; stopping", e);
      closed = true;
    } finally {
      queue.clear();
      queued.set(0);
      onWritten.run();
      finished.complete(null);
    }
  }
}
