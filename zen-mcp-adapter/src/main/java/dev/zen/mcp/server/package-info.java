/**
 * Zen's reference MCP server, a thin application of {@link dev.zen.mcp.McpAdapter}: the Zen agent's
 * tools over stdio, configured by environment variables. Run it with
 * {@code java -jar zen-mcp-server.jar} or {@code java -jar zen-mcp-server.jar --demo} (a local fake
 * model endpoint, no API key). The only public type is {@link dev.zen.mcp.server.ZenMcpServer};
 * this is the only package of Zen that reads environment variables.
 *
 * <p>Its own dependencies (the HTTP gateway, the checkpoint stores, the fake endpoint, the
 * logging backend) are optional in the module's POM: they are in the runnable jar, but an
 * application that embeds the adapter does not get them.
 */
@NullMarked
package dev.zen.mcp.server;

import org.jspecify.annotations.NullMarked;
