/** The {@code apilookup} tool: a research plan sending the client to current documentation. */
@NullMarked
package dev.zen.agent.apilookup;

import org.jspecify.annotations.NullMarked;
