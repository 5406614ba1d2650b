/**
 * The service-provider interfaces Zen's runtime is built on, and the values they exchange.
 *
 * <ul>
 *   <li>{@link dev.zen.spi.ModelGateway} answers chat requests (any OpenAI-compatible endpoint,
 *       any langchain4j model, or a test double); cross-cutting behaviour wraps it through
 *       {@link dev.zen.spi.GatewayInterceptor}s.
 *   <li>{@link dev.zen.spi.CheckpointStore} keeps graph checkpoints per thread (memory, Redis).
 *   <li>{@link dev.zen.spi.RemoteExecutor} runs commands (a local process, SSH).
 * </ul>
 *
 * <p>Every method is asynchronous. Implementations complete futures exceptionally with a
 * {@link dev.zen.ZenException}, never block the caller, and keep cancellation meaningful:
 * cancelling a returned {@code CompletableFuture} aborts the work behind it. Each SPI has a
 * contract suite in {@code zen-testkit} that implementations are expected to pass.
 *
 * <p>{@link dev.zen.spi.CheckpointStoreProvider} lets an application pick a store by URL through
 * {@link java.util.ServiceLoader} (each store module registers one), without compiling against
 * the store's module.
 */
@NullMarked
package dev.zen.spi;

import org.jspecify.annotations.NullMarked;
