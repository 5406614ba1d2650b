package dev.zen.graph.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Small future helpers that keep cancellation flowing from a derived future to its source. */
final class Futures {
  private Futures() {}

  /** Cancels {@code source} when {@code derived} is cancelled. */
  static void propagateCancel(CompletableFuture<?> derived, Future<?> source) {
    derived.whenComplete((value, error) -> {
      if (derived.isCancelled()) {
        source.cancel(true);
      }
    });
  }

  /**
   * Like {@code source.handle(...)}, but cancelling the result cancels {@code source}: a mapped
   * future must not cut the cancellation path to the HTTP call.
   */
  static <T> CompletableFuture<T> mapFailure(CompletableFuture<T> source, Function<Throwable, Throwable> mapper) {
    CompletableFuture<T> result = new CompletableFuture<>();
    source.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(mapper.apply(unwrap(error)));
      }
    });
    propagateCancel(result, source);
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
}
