/**
 * Zen's reference MCP server: the Zen agent's tools over the Model Context Protocol on stdio.
 *
 * <p>Run it with {@code java -jar zen-mcp-server.jar} (configured by environment variables) or
 * {@code java -jar zen-mcp-server.jar --demo} (a local fake model endpoint, no API key). The only
 * public type is {@link dev.zen.mcp.ZenMcpServer}; everything else is an implementation detail.
 *
 * <p>Built on the official MCP Java SDK ({@code McpAsyncServer}), with this package's own stdio
 * transport around the SDK's session: a malformed line is answered with a JSON-RPC error instead
 * of ending the session, {@code notifications/cancelled} cancels the running tool (and its model
 * call), tool failures become {@code isError} results, and calls run concurrently without a cap.
 * Stdout carries only the protocol; all logging goes to stderr.
 */
@NullMarked
package dev.zen.mcp;

import org.jspecify.annotations.NullMarked;
