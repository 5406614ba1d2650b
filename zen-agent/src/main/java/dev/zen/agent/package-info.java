/**
 * The Zen agent: Zen's tools behind one object an embedder or a protocol adapter calls, and the
 * public SPI for writing more tools.
 *
 * <p>{@link dev.zen.agent.ZenAgent} knows nothing about MCP: it lists
 * {@link dev.zen.agent.ToolSpec tool specs} (name, one or two sentences, a compact JSON Schema),
 * takes a {@link dev.zen.agent.ToolCall} with raw JSON-decoded arguments and completes with a
 * {@link dev.zen.agent.ToolResult}:
 *
 * <pre>{@code
 * try (ZenAgent agent = ZenAgent.builder()
 *     .gateway(gateway)                       // any ModelGateway
 *     .checkpointStore(store)                 // conversation memory
 *     .tool(new MyTool())                     // optional: the application's own tools
 *     .build()) {
 *   ToolResult result = agent.call(ToolCall.of("chat", Map.of("prompt", "Is this design sound?"))).join();
 *   String thread = result.continuationId();  // pass back as "continuation_id" to continue
 * }
 * }</pre>
 *
 * <p>Writing a tool: extend {@link dev.zen.agent.ZenTool}, declare its arguments with
 * {@link dev.zen.agent.ToolParam}, and do the work in {@code run(ToolContext)}: the
 * {@link dev.zen.agent.ToolContext} gives the checked {@link dev.zen.agent.ToolArguments}, the
 * resolved models, the request messages with files and history, model calls tied to the call's
 * cancellation, progress, the {@link dev.zen.agent.Conversation} and the tool's own typed state
 * ({@link dev.zen.agent.ToolStateCodec}); the tool answers with a {@link dev.zen.agent.ToolOutcome}.
 * Zen's own tools live in sub-packages ({@code dev.zen.agent.chat}, {@code dev.zen.agent.consensus},
 * ...) and use nothing else.
 *
 * <p>Error contract: wrong user input (a bad argument, a relative or refused path, an unknown or
 * expired {@code continuation_id}, an unknown model) completes with a result whose
 * {@link dev.zen.agent.ToolResult#isError()} is true and whose text says what to do. The future
 * fails only with {@link dev.zen.agent.UnknownToolException} (the tool name itself is unknown or
 * disabled), a {@link java.util.concurrent.CancellationException} when the caller cancelled, or
 * another {@link dev.zen.ZenException} when infrastructure failed (checkpoint store down, an
 * unexpected failure in a stage or a tool).
 *
 * <p>Each call runs as a graph on the runtime executor: supervisor, model router, file processor,
 * the tool's node, response. A conversation thread keeps one checkpoint, replaced by each call
 * that stores turns: the turns (text, the paths of files and images, the model), its times and each
 * tool's state; never file contents.
 */
@NullMarked
package dev.zen.agent;

import org.jspecify.annotations.NullMarked;
