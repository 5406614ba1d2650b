/**
 * What every model gateway shares, without any provider library: resilience around any
 * {@link dev.zen.spi.ModelGateway} (timeouts, retries, concurrency limits), the model catalogue
 * and how a name or {@code auto} resolves, and asking several models at once. The gateways that
 * reach providers live in other modules: {@code zen-gateway-langchain4j} has
 * {@code OpenAiCompatibleGateway} (OpenAI, LiteLLM, Bifrost, OpenRouter, vLLM, Ollama...) and
 * {@code LangChain4jGateway} (any langchain4j chat model).
 *
 * <ul>
 *   <li>{@link dev.zen.gateway.GatewayResilience}: per-attempt timeout, retries with
 *       exponential backoff, jitter and {@code Retry-After}, and a per-gateway concurrency limit,
 *       as an interceptor around any gateway.
 *   <li>{@link dev.zen.gateway.ModelRegistry}: the model catalogue (bundled JSON, user
 *       files, what a gateway lists), aliases, allow-lists, {@code auto} choice per
 *       {@link dev.zen.gateway.ToolCategory}, per-model temperature rules.
 *   <li>{@link dev.zen.gateway.ModelFanOut}: ask several models at once, independently,
 *       and collect each one's {@link dev.zen.gateway.ModelOutcome}.
 * </ul>
 *
 * <p>A typical stack, outermost first: registry (resolve and fit the request), resilience, the
 * HTTP gateway:
 *
 * <pre>{@code
 * OpenAiCompatibleGateway http = OpenAiCompatibleGateway.builder("http://localhost:4000/v1").apiKey(key).build();
 * ModelRegistry registry = ModelRegistry.builder().allow("gpt-5", "pro", "o3").build()
 *     .withModelsOf(http).join();
 * ModelGateway gateway = ModelGateways.intercepted(GatewayResilience.defaults().applyTo(http),
 *     List.of(registry.interceptor()));
 * }</pre>
 *
 * <p>Threading: no method blocks its caller. Synchronous langchain4j calls run on the runtime
 * executor ({@link dev.zen.ZenExecutors#defaultRuntime()}); streams are read by the HTTP client's
 * own threads, which call chunk listeners, so listeners must not block. A call's first attempt
 * starts on the caller's thread, a retried or queued one on the runtime executor;
 * {@link dev.zen.ZenExecutors#scheduler()} only times waits and timeouts. Every hop carries the
 * caller's trace context (OpenTelemetry's, an optional dependency). Cancelling any returned future
 * aborts the HTTP exchange behind it.
 *
 * <p>Errors: futures fail with {@link dev.zen.ZenException} subclasses whose messages name the
 * endpoint and the model and say what to do: {@link dev.zen.AuthenticationException} (401/403),
 * {@link dev.zen.RateLimitedException} (429, with its {@code Retry-After}),
 * {@link dev.zen.ServiceUnavailableException} (5xx, refused, reset or truncated connections,
 * malformed answers), {@link dev.zen.OperationTimeoutException},
 * {@link dev.zen.ContextLengthExceededException}, {@link dev.zen.ModelNotFoundException},
 * {@link dev.zen.InvalidRequestException}.
 */
@NullMarked
package dev.zen.gateway;

import org.jspecify.annotations.NullMarked;
