package dev.zen.graph;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A graph node: reads the state and completes with the update it makes to it (keys it changes;
 * channels with reducers merge the values). Complete exceptionally to fail the node; a node with a
 * retry policy is then called again.
 *
 * <p>Return a future for I/O instead of blocking. A node that must block may (it runs on the
 * runtime executor), but holds a thread while it does.
 */
@FunctionalInterface
public interface AsyncNode {

  CompletableFuture<Map<String, ?>> apply(GraphState state, NodeContext context);

  /** A node computed synchronously on the runtime thread (for quick, CPU-only steps). */
  static AsyncNode sync(BiFunction<GraphState, NodeContext, Map<String, ?>> function) {
    return (state, context) -> CompletableFuture.completedFuture(function.apply(state, context));
  }
}
