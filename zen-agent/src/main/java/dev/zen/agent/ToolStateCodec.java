package dev.zen.agent;

import java.util.Map;

/**
 * Turns a tool's own state (a workflow's steps and findings, say) into the JSON-like map the
 * conversation checkpoint stores, and back. The agent keeps one state per tool per conversation
 * thread; a tool reads it with {@link ToolContext#state} and replaces it with
 * {@link ToolOutcome#withState}.
 *
 * <p>Stored maps outlive releases (a thread in Redis can be continued after an upgrade): decode
 * what an earlier version of the tool wrote, or fail with a clear message.
 *
 * @param <T> the tool's state type, typically a record
 */
public interface ToolStateCodec<T> {

  /** The state as JSON-like values (strings, numbers, booleans, lists, maps, nulls). */
  Map<String, Object> encode(T state);

  /** The state from what {@link #encode} produced, possibly in an earlier release. */
  T decode(Map<String, Object> stored);
}
