/**
 * The Zen agent: Zen's tools (chat, consensus, challenge, apilookup, listmodels, version, and the
 * workflow tools to come) as one object an embedder or a protocol adapter calls.
 *
 * <p>{@link dev.zen.agent.ZenAgent} is the seam between the agent and whatever exposes it
 * (the MCP server in {@code zen-mcp-adapter}, an application, a test). It knows nothing about
 * MCP: it lists {@link dev.zen.agent.ToolSpec tool specs} (name, one or two sentences,
 * a compact JSON Schema), takes a {@link dev.zen.agent.ToolCall} with raw JSON-decoded
 * arguments and completes with a {@link dev.zen.agent.ToolResult}:
 *
 * <pre>{@code
 * try (ZenAgent agent = ZenAgent.builder()
 *     .gateway(gateway)                       // any ModelGateway
 *     .checkpointStore(store)                 // conversation memory
 *     .build()) {
 *   ToolResult result = agent.call(ToolCall.of("chat", Map.of("prompt", "Is this design sound?"))).join();
 *   String thread = result.continuationId();  // pass back as "continuation_id" to continue
 * }
 * }</pre>
 *
 * <p>Error contract: wrong user input (a bad argument, a relative or refused path, an unknown or
 * expired {@code continuation_id}, an unknown model) completes with a result whose
 * {@link dev.zen.agent.ToolResult#isError()} is true and whose text says what to do. The
 * future fails only with {@link dev.zen.agent.UnknownToolException} (the tool name itself is
 * unknown or disabled), a {@link java.util.concurrent.CancellationException} when the caller
 * cancelled, or another {@link dev.zen.ZenException} when infrastructure failed (checkpoint store
 * down, an unexpected node failure).
 *
 * <p>Each call runs as a graph on the runtime executor: supervisor, model router, file
 * processor, the tool's node, response, checkpointed per conversation thread (the thread id is
 * the {@code continuation_id}).
 */
@NullMarked
package dev.zen.agent;

import org.jspecify.annotations.NullMarked;
