package dev.zen.agent;

import dev.zen.internal.Futures;
import dev.zen.gateway.ModelSpec;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Model requests the tool nodes make: fitted to the model, tracked for cancellation. */
final class ModelCalls {
  private ModelCalls() {}

  static ChatRequest request(ModelSpec model, List<ChatMessage> messages, @Nullable Double temperature) {
    return ChatRequest.builder(model.name())
        .messages(messages)
        .temperature(model.temperatureFor(temperature).orElse(null))
        .build();
  }

  /** Asks for the whole answer at once (fan-out calls, where per-chunk progress would be noise). */
  static CompletableFuture<ChatReply> complete(Turn turn, ChatRequest request) {
    CompletableFuture<ChatReply> call;
    try {
      call = turn.engine.gateway.complete(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return turn.track(call);
  }

  /** Streams the answer, reporting progress per batch of chunks. */
  static CompletableFuture<ChatReply> stream(Turn turn, ChatRequest request, String label) {
    Progress.Batcher batcher = turn.progress.batcher(label);
    CompletableFuture<ChatReply> call;
    try {
      call = turn.engine.gateway.stream(request, batcher);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    turn.track(call);
    // Callers continue only after the last batch is reported, so no progress arrives after the answer.
    return Futures.cancelling(call.whenComplete((reply, error) -> batcher.flush()), call);
  }

  /** The text an error outcome shows when a model call failed. */
  static String failure(String model, Throwable error) {
    return "The model '" + model + "' failed: " + Futures.describe(error)
        + ". Try again, or choose another model (see listmodels).";
  }
}
