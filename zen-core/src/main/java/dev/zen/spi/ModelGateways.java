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
        if (index == interceptors.size()) {
          return listener == null ? delegate.complete(request) : delegate.stream(request, listener);
        }
        return interceptors.get(index).intercept(this);
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
    }
  }
}
