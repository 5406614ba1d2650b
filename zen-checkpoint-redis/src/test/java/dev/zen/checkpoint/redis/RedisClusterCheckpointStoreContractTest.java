package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.CheckpointStoreContract;
import dev.zen.testkit.RedisClusterProcesses;
import dev.zen.testkit.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The testkit's store contract against a 3-master Redis Cluster on loopback, and the slot layout:
 * every key of a thread lives in one slot, and threads spread over the masters.
 */
class RedisClusterCheckpointStoreContractTest extends CheckpointStoreContract {
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static RedisClusterProcesses cluster;

  private String prefix = "unset";

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterProcesses.start(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected CheckpointStore create() {
    prefix = "cluster" + NAMESPACES.incrementAndGet();
    return store(prefix, RedisCheckpointStoreOptions.DEFAULT_TTL);
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return store(prefix, RedisCheckpointStoreOptions.DEFAULT_TTL);
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.SHARED_BY_INSTANCES;
  }

  @Override
  protected IdleTtl idleTtl() {
    return IdleTtl.supported(ttl -> store("cluster-ttl" + NAMESPACES.incrementAndGet(), ttl));
  }

  private static CheckpointStore store(String prefix, Duration ttl) {
    return RedisCheckpointStore.clusterBuilder(cluster.seedUri())
        .options(RedisCheckpointStoreOptions.builder().keyPrefix(prefix).ttl(ttl).build())
        .build();
  }

  @Test
  void without_the_thread_index_threads_scans_every_master() {
    CheckpointStore scanning = open(() -> RedisCheckpointStore.clusterBuilder(cluster.seedUri())
        .options(RedisCheckpointStoreOptions.builder().keyPrefix("cluster-scan" + NAMESPACES.incrementAndGet())
            .threadIndex(false).build())
        .build());
    List<String> threadIds = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "scan-" + i).toList();
    for (String threadId : threadIds) {
      await(scanning.put(checkpoint(threadId, "c1")));
    }
    assertThat(await(scanning.threads())).containsExactlyInAnyOrderElementsOf(threadIds);
  }

  @Test
  void every_key_of_a_thread_lives_in_one_slot_on_one_master_and_threads_spread_over_all_masters() {
    List<String> threadIds = List.of("plain", "with:colons:", "{braces}", "}{", "sp ace", "ünï{cödé}:", "a%41", "x", "y", "z",
        "conversation-1", "conversation-2", "conversation-3", "conversation-4", "conversation-5", "conversation-6");
    for (String threadId : threadIds) {
      Checkpoint checkpoint = checkpoint(threadId, "c1");
      await(store().put(checkpoint));
      await(store().put(checkpoint(threadId, "c2")));
      assertThat(await(store().get(threadId, "c1"))).contains(checkpoint);
    }

    Map<String, Set<Integer>> slotsByThread = new HashMap<>();
    Map<String, Set<Integer>> nodesByThread = new HashMap<>();
    Set<Integer> nodesUsed = new HashSet<>();
    List<RedisServerProcess> nodes = cluster.nodes();
    for (int n = 0; n < nodes.size(); n++) {
      RedisClient client = RedisClient.create(nodes.get(n).uri());
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        for (String key : connection.sync().keys(prefix + ":*")) {
          if (key.equals(prefix + ":threads")) {
            continue;
          }
          String tag = key.substring(key.indexOf('{') + 1, key.indexOf('}'));
          assertThat(tag).as("encoded thread id of " + key).doesNotContain("{", "}", ":");
          String threadId = KeyLayout.decode(tag);
          assertThat(threadIds).as("thread id decoded from key " + key).contains(threadId);
          slotsByThread.computeIfAbsent(threadId, t -> new HashSet<>()).add(SlotHash.getSlot(key));
          nodesByThread.computeIfAbsent(threadId, t -> new HashSet<>()).add(n);
          nodesUsed.add(n);
        }
      } finally {
        client.shutdown();
      }
    }
    assertThat(slotsByThread.keySet()).containsExactlyInAnyOrderElementsOf(threadIds);
    slotsByThread.forEach((threadId, slots) -> assertThat(slots).as("slots of " + threadId).hasSize(1));
    nodesByThread.forEach((threadId, owners) -> assertThat(owners).as("masters of " + threadId).hasSize(1));
    assertThat(nodesUsed).as("masters holding threads").hasSize(3);
  }
}
