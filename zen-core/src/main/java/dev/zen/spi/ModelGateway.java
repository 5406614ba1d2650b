package dev.zen.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Answers chat requests asynchronously.
 *
 * <p>Implementations never block the calling thread. Cancelling a returned future aborts the
 * underlying call (the HTTP request or stream is closed). Failures complete the future with a
 * {@link dev.zen.ZenException} subclass: {@link dev.zen.RateLimitedException},
 * {@link dev.zen.ServiceUnavailableException}, {@link dev.zen.OperationTimeoutException} are
 * retriable; {@link dev.zen.AuthenticationException}, {@link dev.zen.InvalidRequestException},
 * {@link dev.zen.ModelNotFoundException} are not.
 *
 * <p>Retries, timeouts and concurrency limits are not an implementation's business: they are
 * added around any gateway with {@link ModelGateways#intercepted}.
 */
public interface ModelGateway extends AutoCloseable {

  /** Sends the request and completes with the whole reply. */
  CompletableFuture<ChatReply> complete(ChatRequest request);

  /**
   * Sends the request as a stream: {@code onChunk} receives each piece of text as it arrives (on
   * the gateway's thread: do not block in it), and the future completes with the whole reply.
   */
  CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk);

  /** The models this gateway can answer with, as the provider lists them. */
  CompletableFuture<List<ModelInfo>> models();

  /** Releases what this gateway created (connections, threads); the default holds nothing. */
  @Override
  default void close() {}
}
