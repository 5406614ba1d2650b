/**
 * How to embed Zen: {@link dev.zen.examples.ReviewAgent} is a custom agent built only on Zen's
 * public API (a graph with a model call, two critics running in parallel, a revision loop and a
 * human-approval interrupt), {@link dev.zen.examples.ReviewDemo} runs it offline, and
 * {@link dev.zen.examples.ReviewMcpServer} serves it as an MCP tool.
 */
@NullMarked
package dev.zen.examples;

import org.jspecify.annotations.NullMarked;
