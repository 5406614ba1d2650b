/**
 * The {@code clink} tool: forward a prompt to another AI command-line client (Gemini CLI, Codex,
 * Claude Code, or a configured one), locally or on a host over SSH, and return its answer.
 * {@link dev.zen.agent.clink.CliClients} holds the client definitions that may run.
 */
@NullMarked
package dev.zen.agent.clink;

import org.jspecify.annotations.NullMarked;
