package dev.zen.agent;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A principal's own conversations, read from the checkpoint store: the threads whose metadata
 * names them as owner and that have not expired. Another owner's thread is never listed and
 * cannot be deleted; deleting it answers {@code false}, as for an id that does not exist.
 *
 * <p>Cost: one read of the thread list and one of the latest checkpoint of each thread whose id
 * carries the owner's tag ({@link ConversationIds}; issued at once, not one after another), so
 * a listing reads the owner's own conversations, not every user's; ids without a tag (made before
 * tags) are read too, and the store's TTL retires them.
 */
final class ConversationIndex {
  private static final int EXCERPT = 120;

  private final CheckpointStore store;
  private final Clock clock;
  private final Duration timeout;

  ConversationIndex(CheckpointStore store, Clock clock, Duration timeout) {
    this.store = store;
    this.clock = clock;
    this.timeout = timeout;
  }

  CompletableFuture<List<ConversationSummary>> list(@Nullable String owner, int limit) {
    return store.threads().toCompletableFuture().thenCompose(threads -> {
      List<CompletableFuture<Optional<ConversationSummary>>> reads = new ArrayList<>();
      Predicate<String> mayBeTheirs = ConversationIds.mayBelongTo(owner);
      for (String thread : threads) {
        if (!mayBeTheirs.test(thread)) {
          continue;
        }
        reads.add(store.latest(thread).toCompletableFuture()
            .thenApply(latest -> latest.flatMap(checkpoint -> summary(checkpoint, owner))));
      }
      return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
        List<ConversationSummary> mine = new ArrayList<>();
        reads.forEach(read -> read.join().ifPresent(mine::add));
        mine.sort(Comparator.comparing(ConversationSummary::lastActivity).reversed());
        return List.copyOf(mine.subList(0, Math.min(limit, mine.size())));
      });
    });
  }

  CompletableFuture<Boolean> delete(@Nullable String owner, String threadId) {
    return store.latest(threadId).toCompletableFuture().thenCompose(latest -> {
      if (latest.isEmpty() || summary(latest.get(), owner).isEmpty()) {
        return CompletableFuture.completedFuture(false);
      }
      return store.deleteThread(threadId).toCompletableFuture();
    });
  }

  private Optional<ConversationSummary> summary(Checkpoint checkpoint, @Nullable String owner) {
    Map<String, @Nullable Object> state = checkpoint.state();
    Object meta = state.get(ConversationState.META);
    if (meta == null || !Objects.equals(ConversationState.owner(meta), owner)) {
      return Optional.empty();
    }
    Conversation conversation = ConversationState.read(checkpoint.threadId(), true, state.get(ConversationState.TURNS),
        meta);
    Instant updated = conversation.updatedAt().orElse(null);
    if (updated == null || conversation.turns().isEmpty() || updated.plus(timeout).isBefore(clock.instant())) {
      return Optional.empty();
    }
    String first = conversation.turns().get(0).text().strip().replaceAll("\\s+", " ");
    String excerpt = first.length() > EXCERPT ? first.substring(0, EXCERPT - 1) + "…" : first;
    String lastTool = conversation.turns().get(conversation.turns().size() - 1).tool();
    return Optional.of(new ConversationSummary(checkpoint.threadId(), lastTool, excerpt, updated,
        conversation.turns().size()));
  }
}
