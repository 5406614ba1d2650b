package dev.zen.graph.agent;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Future helpers that keep the cancellation path from a call's future down to its HTTP requests. */
final class Async {
  private Async() {}

  /** Cancels {@code source} when {@code derived} is cancelled: derived stages do not do it by themselves. */
  static <T> CompletableFuture<T> cancelling(CompletableFuture<T> derived, Future<?> source) {
    derived.whenComplete((value, error) -> {
      if (derived.isCancelled()) {
        source.cancel(true);
      }
    });
    return derived;
  }

  /**
   * Completes with every future's value, in order, once all are done; cancelling it cancels them
   * all. Callers make each future total (failures mapped to values) so one failure never hides
   * the others' answers.
   */
  static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
    CompletableFuture<List<T>> result = CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new))
        .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
    result.whenComplete((value, error) -> {
      if (result.isCancelled()) {
        futures.forEach(future -> future.cancel(true));
      }
    });
    return result;
  }

  /** The failure behind the wrappers {@code CompletableFuture} adds. */
  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** A message for people: the failure's own message, or its type when it has none. */
  static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
