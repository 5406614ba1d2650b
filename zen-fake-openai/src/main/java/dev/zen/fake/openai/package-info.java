/**
 * {@link dev.zen.fake.openai.FakeOpenAiServer}: a real OpenAI-compatible HTTP server on loopback
 * ({@code /v1/chat/completions} as JSON or SSE, {@code /v1/models}) with scripted answers, latency
 * and faults, recording every request; for gateway and agent tests, demos, and users' tests. It
 * brings no test framework.
 */
@NullMarked
package dev.zen.fake.openai;

import org.jspecify.annotations.NullMarked;
