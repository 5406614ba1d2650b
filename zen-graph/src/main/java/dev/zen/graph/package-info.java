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
 * <p>Threading: langgraph4j waits for each node with a blocking call, so a running graph holds
 * one thread of the runtime executor (a virtual thread on JDK 21+). Nodes should return futures
 * for their I/O rather than block; blocking inside a node is allowed (it runs on the runtime
 * executor) but holds a thread. Cancelling a run's future cancels the node futures in flight.
 *
 * <p>State values follow {@link dev.zen.spi.StateValues}: JSON-like and deeply immutable, which
 * lets the runtime share state between steps instead of serializing a copy at every step.
 */
@NullMarked
package dev.zen.graph;

import org.jspecify.annotations.NullMarked;
