/**
 * Model gateways on langchain4j: {@link dev.zen.gateway.langchain4j.OpenAiCompatibleGateway} for any
 * OpenAI-compatible endpoint (OpenAI, LiteLLM, Bifrost, OpenRouter, vLLM, Ollama...), and
 * {@link dev.zen.gateway.langchain4j.LangChain4jGateway} for any langchain4j
 * {@code ChatModel}/{@code StreamingChatModel}. Both are asynchronous, cancellable (cancelling a
 * future aborts the HTTP exchange) and map failures to Zen's exceptions with messages that name the
 * endpoint and the model. Wrap them with {@link dev.zen.gateway.GatewayResilience} for timeouts,
 * retries and a concurrency limit.
 */
@NullMarked
package dev.zen.gateway.langchain4j;

import org.jspecify.annotations.NullMarked;
