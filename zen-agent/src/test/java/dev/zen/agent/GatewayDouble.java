package dev.zen.agent;

import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A scripted {@link ModelGateway} for the agent's tests (our own SPI, so no HTTP): answers with
 * {@code answer(request)}, records every request and every cancelled call, streams answers one
 * word per chunk.
 */
class GatewayDouble implements ModelGateway {
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  final List<ChatRequest> cancelled = new CopyOnWriteArrayList<>();
  volatile Function<ChatRequest, CompletableFuture<String>> answer =
      request -> CompletableFuture.completedFuture("answer from " + request.model());
  volatile CompletableFuture<List<ModelInfo>> models =
      CompletableFuture.completedFuture(List.of(new ModelInfo("alpha"), new ModelInfo("beta"), new ModelInfo("gamma")));

  static String allText(ChatRequest request) {
    StringBuilder text = new StringBuilder();
    for (ChatMessage message : request.messages()) {
      text.append(message.role()).append(": ").append(message.text()).append('\n');
    }
    return text.toString();
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    return call(request, null);
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    return call(request, onChunk);
  }

  private CompletableFuture<ChatReply> call(ChatRequest request, Consumer<ChatChunk> onChunk) {
    requests.add(request);
    CompletableFuture<String> text = answer.apply(request);
    CompletableFuture<ChatReply> reply = text.thenApply(answerText -> {
      if (onChunk != null) {
        String[] words = answerText.split("(?<= )");
        for (int i = 0; i < words.length; i++) {
          onChunk.accept(new ChatChunk(i, words[i]));
        }
      }
      return new ChatReply(request.model(), answerText, new TokenUsage(10, 5), Duration.ofMillis(3), "stop");
    });
    reply.whenComplete((value, error) -> {
      if (reply.isCancelled()) {
        cancelled.add(request);
        text.cancel(true);
      }
    });
    return reply;
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    return models;
  }
}
