package dev.zen.gateway.langchain4j;

import dev.zen.internal.Futures;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEventParsingHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * langchain4j's {@link HttpClient} on one shared JDK {@link java.net.http.HttpClient}, so every
 * model built on it pools connections, and every exchange can be aborted from the gateway: a
 * blocking exchange by interrupting its thread, a stream through the call's {@link CallScope}.
 *
 * <p>Unlike langchain4j's {@code JdkHttpClient} it reads event streams without holding a thread
 * (a line subscriber on the client's own event handling), keeps status, headers and URL of failed
 * answers ({@link HttpStatusException}), and reports a stream that ends without {@code [DONE]} as
 * a failure ({@link TruncatedStreamException}) rather than as a complete answer.
 */
final class ZenHttpClient implements HttpClient {
  private static final Logger LOG = LoggerFactory.getLogger(ZenHttpClient.class);

  private final java.net.http.HttpClient jdk;
  private final @Nullable Duration readTimeout;

  ZenHttpClient(java.net.http.HttpClient jdk, @Nullable Duration readTimeout) {
    this.jdk = jdk;
    this.readTimeout = readTimeout;
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
    java.net.http.HttpRequest jdkRequest = toJdkRequest(request);
    HttpResponse<byte[]> response;
    try {
      response = jdk.send(jdkRequest, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for " + jdkRequest.uri());
    } catch (IOException e) {
      throw toRuntime(e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new HttpStatusException(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
          response.headers().map(), jdkRequest.uri());
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(response.statusCode())
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventListener listener) {
    java.net.http.HttpRequest jdkRequest = toJdkRequest(request);
    LineSubscriber lines = new LineSubscriber(jdkRequest.uri(), listener);
    BodyHandler<String> handler = info -> {
      if (info.statusCode() / 100 != 2) {
        return BodySubscribers.ofString(StandardCharsets.UTF_8);
      }
      lines.open(SuccessfulHttpResponse.builder()
          .statusCode(info.statusCode())
          .headers(info.headers().map())
          .build());
      return BodySubscribers.fromLineSubscriber(lines, subscriber -> "", StandardCharsets.UTF_8, null);
    };
    CompletableFuture<HttpResponse<String>> exchange = jdk.sendAsync(jdkRequest, handler);
    CallScope scope = CallScope.current();
    if (scope != null) {
      scope.onCancel(() -> {
        lines.cancel();
        exchange.cancel(true);
      });
    }
    exchange.whenComplete((response, error) -> {
      if (lines.isCancelled()) {
        return;
      }
      if (error != null) {
        lines.fail(toRuntime(Futures.unwrap(error)));
      } else if (response.statusCode() / 100 != 2) {
        lines.fail(new HttpStatusException(response.statusCode(), response.body(), response.headers().map(),
            jdkRequest.uri()));
      }
    });
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    // The OpenAI client only uses the default parser; ours parses the same format without a thread.
    execute(request, listener);
  }

  private java.net.http.HttpRequest toJdkRequest(HttpRequest request) {
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      throw new UnsupportedOperationException("multipart requests are not used by chat models");
    }
    java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
    request.headers().forEach((name, values) -> {
      if (values != null) {
        values.forEach(value -> builder.header(name, value));
      }
    });
    builder.method(request.method().name(), request.body() == null
        ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
    if (readTimeout != null) {
      builder.timeout(readTimeout);
    }
    return builder.build();
  }

  private static RuntimeException toRuntime(Throwable error) {
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

  /** Parses {@code text/event-stream} lines into events as they arrive. */
  private static final class LineSubscriber implements Flow.Subscriber<String>, ServerSentEventParsingHandle {
    private final URI uri;
    private final ServerSentEventListener listener;
    private final ServerSentEventContext context = new ServerSentEventContext(this);
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile Flow.@Nullable Subscription subscription;
    private @Nullable String event;
    private final StringBuilder data = new StringBuilder();
    private boolean sawData;
    private boolean done;
    private int events;

    LineSubscriber(URI uri, ServerSentEventListener listener) {
      this.uri = uri;
      this.listener = listener;
    }

    void open(SuccessfulHttpResponse response) {
      guard(() -> listener.onOpen(response));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (cancelled) {
        subscription.cancel();
      } else {
        // Listeners only hand text on (they must not block), so there is nothing to pace.
        subscription.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      if (cancelled) {
        return;
      }
      if (line.isEmpty()) {
        dispatch();
      } else if (line.startsWith("event:")) {
        event = line.substring("event:".length()).trim();
      } else if (line.startsWith("data:")) {
        String content = line.substring("data:".length());
        if (content.startsWith(" ")) {
          content = content.substring(1);
        }
        if (sawData) {
          data.append('\n');
        }
        data.append(content);
        sawData = true;
      }
    }

    private void dispatch() {
      if (!sawData) {
        event = null;
        return;
      }
      ServerSentEvent sse = new ServerSentEvent(event, data.toString());
      event = null;
      data.setLength(0);
      sawData = false;
      events++;
      if ("[DONE]".equals(sse.data())) {
        done = true;
      }
      guard(() -> listener.onEvent(sse, context));
    }

    @Override
    public void onError(Throwable throwable) {
      fail(throwable);
    }

    @Override
    public void onComplete() {
      if (cancelled) {
        return;
      }
      dispatch();
      if (done) {
        if (finished.compareAndSet(false, true)) {
          guard(listener::onClose);
        }
      } else {
        fail(new TruncatedStreamException(uri, events));
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
      Flow.Subscription current = subscription;
      if (current != null) {
        current.cancel();
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    private void guard(Runnable callback) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        // langchain4j's own client ignores listener failures too; the gateway reports its own.
        LOG.debug("event-stream listener failed", e);
      }
    }
  }

  /** Hands langchain4j's model builders a client on the shared JDK client. */
  static final class Builder implements HttpClientBuilder {
    private final java.net.http.HttpClient jdk;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;

    Builder(java.net.http.HttpClient jdk, @Nullable Duration readTimeout) {
      this.jdk = jdk;
      this.readTimeout = readTimeout;
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
      this.readTimeout = timeout;
      return this;
    }

    @Override
    public ZenHttpClient build() {
      return new ZenHttpClient(jdk, readTimeout);
    }
  }

}
