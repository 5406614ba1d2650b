/** The {@code challenge} tool: instructions that make the client re-examine a claim instead of agreeing by reflex. */
@NullMarked
package dev.zen.agent.challenge;

import org.jspecify.annotations.NullMarked;
