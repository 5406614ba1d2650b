package dev.zen.mcp;

import org.jspecify.annotations.Nullable;

/** What {@code initialize} says about the server: {@code serverInfo} and, per tool, the log name prefix. */
record ServerIdentity(String name, @Nullable String title, String version) {}
