/**
 * Zen's asynchronous agent-graph runtime.
 *
 * <p>Define a graph with {@link dev.zen.graph.AgentGraph#builder(String)}: state channels, async
 * nodes ({@link dev.zen.graph.AsyncNode}), edges, conditional edges and parallel branches (a node
 * with several outgoing edges forks; its branches run concurrently and join at a common node).
 * {@link dev.zen.graph.AgentGraph#compile(GraphOptions) Compile} it with a
 * {@link dev.zen.spi.CheckpointStore} and run it:
 *
 * <pre>{@code
 * CompiledAgentGraph graph = AgentGraph.builder("greeter")
 *     .node("greet", (state, ctx) -> CompletableFuture.completedFuture(
 *         Map.of("greeting", "Hello, " + state.value("name", String.class).orElse("world"))))
 *     .edge(AgentGraph.START, "greet")
 *     .edge("greet", AgentGraph.END)
 *     .build()
 *     .compile(GraphOptions.builder().checkpointStore(MemoryCheckpointStore.create()).build());
 * RunResult result = graph.invoke(Map.of("name", "Ada"), RunConfig.forThread("t-1")).join();
 * }</pre>
 *
 * <p>Threading: a run waiting for a node's future holds no thread; the node's completion
 * continues the run on the runtime executor (a virtual thread per task on JDK 21+). Nodes should
 * return futures for their I/O rather than block; blocking inside a node is allowed (it runs on
 * the runtime executor, or on a thread that joined the run's future before the executor started
 * the run: see {@link dev.zen.graph.CompiledAgentGraph#invoke(java.util.Map, RunConfig)}) but
 * holds that thread. Cancelling a run's future cancels the node futures in flight and
 * interrupts a node blocked in its own code. When one node fails, the other branches still running
 * are cancelled the same way and the run fails at once.
 *
 * <p>Failures and logging: a failed run completes its future with a
 * {@link dev.zen.GraphExecutionException} that names the graph, the node and the thread; a
 * cancelled run with a {@link java.util.concurrent.CancellationException}. That is the only report:
 * the runtime logs nothing for it, and it never lets a failure reach langgraph4j, which would log
 * each one at ERROR (logger {@code org.bsc.langgraph4j}) with a stack trace of about 45 lines. This
 * holds with any SLF4J backend and needs no logging configuration; the caller decides whether and
 * how to log what it gets. Errors inside langgraph4j itself (not a node's, router's or checkpoint
 * store's failure) are still logged by langgraph4j.
 *
 * <p>State values follow {@link dev.zen.spi.StateValues}: JSON-like and deeply immutable, which
 * lets the runtime share state between steps instead of serializing a copy at every step.
 */
@NullMarked
package dev.zen.graph;

import org.jspecify.annotations.NullMarked;
