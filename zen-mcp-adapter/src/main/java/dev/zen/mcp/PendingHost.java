package dev.zen.mcp;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The tools a session serves, possibly still being built (an agent built on another thread while
 * the client's {@code initialize} is answered), with what {@code initialize} needs known already:
 * the instructions and whether prompts are served. Requests that need the tools
 * ({@code tools/list}, {@code tools/call}, {@code prompts/list}, {@code prompts/get}) wait for
 * {@link #host()} up to {@link #maxWait()}; when it fails they are answered with its failure.
 */
record PendingHost(CompletableFuture<? extends ToolHost> host, String instructions, boolean prompts,
    Duration maxWait) {
  /** How long a request waits for tools that are still being built, unless an adapter says otherwise. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

  PendingHost {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(instructions, "instructions");
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
    }
  }

  /** A host that is there already: a session serves it exactly as before the host could be pending. */
  static PendingHost ready(ToolHost host) {
    return new PendingHost(CompletableFuture.completedFuture(host), host.instructions(), !host.prompts().isEmpty(),
        DEFAULT_WAIT);
  }

  /** The host when it is built and did not fail; else null. */
  @Nullable ToolHost now() {
    return host.isDone() && !host.isCompletedExceptionally() ? host.join() : null;
  }
}
