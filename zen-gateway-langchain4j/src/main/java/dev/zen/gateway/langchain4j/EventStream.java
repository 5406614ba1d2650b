package dev.zen.gateway.langchain4j;

import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParsingHandle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the body of a 2xx answer to a stream request as it arrives, on the HTTP client's own
 * threads, and hands langchain4j's listener the events of an OpenAI stream.
 *
 * <ul>
 *   <li>The body is decoded first ({@link ContentDecoder}), so a gzip stream nobody asked for
 *       reads like any other.
 *   <li>What the body is decides how it is read: {@code text/event-stream} (or a body that starts
 *       like one) as server-sent events, with comments ({@code : keep-alive}) ignored; a JSON
 *       body, which some endpoints send whatever was asked, as the stream it stands for; anything
 *       else (an HTML page) fails the call, saying what came.
 *   <li>Each event is checked ({@link OpenAiWire.Inspector}): an error inside it fails the call
 *       with the endpoint's words, content given as an array of parts is handed on as text.
 *   <li>The answer is complete at {@code [DONE]}, or when the body ends after a final
 *       {@code finish_reason}; a body that ends with neither is a truncated answer
 *       ({@link TruncatedStreamException}). A complete answer without text fails the call
 *       ({@link UnusableAnswerException}). After {@code [DONE]} the listener is told when the body
 *       ends (the connection is then back in the pool), or {@link #DONE_GRACE} later when the
 *       endpoint keeps it open.
 *   <li>Every piece resets the idle timer: keep-alive comments keep a thinking model's answer alive,
 *       silence ends it ({@link IdleTimeoutException}).
 * </ul>
 */
final class EventStream implements BodySubscriber<byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  private static final byte[] NONE = new byte[0];
  /**
   * How long the end of the body may lag behind {@code [DONE]}. A sane endpoint ends it at once
   * (the listener is told then, when the connection is back in the pool); one that holds it open
   * delays the answer this long, not an idle timeout.
   */
  static final Duration DONE_GRACE = Duration.ofSeconds(1);

  private enum Mode { UNDECIDED, EVENTS, JSON, OTHER }

  private final URI uri;
  private final Events events;
  private final @Nullable String contentType;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final @Nullable IdleTimer idle;
  private final OpenAiWire.Inspector inspector = new OpenAiWire.Inspector();
  /** Set once the listener was told the outcome (or the stream was cancelled); the rest is drained. */
  private final AtomicBoolean ended = new AtomicBoolean();
  private @Nullable ContentDecoder decoder;
  private @Nullable IOException unsupported;
  private volatile Flow.@Nullable Subscription subscription;
  private volatile long received;

  // Confined to the subscriber's callbacks, which the Flow contract serializes.
  private Mode mode = Mode.UNDECIDED;
  private final ByteArrayOutputStream whole = new ByteArrayOutputStream();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean afterCarriageReturn;
  private @Nullable String event;
  private final StringBuilder data = new StringBuilder();
  private boolean sawData;
  private int eventCount;
  /**
   * {@code [DONE]} arrived. The listener is told at the end of the body, which follows at once
   * from any sane endpoint: by then the connection is back in the pool for the next call.
   */
  private volatile boolean done;
  private volatile @Nullable IdleTimer afterDone;

  EventStream(URI uri, ResponseInfo info, Events events, @Nullable Duration idleTimeout) {
    this.uri = uri;
    this.events = events;
    this.contentType = info.headers().firstValue("content-type").orElse(null);
    try {
      this.decoder = ContentDecoder.forEncoding(info.headers().firstValue("content-encoding").orElse(null));
    } catch (IOException e) {
      this.unsupported = e;
    }
    this.idle = idleTimeout == null ? null : new IdleTimer(idleTimeout, () -> idle(idleTimeout));
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (unsupported != null) {
      fail(unsupported);
      return;
    }
    if (ended.get()) {
      subscription.cancel();
      return;
    }
    if (idle != null) {
      idle.start();
    }
    // Listeners only hand text on (they must not block), so there is nothing to pace.
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> pieces) {
    if (idle != null) {
      idle.touch();
    }
    try {
      for (ByteBuffer piece : pieces) {
        received += piece.remaining();
        byte[] bytes = decoder().decode(piece);
        if (!ended.get() && !done) {
          feed(bytes);
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    closeDecoder();
    fail(throwable);
  }

  @Override
  public void onComplete() {
    if (idle != null) {
      idle.stop();
    }
    IdleTimer grace = afterDone;
    if (grace != null) {
      grace.stop();
    }
    try {
      decoder().finish();
      if (!ended.get()) {
        end();
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    } finally {
      closeDecoder();
    }
    result.complete(NONE);
  }

  /** Nothing arrived for the idle timeout: a failure, unless {@code [DONE]} already came. */
  private void idle(Duration timeout) {
    if (done) {
      endAfterDone();
    } else {
      fail(new IdleTimeoutException(timeout, received));
    }
  }

  /**
   * {@code [DONE]} came but the body did not end: the answer is complete, and the connection the
   * endpoint keeps open is dropped rather than waited for.
   */
  private void endAfterDone() {
    if (ended.get()) {
      return;
    }
    complete();
    stopReading();
    result.complete(NONE);
  }

  /** Stops reading: the call was cancelled. The listener hears nothing more. */
  void cancel() {
    ended.set(true);
    stopReading();
    result.completeExceptionally(new CancellationException("the stream from " + Urls.redact(uri) + " was cancelled"));
  }

  private ContentDecoder decoder() {
    ContentDecoder current = decoder;
    if (current == null) {
      throw new IllegalStateException("no decoder");
    }
    return current;
  }

  private void closeDecoder() {
    ContentDecoder current = decoder;
    if (current != null) {
      current.close();
    }
  }

  private void feed(byte[] bytes) throws IOException {
    switch (mode) {
      case EVENTS -> lines(bytes, 0);
      case JSON, OTHER -> keep(bytes);
      case UNDECIDED -> {
        keep(bytes);
        byte[] sofar = whole.toByteArray();
        int first = OpenAiWire.firstNonWhitespace(sofar);
        if (first < 0) {
          return;
        }
        mode = decide(sofar[first]);
        if (mode == Mode.EVENTS) {
          whole.reset();
          lines(sofar, 0);
        }
      }
      default -> throw new IllegalStateException(mode.name());
    }
  }

  /**
   * What the body is, from its first byte that is not whitespace: JSON whatever its label (some
   * endpoints answer every request with plain JSON), events when labelled or shaped so, else
   * something that is not an answer.
   */
  private Mode decide(byte first) {
    if (first == '{' || first == '[') {
      return Mode.JSON;
    }
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("event-stream")) {
      return Mode.EVENTS;
    }
    return switch (first) {
      case 'd', 'e', 'i', 'r', ':' -> Mode.EVENTS;
      default -> Mode.OTHER;
    };
  }

  private void keep(byte[] bytes) throws IOException {
    if (whole.size() + bytes.length > ZenHttpClient.MAX_BODY_BYTES) {
      throw new IOException("the answer is larger than " + ZenHttpClient.MAX_BODY_BYTES + " bytes");
    }
    whole.write(bytes);
  }

  /**
   * Splits {@code bytes} into lines at CR, LF or CRLF; a line is decoded whole, so UTF-8 never
   * splits. The bytes between terminators are copied as ranges, and a line that lies within one
   * piece is decoded straight from it: copying byte by byte into the buffer (a synchronized call
   * per byte) was a sixth of the server's CPU per chat call.
   */
  private void lines(byte[] bytes, int from) throws IOException {
    if (ended.get() || done) {
      return;
    }
    int start = from;
    for (int i = from; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b != '\n' && b != '\r') {
        afterCarriageReturn = false;
        continue;
      }
      if (afterCarriageReturn && b == '\n') {
        afterCarriageReturn = false;
        start = i + 1;
        continue;
      }
      afterCarriageReturn = b == '\r';
      String text;
      if (line.size() == 0) {
        checkLineLength(i - start);
        text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
      } else {
        append(bytes, start, i);
        text = line.toString(StandardCharsets.UTF_8);
        line.reset();
      }
      start = i + 1;
      line(text);
      if (ended.get() || done) {
        return;
      }
    }
    append(bytes, start, bytes.length);
  }

  /** Keeps {@code bytes[start, end)} of a line whose end has not arrived yet. */
  private void append(byte[] bytes, int start, int end) throws IOException {
    if (end > start) {
      checkLineLength(line.size() + end - start);
      line.write(bytes, start, end - start);
    }
  }

  private static void checkLineLength(int length) throws IOException {
    if (length > ZenHttpClient.MAX_BODY_BYTES) {
      throw new IOException("an event-stream line is longer than " + ZenHttpClient.MAX_BODY_BYTES + " bytes");
    }
  }

  private void line(String text) throws IOException {
    if (text.isEmpty()) {
      dispatch();
    } else if (text.startsWith(":")) {
      // A comment: keep-alives (": keep-alive", OpenRouter's ": OPENROUTER PROCESSING"). The bytes
      // already reset the idle timer, which is all they are for.
      LOG.trace("event-stream comment from {}: {}", Urls.redact(uri), text);
    } else if (text.startsWith("event:")) {
      event = text.substring("event:".length()).strip();
    } else if (text.startsWith("data:")) {
      String content = text.substring("data:".length());
      if (content.startsWith(" ")) {
        content = content.substring(1);
      }
      if (sawData) {
        data.append('\n');
      }
      data.append(content);
      sawData = true;
    }
    // id: and retry: mean nothing for a chat completion.
  }

  private void dispatch() throws IOException {
    if (!sawData) {
      event = null;
      return;
    }
    String name = event;
    String payload = data.toString();
    event = null;
    data.setLength(0);
    sawData = false;
    eventCount++;
    if ("[DONE]".equals(payload.strip())) {
      done = true;
      afterDone = new IdleTimer(DONE_GRACE, this::endAfterDone).start();
      return;
    }
    String handedOn = inspector.event(name, payload);
    events.event(new ServerSentEvent(name, handedOn));
  }

  /** The body ended (and the listener has not been told the outcome yet). */
  private void end() throws IOException {
    switch (mode) {
      case EVENTS -> {
        if (!done && line.size() > 0) {
          String text = line.toString(StandardCharsets.UTF_8);
          line.reset();
          line(text);
        }
        if (!done) {
          dispatch();
        }
        if (ended.get()) {
          return;
        }
        if (done || inspector.finished()) {
          complete();
        } else {
          fail(new TruncatedStreamException(uri, eventCount));
        }
      }
      case JSON -> {
        for (String payload : OpenAiWire.asStream(whole.toByteArray(), contentType)) {
          eventCount++;
          events.event(new ServerSentEvent(null, inspector.event(null, payload)));
        }
        complete();
      }
      case OTHER -> fail(OpenAiWire.notAnAnswer(whole.toByteArray(), contentType));
      case UNDECIDED -> fail(new TruncatedStreamException(uri, 0));
      default -> throw new IllegalStateException(mode.name());
    }
  }

  /** The answer is complete: an answer if it holds text, else a failure saying why not. */
  private void complete() {
    try {
      inspector.finish();
    } catch (UnusableAnswerException e) {
      fail(e);
      return;
    }
    if (ended.compareAndSet(false, true)) {
      events.close();
    }
  }

  private void fail(Throwable error) {
    boolean first = ended.compareAndSet(false, true);
    stopReading();
    result.completeExceptionally(error);
    if (first) {
      events.fail(error);
    }
  }

  private void stopReading() {
    if (idle != null) {
      idle.stop();
    }
    IdleTimer grace = afterDone;
    if (grace != null) {
      grace.stop();
    }
    Flow.Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  /**
   * The listener of one call, told its outcome at most once: an answer ({@code onClose}) or a
   * failure. Nothing reaches it after a cancel.
   */
  static final class Events implements ServerSentEventParsingHandle {
    private final ServerSentEventListener listener;
    private final ServerSentEventContext context = new ServerSentEventContext(this);
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile @Nullable Runnable onCancel;

    Events(ServerSentEventListener listener) {
      this.listener = listener;
    }

    /** What {@link #cancel()} (langchain4j's handle) does besides silencing the listener. */
    void onCancel(Runnable action) {
      this.onCancel = action;
    }

    void open(SuccessfulHttpResponse response) {
      guard(() -> listener.onOpen(response));
    }

    void event(ServerSentEvent event) {
      if (!cancelled && !finished.get()) {
        guard(() -> listener.onEvent(event, context));
      }
    }

    void close() {
      if (!cancelled && finished.compareAndSet(false, true)) {
        guard(listener::onClose);
      }
    }

    void fail(Throwable error) {
      if (!cancelled && finished.compareAndSet(false, true)) {
        guard(() -> listener.onError(error));
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      Runnable action = onCancel;
      if (action != null) {
        action.run();
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    private static void guard(Runnable callback) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        // langchain4j's own client ignores listener failures too; the gateway reports its own.
        LOG.debug("event-stream listener failed", e);
      }
    }
  }
}
