package dev.zen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Redis Cluster of real {@code redis-server} processes on loopback ports, masters only, the
 * 16384 slots split evenly between them (see {@link RedisServerProcess} for where the binary comes
 * from). {@link #start(int)} returns once every node reports {@code cluster_state:ok}.
 *
 * <pre>{@code
 * try (RedisClusterProcesses cluster = RedisClusterProcesses.start(3)) {
 *   RedisClusterClient client = RedisClusterClient.create(cluster.seedUri());
 * }
 * }</pre>
 */
public final class RedisClusterProcesses implements AutoCloseable {
  private static final int SLOTS = 16384;

  private final List<RedisServerProcess> nodes;

  private RedisClusterProcesses(List<RedisServerProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** Starts {@code masters} (at least 1) nodes with no persistence and joins them into a cluster. */
  public static RedisClusterProcesses start(int masters) {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be at least 1, was " + masters);
    }
    List<RedisServerProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        nodes.add(RedisServerProcess.builder().cluster(true).start());
      }
      for (int i = 0; i < masters; i++) {
        RedisServerProcess node = nodes.get(i);
        node.command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        int first = SLOTS * i / masters;
        int last = SLOTS * (i + 1) / masters - 1;
        List<String> args = new ArrayList<>();
        args.add("CLUSTER");
        args.add("ADDSLOTS");
        for (int slot = first; slot <= last; slot++) {
          args.add(Integer.toString(slot));
        }
        node.command(args.toArray(String[]::new));
      }
      for (int i = 1; i < masters; i++) {
        nodes.get(0).command("CLUSTER", "MEET", nodes.get(i).host(), Integer.toString(nodes.get(i).port()));
      }
      CompletableFuture<?>[] ok = nodes.stream().map(RedisServerProcess::clusterStateOk).toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(ok).get(RedisServerProcess.START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new RedisClusterProcesses(nodes);
    } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
      StringBuilder logs = new StringBuilder();
      for (RedisServerProcess node : nodes) {
        logs.append("\n--- ").append(node).append(" ---\n").append(node.logTail());
        node.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot set up the cluster" + logs, io);
      }
      throw new IllegalStateException("the cluster did not come up: " + e + logs, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      nodes.forEach(RedisServerProcess::close);
      throw new IllegalStateException("interrupted while starting the cluster", e);
    }
  }

  /** The nodes, in slot order (node 0 owns the lowest slots). */
  public List<RedisServerProcess> nodes() {
    return nodes;
  }

  /** The URI of node 0, enough for a cluster client to discover the rest. */
  public String seedUri() {
    return nodes.get(0).uri();
  }

  /** The URIs of all nodes. */
  public List<String> uris() {
    return nodes.stream().map(RedisServerProcess::uri).toList();
  }

  /** Kills every node and deletes their data directories. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (RedisServerProcess node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
