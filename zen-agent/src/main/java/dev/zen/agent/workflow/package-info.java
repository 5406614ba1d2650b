/**
 * Zen's workflow tools: the calling agent investigates across several calls ({@code step_number}
 * 1..N) while the server records each step in the conversation thread and says what to do next;
 * the final step may be reviewed once by an expert model with everything gathered. One engine
 * runs every tool from a declaration; all state lives in the thread's checkpoint.
 */
@NullMarked
package dev.zen.agent.workflow;

import org.jspecify.annotations.NullMarked;
