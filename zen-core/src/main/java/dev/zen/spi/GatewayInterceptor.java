package dev.zen.spi;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Cross-cutting behaviour around a {@link ModelGateway} call (retry, timeout, concurrency limit,
 * metrics, tracing), chained in order by {@link ModelGateways#intercepted}. An interceptor may
 * call {@link Call#proceed} zero, one or several times (a retry calls it again).
 *
 * <p>Cancelling the future an interceptor returns must cancel the call it is waiting on.
 */
@FunctionalInterface
public interface GatewayInterceptor {

  CompletableFuture<ChatReply> intercept(Call call);

  /** One call passing through the chain. */
  interface Call {
    /** The request as it reached this interceptor. */
    ChatRequest request();

    /** The chunk listener of a streaming call, or {@code null} for {@code complete}. */
    @Nullable Consumer<ChatChunk> chunkListener();

    /** Passes the (possibly changed) request to the rest of the chain. */
    CompletableFuture<ChatReply> proceed(ChatRequest request);

    /**
     * Passes the request on with another chunk listener (one that observes chunks, say, and
     * forwards them to {@link #chunkListener()}). A {@code complete} call stays one: the listener
     * is ignored when {@link #chunkListener()} is {@code null}.
     */
    CompletableFuture<ChatReply> proceed(ChatRequest request, Consumer<ChatChunk> listener);
  }
}
