package dev.zen.agent;

import dev.zen.graph.NodeContext;
import java.util.concurrent.CompletableFuture;

/**
 * The work a tool does in its own graph node, after the supervisor, model router and file
 * processor prepared the {@link Turn}. Completes with an {@link Outcome}; model failures become
 * error outcomes, so only bugs fail the future. Cancelling the future cancels the model calls.
 */
@FunctionalInterface
interface ToolNode {
  CompletableFuture<Outcome> run(Turn turn, NodeContext node);
}
