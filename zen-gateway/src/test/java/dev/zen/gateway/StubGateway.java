package dev.zen.gateway;

import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A gateway whose every call is answered by a script, recording what was asked and when. */
final class StubGateway implements ModelGateway {

  /** How one call is answered; {@code attempt} counts from 0 over all calls. */
  @FunctionalInterface
  interface Script {
    CompletableFuture<ChatReply> answer(int attempt, ChatRequest request, Consumer<ChatChunk> onChunk);
  }

  final List<Long> callNanos = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<ChatReply>> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final Script script;

  StubGateway(Script script) {
    this.script = script;
  }

  static ChatReply reply(ChatRequest request, String text) {
    return new ChatReply(request.model(), text, new TokenUsage(1, 1), Duration.ofMillis(1), "stop");
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    return stream(request, chunk -> {});
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    callNanos.add(System.nanoTime());
    CompletableFuture<ChatReply> call = script.answer(attempts.getAndIncrement(), request, onChunk);
    calls.add(call);
    return call;
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    return CompletableFuture.completedFuture(List.of(new ModelInfo("stub")));
  }

  int attempts() {
    return attempts.get();
  }
}
