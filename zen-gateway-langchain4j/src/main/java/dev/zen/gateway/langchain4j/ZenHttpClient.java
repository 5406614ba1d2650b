package dev.zen.gateway.langchain4j;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.zen.internal.Futures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * langchain4j's {@link HttpClient} on one shared JDK {@link java.net.http.HttpClient}, so every
 * model built on it pools connections, and every exchange can be aborted from the gateway: a
 * blocking exchange by interrupting its thread, a stream through the call's {@link CallScope}.
 *
 * <p>It is also where the protocol is made safe and robust, because it is the only place that sees
 * the raw exchange:
 *
 * <ul>
 *   <li><b>Redirects</b> are never followed by the JDK client (it would resend the
 *       {@code Authorization} header, and on 307 the whole prompt, to any host). A redirect fails
 *       the call with a {@link RedirectException} naming its target, unless same-origin redirects
 *       are allowed and the target has the request's origin.
 *   <li><b>Timeouts</b>: the JDK client's request timeout bounds the wait for the answer to start
 *       (first byte); an {@link IdleTimer} bounds every pause between pieces of the body after it.
 *   <li><b>Bodies</b> are decoded whatever their {@code Content-Encoding} ({@link ContentDecoder}),
 *       checked and made readable ({@link OpenAiWire}) before langchain4j parses them.
 *   <li><b>Streams</b> are read without holding a thread ({@link EventStream}); one that ends
 *       with neither {@code [DONE]} nor a finish reason is a failure
 *       ({@link TruncatedStreamException}); a JSON answer to a stream request is read as the
 *       stream it stands for.
 * </ul>
 *
 * <p>Status, headers and URL of failed answers are kept ({@link HttpStatusException}).
 */
final class ZenHttpClient implements HttpClient {
  /** The most redirects followed for one call, when same-origin ones are allowed. */
  static final int MAX_REDIRECTS = 5;
  /** The largest body read into memory: far above any chat answer, far below a heap. */
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

  /**
   * How exchanges behave.
   *
   * @param firstByteTimeout how long the answer may take to start; {@code null} for no limit
   * @param idleTimeout how long the body may pause; {@code null} for no limit
   * @param followSameOriginRedirects whether redirects to the request's own origin are followed
   */
  record Options(@Nullable Duration firstByteTimeout, @Nullable Duration idleTimeout,
      boolean followSameOriginRedirects) {
    static final Options NONE = new Options(null, null, false);
  }

  private final java.net.http.HttpClient jdk;
  private final Options options;

  ZenHttpClient(java.net.http.HttpClient jdk, Options options) {
    this.jdk = jdk;
    this.options = options;
  }

  Options options() {
    return options;
  }

  /**
   * The blocking call langchain4j's {@code ChatModel} makes, on a runtime-executor thread. It uses
   * {@code send}, not {@code sendAsync(...).get()}: the public async API completes on the common
   * pool (one thread on a two-core machine), which would funnel every concurrent answer through
   * it. Cancelling is interrupting: {@code send} aborts the exchange when its thread is
   * interrupted, which the gateway does when the call's future is cancelled.
   */
  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    URI uri = URI.create(request.url());
    for (int redirects = 0; ; redirects++) {
      java.net.http.HttpRequest jdkRequest = toJdkRequest(request, uri);
      HttpResponse<byte[]> response;
      try {
        response = jdk.send(jdkRequest, this::wholeBody);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for " + Urls.redact(uri));
      } catch (IOException e) {
        throw toRuntime(e);
      }
      if (isRedirect(response.statusCode())) {
        uri = follow(uri, response.statusCode(), response.headers(), redirects);
        continue;
      }
      String contentType = response.headers().firstValue("content-type").orElse(null);
      if (response.statusCode() / 100 != 2) {
        throw new HttpStatusException(response.statusCode(), text(response.body()), response.headers().map(), uri);
      }
      byte[] body = response.body();
      if (isChatCompletions(uri)) {
        try {
          body = OpenAiWire.completion(body, contentType);
        } catch (IOException e) {
          throw toRuntime(e);
        }
      }
      return SuccessfulHttpResponse.builder()
          .statusCode(response.statusCode())
          .headers(decodedHeaders(response.headers()))
          .body(body)
          .build();
    }
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventListener listener) {
    EventStream.Events events = new EventStream.Events(listener);
    StreamCall call = new StreamCall(request, events);
    events.onCancel(call::cancel);
    CallScope scope = CallScope.current();
    if (scope != null) {
      scope.onCancel(events::cancel);
    }
    call.send(URI.create(request.url()), 0);
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    // The OpenAI client only uses the default parser; ours parses the same format without a thread.
    execute(request, listener);
  }

  /**
   * A GET that follows the same redirect rules, with the body decoded and idle-timed, for calls
   * outside langchain4j (the model list). Completes with the final answer, whatever its status.
   */
  CompletableFuture<HttpResponse<byte[]>> get(URI uri, Map<String, String> headers) {
    return get(uri, headers, 0);
  }

  /**
   * A POST whose answer is read whole (decoded, idle-timed, bounded in size) without a thread
   * waiting for it: the asynchronous counterpart of {@link #execute(HttpRequest)}, with the same
   * first-byte timeout and redirect rules (a followed redirect resends the same method and body).
   * Completes with the final answer, whatever its status; cancelling it aborts the exchange.
   *
   * <p>It completes from the body subscriber, on this client's executor, not through the future
   * {@code sendAsync} returns: the JDK completes that one on the common pool (one thread on a
   * two-core machine), which would funnel every answer, and all the work that follows it, through
   * one shared thread.
   */
  CompletableFuture<Answer> post(URI uri, Map<String, String> headers, byte[] body) {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    post(result, uri, headers, body, 0);
    return result;
  }

  /** A whole answer: its status, headers and decoded body, and the URL that gave it. */
  record Answer(int statusCode, HttpHeaders headers, byte[] body, URI uri) {}

  private void post(CompletableFuture<Answer> result, URI uri, Map<String, String> headers, byte[] body,
      int redirects) {
    java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri);
    headers.forEach(builder::header);
    builder.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    if (options.firstByteTimeout() != null) {
      // The JDK client's request timeout ends when the response headers arrive: the first byte.
      builder.timeout(options.firstByteTimeout());
    }
    AtomicReference<@Nullable WholeBody> reading = new AtomicReference<>();
    BodyHandler<byte[]> handler = info -> {
      WholeBody whole = new WholeBody(info, options.idleTimeout());
      reading.set(whole);
      if (result.isDone()) {
        whole.cancel();
      }
      whole.getBody().whenComplete((bytes, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
          return;
        }
        int status = info.statusCode();
        if (!isRedirect(status)) {
          result.complete(new Answer(status, info.headers(), bytes, uri));
          return;
        }
        URI next;
        try {
          next = follow(uri, status, info.headers(), redirects);
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
          return;
        }
        post(result, next, headers, body, redirects + 1);
      });
      return whole;
    };
    if (result.isDone()) {
      return;
    }
    CompletableFuture<HttpResponse<byte[]>> exchange = jdk.sendAsync(builder.build(), handler);
    // Failures before the body (connect, the first-byte timeout, a reset) arrive only here.
    exchange.whenComplete((response, error) -> {
      if (error != null) {
        result.completeExceptionally(Futures.unwrap(error));
      }
    });
    result.whenComplete((answer, error) -> {
      if (result.isCancelled()) {
        exchange.cancel(true);
        WholeBody whole = reading.get();
        if (whole != null) {
          whole.cancel();
        }
      }
    });
  }

  private CompletableFuture<HttpResponse<byte[]>> get(URI uri, Map<String, String> headers, int redirects) {
    java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri).GET();
    headers.forEach(builder::header);
    if (options.firstByteTimeout() != null) {
      builder.timeout(options.firstByteTimeout());
    }
    CompletableFuture<HttpResponse<byte[]>> exchange = jdk.sendAsync(builder.build(), this::wholeBody);
    CompletableFuture<HttpResponse<byte[]>> result = exchange.thenCompose(response -> {
      if (!isRedirect(response.statusCode())) {
        return CompletableFuture.completedFuture(response);
      }
      URI next;
      try {
        next = follow(uri, response.statusCode(), response.headers(), redirects);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      return get(next, headers, redirects + 1);
    });
    return Futures.cancelling(result, exchange);
  }

  /** A body read whole: decoded, idle-timed, bounded in size. */
  private BodySubscriber<byte[]> wholeBody(ResponseInfo info) {
    return new WholeBody(info, options.idleTimeout());
  }

  /**
   * Where a redirect from {@code from} goes, if it may be followed.
   *
   * @throws UncheckedIOException with a {@link RedirectException} when it may not
   */
  URI follow(URI from, int status, HttpHeaders headers, int redirects) {
    Optional<String> location = headers.firstValue("location");
    URI target = null;
    if (location.isPresent()) {
      try {
        target = from.resolve(location.get().strip());
      } catch (IllegalArgumentException unparsable) {
        target = null;
      }
    }
    boolean sameOrigin = target != null && Urls.sameOrigin(from, target) && !Urls.hasUserInfo(target);
    boolean tooMany = redirects >= MAX_REDIRECTS;
    // A 303 asks for a GET of another resource: an API call cannot be answered that way.
    if (!options.followSameOriginRedirects() || !sameOrigin || status == 303 || tooMany) {
      throw new UncheckedIOException(new RedirectException(status, from, target, sameOrigin, tooMany));
    }
    return target;
  }

  private java.net.http.HttpRequest toJdkRequest(HttpRequest request, URI uri) {
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      throw new UnsupportedOperationException("multipart requests are not used by chat models");
    }
    java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri);
    request.headers().forEach((name, values) -> {
      if (values != null) {
        values.forEach(value -> builder.header(name, value));
      }
    });
    builder.method(request.method().name(), request.body() == null
        ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
    if (options.firstByteTimeout() != null) {
      // The JDK client's request timeout ends when the response headers arrive: the first byte.
      builder.timeout(options.firstByteTimeout());
    }
    return builder.build();
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean isChatCompletions(URI uri) {
    String path = uri.getPath();
    return path != null && path.endsWith("/chat/completions");
  }

  /** The headers langchain4j sees: the body it gets is decoded, so no Content-Encoding. */
  private static Map<String, List<String>> decodedHeaders(HttpHeaders headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.map().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("content-encoding") && !name.equalsIgnoreCase("content-length")) {
        map.put(name, values);
      }
    });
    return map;
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  static RuntimeException toRuntime(Throwable error) {
    if (error instanceof HttpTimeoutException) {
      return new TimeoutException(error);
    }
    if (error instanceof IOException io) {
      return new UncheckedIOException(io);
    }
    if (error instanceof RuntimeException runtime) {
      return runtime;
    }
    return new IllegalStateException(error);
  }

  /** One streamed call: its exchanges (one per redirect followed) and its cancellation. */
  private final class StreamCall {
    private final HttpRequest request;
    private final EventStream.Events events;
    private final AtomicReference<@Nullable CompletableFuture<?>> exchange = new AtomicReference<>();
    private final AtomicReference<@Nullable EventStream> body = new AtomicReference<>();
    private volatile boolean cancelled;

    StreamCall(HttpRequest request, EventStream.Events events) {
      this.request = request;
      this.events = events;
    }

    void send(URI uri, int redirects) {
      java.net.http.HttpRequest jdkRequest = toJdkRequest(request, uri);
      BodyHandler<byte[]> handler = info -> {
        if (cancelled || isRedirect(info.statusCode()) || info.statusCode() / 100 != 2) {
          return wholeBody(info);
        }
        EventStream stream = new EventStream(uri, info, events, options.idleTimeout());
        body.set(stream);
        if (cancelled) {
          stream.cancel();
        }
        events.open(SuccessfulHttpResponse.builder()
            .statusCode(info.statusCode())
            .headers(decodedHeaders(info.headers()))
            .build());
        return stream;
      };
      CompletableFuture<HttpResponse<byte[]>> sent = jdk.sendAsync(jdkRequest, handler);
      exchange.set(sent);
      if (cancelled) {
        sent.cancel(true);
      }
      sent.whenComplete((response, error) -> {
        if (cancelled) {
          return;
        }
        if (error != null) {
          events.fail(toRuntime(Futures.unwrap(error)));
          return;
        }
        int status = response.statusCode();
        if (isRedirect(status)) {
          URI next;
          try {
            next = follow(uri, status, response.headers(), redirects);
          } catch (UncheckedIOException refused) {
            events.fail(refused.getCause());
            return;
          }
          send(next, redirects + 1);
        } else if (status / 100 != 2) {
          events.fail(new HttpStatusException(status, text(response.body()), response.headers().map(), uri));
        }
        // A 2xx stream reports its own end (EventStream), before this future completes.
      });
    }

    void cancel() {
      cancelled = true;
      EventStream stream = body.get();
      if (stream != null) {
        stream.cancel();
      }
      CompletableFuture<?> current = exchange.get();
      if (current != null) {
        current.cancel(true);
      }
    }
  }

  /** Collects a whole body: decoded, each piece resetting the idle timer, at most {@link #MAX_BODY_BYTES}. */
  private static final class WholeBody implements BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final @Nullable IdleTimer idle;
    private final AtomicBoolean done = new AtomicBoolean();
    private @Nullable ContentDecoder decoder;
    private @Nullable IOException unsupported;
    private volatile Flow.@Nullable Subscription subscription;
    private long received;

    WholeBody(ResponseInfo info, @Nullable Duration idleTimeout) {
      try {
        this.decoder = ContentDecoder.forEncoding(info.headers().firstValue("content-encoding").orElse(null));
      } catch (IOException e) {
        this.unsupported = e;
      }
      this.idle = idleTimeout == null ? null : new IdleTimer(idleTimeout, () -> fail(new IdleTimeoutException(
          idleTimeout, received)));
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
      if (idle != null) {
        idle.start();
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> pieces) {
      if (done.get()) {
        return;
      }
      if (idle != null) {
        idle.touch();
      }
      try {
        for (ByteBuffer piece : pieces) {
          received += piece.remaining();
          byte[] decoded = Objects.requireNonNull(decoder).decode(piece);
          if (bytes.size() + decoded.length > MAX_BODY_BYTES) {
            throw new IOException("the answer is larger than " + MAX_BODY_BYTES + " bytes");
          }
          bytes.write(decoded);
        }
      } catch (IOException e) {
        fail(e);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      fail(throwable);
    }

    @Override
    public void onComplete() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (idle != null) {
        idle.stop();
      }
      try {
        Objects.requireNonNull(decoder).finish();
        result.complete(bytes.toByteArray());
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    }

    /** Stops reading: the call was cancelled. */
    void cancel() {
      fail(new CancellationException("the answer was no longer wanted"));
    }

    private void fail(Throwable error) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (idle != null) {
        idle.stop();
      }
      if (decoder != null) {
        decoder.close();
      }
      Flow.Subscription current = subscription;
      if (current != null) {
        current.cancel();
      }
      result.completeExceptionally(error);
    }
  }

  /** Hands langchain4j's model builders a client on the shared JDK client. */
  static final class Builder implements HttpClientBuilder {
    private final java.net.http.HttpClient jdk;
    private final Options options;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;

    Builder(java.net.http.HttpClient jdk, Options options) {
      this.jdk = jdk;
      this.options = options;
    }

    @Override
    public @Nullable Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(@Nullable Duration timeout) {
      // The shared JDK client has its own connect timeout; remembered only to honour the contract.
      this.connectTimeout = timeout;
      return this;
    }

    @Override
    public @Nullable Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(@Nullable Duration timeout) {
      // langchain4j sets a default of its own (60 s); the gateway's first-byte and idle timeouts apply instead.
      this.readTimeout = timeout;
      return this;
    }

    @Override
    public ZenHttpClient build() {
      return new ZenHttpClient(jdk, options);
    }
  }
}
