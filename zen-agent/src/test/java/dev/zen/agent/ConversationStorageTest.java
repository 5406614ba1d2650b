package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.ForwardingCheckpointStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a conversation costs the store: one read and at most one write per call, one checkpoint per thread. */
class ConversationStorageTest {
  final GatewayDouble gateway = new GatewayDouble();
  final CountingStore store = new CountingStore(MemoryCheckpointStore.create());

  /** Counts the store calls an agent makes. */
  static final class CountingStore extends ForwardingCheckpointStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();

    CountingStore(CheckpointStore delegate) {
      super(delegate);
    }

    /** The store behind, to read it without counting. */
    CheckpointStore counted() {
      return delegate();
    }

    @Override
    public CompletionStage<Void> put(Checkpoint checkpoint) {
      writes.incrementAndGet();
      return super.put(checkpoint);
    }

    @Override
    public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
      reads.incrementAndGet();
      return super.latest(threadId);
    }

    @Override
    public CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId) {
      reads.incrementAndGet();
      return super.get(threadId, checkpointId);
    }

    @Override
    public CompletionStage<List<Checkpoint>> history(String threadId, int limit) {
      reads.incrementAndGet();
      return super.history(threadId, limit);
    }
  }

  @Test
  void a_thread_keeps_one_checkpoint_however_many_turns_it_has() {
    try (ZenAgent agent = Agents.builder(gateway, MemoryCheckpointStore.create()).checkpointStore(store).build()) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "turn 1")).continuationId();
      for (int turn = 2; turn <= 6; turn++) {
        Agents.call(agent, "chat", Map.of("prompt", "turn " + turn, "continuation_id", thread));
      }

      List<Checkpoint> stored = store.counted().history(thread, 100).toCompletableFuture().join();
      assertThat(stored).hasSize(1);
      assertThat((List<?>) stored.get(0).state().get("turns")).hasSize(12);
    }
  }

  @Test
  void each_continued_call_reads_its_thread_once_and_writes_it_once() {
    try (ZenAgent agent = Agents.builder(gateway, MemoryCheckpointStore.create()).checkpointStore(store).build()) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "first")).continuationId();
      int readsBefore = store.reads.get();
      int writesBefore = store.writes.get();

      ToolResult second = Agents.call(agent, "chat", Map.of("prompt", "second", "continuation_id", thread));

      assertThat(second.isError()).isFalse();
      assertThat(store.reads.get() - readsBefore).as("reads of the thread").isEqualTo(1);
      assertThat(store.writes.get() - writesBefore).as("writes of the thread").isEqualTo(1);
    }
  }

  @Test
  void a_call_that_stores_no_turn_writes_nothing() {
    gateway.answer = request -> CompletableFuture.failedFuture(new dev.zen.ServiceUnavailableException("down", null));
    try (ZenAgent agent = Agents.builder(gateway, MemoryCheckpointStore.create()).checkpointStore(store).build()) {
      ToolResult unknown = Agents.call(agent, "chat", Map.of("prompt", "hi", "continuation_id", "no-such-thread"));
      ToolResult failed = Agents.call(agent, "chat", Map.of("prompt", "hi"));
      ToolResult listing = Agents.call(agent, "listmodels", Map.of());

      assertThat(unknown.isError()).isTrue();
      assertThat(failed.isError()).isTrue();
      assertThat(listing.isError()).isFalse();
      assertThat(store.writes).hasValue(0);
      assertThat(store.threads().toCompletableFuture().join()).isEmpty();
    }
  }
}
