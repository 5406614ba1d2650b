package dev.zen.spi;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Composition helpers for {@link ModelGateway}s. */
public final class ModelGateways {
  private ModelGateways() {}

  /**
   * Wraps {@code gateway} so that every {@code complete} and {@code stream} call passes through
   * {@code interceptors}, the first being the outermost. {@code models()} and {@code close()} go
   * straight to {@code gateway}.
   *
   * <p>An interceptor or gateway that throws instead of returning a failed future (or returns
   * {@code null}) is turned into a failed future at that link of the chain, so the interceptors
   * outside it see the failure where they look for it.
   */
  public static ModelGateway intercepted(ModelGateway gateway, List<? extends GatewayInterceptor> interceptors) {
    Objects.requireNonNull(gateway, "gateway");
    List<GatewayInterceptor> chain = List.copyOf(interceptors);
    return chain.isEmpty() ? gateway : new InterceptedGateway(gateway, chain);
  }

  private static final class InterceptedGateway implements ModelGateway {
    private final ModelGateway delegate;
    private final List<GatewayInterceptor> interceptors;

    InterceptedGateway(ModelGateway delegate, List<GatewayInterceptor> interceptors) {
      this.delegate = delegate;
      this.interceptors = interceptors;
    }

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      return new ChainCall(0, request, null).run();
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      return new ChainCall(0, request, Objects.requireNonNull(onChunk, "onChunk")).run();
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return delegate.models();
    }

    @Override
    public void close() {
      delegate.close();
    }

    private final class ChainCall implements GatewayInterceptor.Call {
      private final int index;
      private final ChatRequest request;
      private final @Nullable Consumer<ChatChunk> listener;

      ChainCall(int index, ChatRequest request, @Nullable Consumer<ChatChunk> listener) {
        this.index = index;
        this.request = Objects.requireNonNull(request, "request");
        this.listener = listener;
      }

      CompletableFuture<ChatReply> run() {
        boolean last = index == interceptors.size();
        CompletableFuture<ChatReply> future;
        try {
          if (last) {
            future = listener == null ? delegate.complete(request) : delegate.stream(request, listener);
          } else {
            future = interceptors.get(index).intercept(this);
          }
        } catch (RuntimeException e) {
          // A retry that calls proceed() from a completion callback would lose a thrown exception
          // and hang its caller; as a failed future it is retried or reported like any failure.
          return CompletableFuture.failedFuture(e);
        }
        if (future == null) {
          Object culprit = last ? delegate : interceptors.get(index);
          return CompletableFuture.failedFuture(new NullPointerException(
              culprit.getClass().getName() + " returned null instead of a future"));
        }
        return future;
      }

      @Override
      public ChatRequest request() {
        return request;
      }

      @Override
      public @Nullable Consumer<ChatChunk> chunkListener() {
        return listener;
      }

      @Override
      public CompletableFuture<ChatReply> proceed(ChatRequest next) {
        return new ChainCall(index + 1, next, listener).run();
      }

      @Override
      public CompletableFuture<ChatReply> proceed(ChatRequest next, Consumer<ChatChunk> replacement) {
        Objects.requireNonNull(replacement, "listener");
        return new ChainCall(index + 1, next, listener == null ? null : replacement).run();
      }
    }
  }
}
