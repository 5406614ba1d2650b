package dev.zen.mcp.server;

import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A gateway that is still being built: calls wait for it, then go through. Building the HTTP
 * gateway (langchain4j's models, the JDK HTTP client and its TLS setup, and in demo mode the fake
 * endpoint) is most of the server's start-up; doing it on another thread while the MCP session
 * starts lets a client's {@code initialize} be answered first. A call cancelled while it waits is
 * never sent; one cancelled later cancels the real call.
 */
final class DeferredGateway implements ModelGateway {
  private final CompletableFuture<ModelGateway> delegate;

  DeferredGateway(CompletableFuture<ModelGateway> delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    return then(gateway -> gateway.complete(request));
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    return then(gateway -> gateway.stream(request, onChunk));
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    return then(ModelGateway::models);
  }

  private <T> CompletableFuture<T> then(Function<ModelGateway, CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    delegate.whenComplete((gateway, failure) -> {
      if (failure != null) {
        result.completeExceptionally(startFailure(failure));
        return;
      }
      if (result.isDone()) {
        return;
      }
      CompletableFuture<T> inner;
      try {
        inner = call.apply(gateway);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      Futures.cancelling(result, inner);
      inner.whenComplete((value, error) -> {
        if (error != null) {
          result.completeExceptionally(Futures.unwrap(error));
        } else {
          result.complete(value);
        }
      });
    });
    return result;
  }

  private static Throwable startFailure(Throwable failure) {
    Throwable cause = Futures.unwrap(failure);
    return cause instanceof ZenException ? cause
        : new ServiceUnavailableException("the model gateway could not be started (" + cause
            + "); see the server's log on stderr", cause);
  }

  /** The caller of the builder owns the built gateway and closes it. */
  @Override
  public void close() {}
}
