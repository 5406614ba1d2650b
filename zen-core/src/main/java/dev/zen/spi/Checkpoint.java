package dev.zen.spi;

import static dev.zen.internal.Checks.requireText;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a graph's state on one thread, taken after a node ran.
 *
 * @param threadId the conversation or run thread the checkpoint belongs to
 * @param id unique within the thread; putting the same id again replaces the checkpoint in place
 * @param nodeId the node that just ran ({@code __START__} for the input), if any
 * @param nextNodeId the node the graph will run next ({@code __END__} when done), if any
 * @param state the state, deeply immutable (see {@link StateValues})
 * @param createdAt when the checkpoint was first taken
 */
public record Checkpoint(String threadId, String id, @Nullable String nodeId, @Nullable String nextNodeId,
    Map<String, @Nullable Object> state, Instant createdAt) {

  public Checkpoint {
    requireText(threadId, "threadId");
    requireText(id, "id");
    state = StateValues.freezeMap(Objects.requireNonNull(state, "state"));
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
