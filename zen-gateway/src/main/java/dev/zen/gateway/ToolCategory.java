package dev.zen.gateway;

/**
 * What kind of work a tool asks a model for; {@code auto} model resolution picks by it
 * ({@link ModelRegistry#resolve(String, ToolCategory)}).
 */
public enum ToolCategory {
  /** Quick, cheap answers: chat, summaries, simple lookups. */
  FAST,
  /** Everyday analysis where quality and speed both matter: code review, planning. */
  BALANCED,
  /** Deep reasoning where quality matters most: debugging, consensus, architecture. */
  EXTENDED_REASONING
}
