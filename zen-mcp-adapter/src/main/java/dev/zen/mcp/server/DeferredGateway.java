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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A gateway that is built when the first call needs it: calls wait for it, then go through.
 * Building the HTTP gateway (langchain4j's models, the JDK HTTP client and its TLS setup, and in
 * demo mode the fake endpoint) was most of the server's start-up, and on a two-core machine
 * building it on another thread still slowed the {@code initialize} answer down: the session,
 * {@code initialize} and {@code tools/list} need none of it, and a session that never calls a
 * tool never pays for it. A call cancelled while it waits is never sent; one cancelled later
 * cancels the real call.
 */
final class DeferredGateway implements ModelGateway {
  private final Supplier<CompletableFuture<ModelGateway>> start;
  private volatile @Nullable CompletableFuture<ModelGateway> delegate;

  /** Calls wait for {@code delegate}, which is being built already. */
  DeferredGateway(CompletableFuture<ModelGateway> delegate) {
    this.start = () -> delegate;
    this.delegate = delegate;
  }

  private DeferredGateway(Supplier<CompletableFuture<ModelGateway>> start) {
    this.start = start;
  }

  /** {@code start} runs once, on the first call's thread, and must not block (hand the work to an executor). */
  static DeferredGateway onFirstUse(Supplier<CompletableFuture<ModelGateway>> start) {
    return new DeferredGateway(start);
  }

  /** Whether the gateway has been asked for, so is being built or built. */
  boolean started() {
    return delegate != null;
  }

  private CompletableFuture<ModelGateway> delegate() {
    CompletableFuture<ModelGateway> started = delegate;
    if (started == null) {
      synchronized (this) {
        started = delegate;
        if (started == null) {
          try {
            started = start.get();
          } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
          }
          delegate = started;
        }
      }
    }
    return started;
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
    delegate().whenComplete((gateway, failure) -> {
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
