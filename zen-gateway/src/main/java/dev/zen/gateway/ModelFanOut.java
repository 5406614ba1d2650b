package dev.zen.gateway;

import dev.zen.internal.Futures;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Asks several models at once, each blinded to the others: every request carries only the
 * messages it was given, never another model's answer, so the answers are independent (what
 * consensus needs).
 *
 * <p>All requests are sent at once (a gateway's concurrency limit may still queue them). The
 * future completes when every model has an outcome, in request order; one model failing does
 * not fail the others or the whole. Cancelling the future cancels every call still running.
 *
 * <pre>{@code
 * List<ModelOutcome> outcomes = ModelFanOut.ask(gateway, List.of("gpt-5", "gemini-2.5-pro", "o3"),
 *     List.of(ChatMessage.user("Is this migration safe? ..."))).join();
 * }</pre>
 */
public final class ModelFanOut {
  private ModelFanOut() {}

  /** Sends the same {@code messages} to each model in {@code models}. */
  public static CompletableFuture<List<ModelOutcome>> ask(ModelGateway gateway, List<String> models,
      List<ChatMessage> messages) {
    Objects.requireNonNull(models, "models");
    List<ChatRequest> requests = new ArrayList<>(models.size());
    for (String model : models) {
      requests.add(ChatRequest.builder(model).messages(messages).build());
    }
    return ask(gateway, requests);
  }

  /** Sends every request at once (each may differ, e.g. a stance per model). */
  public static CompletableFuture<List<ModelOutcome>> ask(ModelGateway gateway, List<ChatRequest> requests) {
    Objects.requireNonNull(gateway, "gateway");
    List<ChatRequest> all = List.copyOf(requests);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("ask at least one model");
    }
    List<CompletableFuture<ChatReply>> calls = new ArrayList<>(all.size());
    List<CompletableFuture<ModelOutcome>> outcomes = new ArrayList<>(all.size());
    for (ChatRequest request : all) {
      CompletableFuture<ChatReply> call;
      try {
        call = gateway.complete(request);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      calls.add(call);
      outcomes.add(call.handle((reply, error) -> error == null
          ? new ModelOutcome.Answered(request, reply)
          : new ModelOutcome.Failed(request, Futures.unwrap(error))));
    }
    CompletableFuture<List<ModelOutcome>> result = CompletableFuture
        .allOf(outcomes.toArray(CompletableFuture[]::new))
        .thenApply(done -> outcomes.stream().map(CompletableFuture::join).toList());
    result.whenComplete((list, error) -> {
      if (result.isCancelled()) {
        calls.forEach(call -> call.cancel(true));
      }
    });
    return result;
  }
}
