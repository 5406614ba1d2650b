/** The {@code chat} tool: a second opinion from one model, with files and the conversation so far. */
@NullMarked
package dev.zen.agent.chat;

import org.jspecify.annotations.NullMarked;
