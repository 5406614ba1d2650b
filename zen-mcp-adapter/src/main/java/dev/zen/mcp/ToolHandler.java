package dev.zen.mcp;

import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import java.util.concurrent.CompletableFuture;

/**
 * Runs calls of one tool an application serves with {@link McpAdapter.Builder#tool}.
 *
 * <p>Contract, the same the Zen agent keeps:
 * <ul>
 *   <li>Return at once with a future; do the work asynchronously. The call starts on the adapter's
 *       call executor, never on a thread that reads stdin, but a handler that blocks still holds a
 *       thread per call.
 *   <li>The adapter has already checked the arguments against the tool's input schema (required
 *       arguments, top-level types, {@code enum}s of strings, {@code additionalProperties: false})
 *       and answered an error result naming the argument when they did not fit.
 *   <li>Cancelling the returned future means the client cancelled the request
 *       ({@code notifications/cancelled}) or closed the session: stop the work. Return the future
 *       that owns the work, or one that passes cancellation on to it
 *       ({@code CompletableFuture.thenApply} results do not).
 *   <li>A failed future or a thrown exception becomes an {@code isError} result whose text says
 *       what failed; a {@link dev.zen.ZenException} keeps its message and its "call again" hint
 *       when retriable. Answer {@link ToolResult#error} yourself for failures the caller can fix.
 *   <li>Report progress through {@link ToolCall#progressListener()}, present only when the client
 *       asked for progress.
 * </ul>
 */
@FunctionalInterface
public interface ToolHandler {

  /** Starts the call; the future completes with its answer. */
  CompletableFuture<ToolResult> call(ToolCall call);
}
