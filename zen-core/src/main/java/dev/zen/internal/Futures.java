package dev.zen.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Future helpers every Zen module shares: unwrapping, and keeping the cancellation path from a
 * derived future down to the work behind it ({@code CompletableFuture}'s derived stages do not
 * cancel their source).
 */
public final class Futures {
  private Futures() {}

  /** The failure behind the {@link CompletionException}/{@link ExecutionException} wrappers futures add. */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
    }
    return current;
  }

  /** A message for people: the unwrapped failure's own message, or its type when it has none. */
  public static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }

  /** Cancels {@code source} when {@code derived} is cancelled; returns {@code derived}. */
  public static <T> CompletableFuture<T> cancelling(CompletableFuture<T> derived, Future<?> source) {
    derived.whenComplete((value, error) -> {
      if (derived.isCancelled()) {
        source.cancel(true);
      }
    });
    return derived;
  }

  /**
   * Like {@code source.handle(...)} for failures only, but cancelling the result cancels
   * {@code source}: a mapped future must not cut the cancellation path to the I/O behind it.
   */
  public static <T> CompletableFuture<T> mapFailure(CompletableFuture<T> source, Function<Throwable, Throwable> mapper) {
    CompletableFuture<T> result = new CompletableFuture<>();
    source.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(mapper.apply(unwrap(error)));
      }
    });
    return cancelling(result, source);
  }

  /**
   * Completes with every future's value, in order, once all are done; cancelling it cancels them
   * all. Callers make each future total (failures mapped to values) so one failure never hides
   * the others' answers.
   */
  public static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
    CompletableFuture<List<T>> result = CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new))
        .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
    result.whenComplete((value, error) -> {
      if (result.isCancelled()) {
        futures.forEach(future -> future.cancel(true));
      }
    });
    return result;
  }

  /** A failed future for what a call threw instead of returning a future, else the future. */
  public static <T> CompletableFuture<T> call(java.util.function.Supplier<@Nullable CompletableFuture<T>> call) {
    try {
      CompletableFuture<T> future = call.get();
      return future != null ? future
          : CompletableFuture.failedFuture(new IllegalStateException("a call returned null instead of a future"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
