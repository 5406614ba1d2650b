/** The {@code consensus} tool: several models evaluate a proposal in parallel, each from a stance and blind to the others, then one synthesizes. */
@NullMarked
package dev.zen.agent.consensus;

import org.jspecify.annotations.NullMarked;
