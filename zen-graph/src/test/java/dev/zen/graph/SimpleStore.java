package dev.zen.graph;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal store for zen-graph's own tests (the real stores' modules depend on the testkit,
 * which depends on this module). The backends are proven by the contract suite.
 */
public class SimpleStore implements CheckpointStore {
  public final Map<String, List<Checkpoint>> threads = new ConcurrentHashMap<>();

  @Override
  public synchronized CompletionStage<Void> put(Checkpoint checkpoint) {
    List<Checkpoint> list = threads.computeIfAbsent(checkpoint.threadId(), k -> new ArrayList<>());
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id().equals(checkpoint.id())) {
        list.set(i, checkpoint);
        return CompletableFuture.completedFuture(null);
      }
    }
    list.add(checkpoint);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Optional<Checkpoint>> latest(String threadId) {
    List<Checkpoint> list = threads.getOrDefault(threadId, List.of());
    return CompletableFuture.completedFuture(list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1)));
  }

  @Override
  public synchronized CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId) {
    return CompletableFuture.completedFuture(threads.getOrDefault(threadId, List.of()).stream()
        .filter(c -> c.id().equals(checkpointId)).findFirst());
  }

  @Override
  public synchronized CompletionStage<List<Checkpoint>> history(String threadId, int limit) {
    List<Checkpoint> list = new ArrayList<>(threads.getOrDefault(threadId, List.of()));
    java.util.Collections.reverse(list);
    return CompletableFuture.completedFuture(List.copyOf(list.subList(0, Math.min(limit, list.size()))));
  }

  @Override
  public CompletionStage<List<String>> threads() {
    return CompletableFuture.completedFuture(List.copyOf(threads.keySet()));
  }

  @Override
  public synchronized CompletionStage<Boolean> deleteThread(String threadId) {
    return CompletableFuture.completedFuture(threads.remove(threadId) != null);
  }
}
