/**
 * MCP for Zen: {@link dev.zen.mcp.McpAdapter} serves the Zen agent, an application's own tools
 * ({@link dev.zen.mcp.ToolHandler}) and compiled agent graphs ({@link dev.zen.mcp.GraphTool}) over
 * the Model Context Protocol, on stdio ({@link dev.zen.mcp.StdioSession}). These four types are
 * the API; everything else in the package is an implementation detail. Zen's own runnable server
 * is an application of it, in {@code dev.zen.mcp.server}.
 *
 * <p>Built on the official MCP Java SDK ({@code McpAsyncServer}), with this package's own stdio
 * transport around the SDK's session: a malformed line is answered with a JSON-RPC error instead
 * of ending the session, {@code notifications/cancelled} cancels the running tool (and its model
 * call), tool failures become {@code isError} results, and calls run concurrently without a cap.
 * The session writes only protocol messages to its output; log to stderr.
 */
@NullMarked
package dev.zen.mcp;

import org.jspecify.annotations.NullMarked;
