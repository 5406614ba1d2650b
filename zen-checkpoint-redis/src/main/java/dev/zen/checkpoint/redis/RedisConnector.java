package dev.zen.checkpoint.redis;

import dev.zen.AuthenticationException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.internal.Futures;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one connection: created on first use (so building a store has no side effects),
 * shared by every call, and re-created on the next call if connecting failed. Once connected,
 * Lettuce reconnects by itself. It owns the Lettuce client (and its threads) only when it created
 * it.
 */
final class RedisConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

  /** What to connect to: a standalone or Sentinel-managed server, or a cluster. */
  sealed interface Target permits Standalone, Cluster {}

  /** A server (redis://, rediss://, redis-sentinel://), with the client to use if one was shared. */
  record Standalone(RedisURI uri, @Nullable RedisClient sharedClient) implements Target {}

  /** A cluster given by seed URIs, or by a shared client that knows its seeds. */
  record Cluster(List<RedisURI> seeds, @Nullable RedisClusterClient sharedClient) implements Target {}

  private final Target target;
  private final RedisCheckpointStoreOptions options;
  private final String endpoint;
  private final AtomicReference<@Nullable CompletableFuture<Connected>> current = new AtomicReference<>();
  private final Object lock = new Object();
  private @Nullable ClientResources ownedResources;
  private @Nullable RedisClient ownedClient;
  private @Nullable RedisClusterClient ownedClusterClient;
  private volatile boolean closed;

  /** An open connection and its async command API (standalone and cluster share the interface). */
  record Connected(StatefulConnection<byte[], byte[]> connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {}

  RedisConnector(Target target, RedisCheckpointStoreOptions options) {
    this.target = target;
    this.options = options;
    this.endpoint = describe(target);
  }

  /** Where the store connects, for messages (no credentials). */
  String endpoint() {
    return endpoint;
  }

  boolean isCluster() {
    return target instanceof Cluster;
  }

  /**
   * The connection, connecting first if needed; fails with ServiceUnavailableException if that
   * fails (AuthenticationException when Redis refuses the credentials).
   */
  CompletableFuture<Connected> connection() {
    while (true) {
      CompletableFuture<Connected> existing = current.get();
      if (existing != null && !existing.isCompletedExceptionally()) {
        return existing;
      }
      if (closed) {
        throw new IllegalStateException("the Redis checkpoint store is closed");
      }
      CompletableFuture<Connected> attempt = new CompletableFuture<>();
      if (current.compareAndSet(existing, attempt)) {
        connect(attempt);
        return attempt;
      }
    }
  }

  private void connect(CompletableFuture<Connected> attempt) {
    connect(attempt, 2);
  }

  /**
   * Lettuce looks up the channel's handshake handler only when its connect listener runs; under
   * load the handshake can already have ended (Redis refused AUTH, the handler closed the channel
   * and left the pipeline), and Lettuce then fails with "RedisHandshakeHandler not registered",
   * losing Redis's answer. The outcome of that connection is unknown, not "unreachable": connect
   * again, and the next handshake reports what Redis says.
   */
  static boolean handshakeOutcomeLost(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("RedisHandshakeHandler not registered")) {
        return true;
      }
    }
    return false;
  }

  private void connect(CompletableFuture<Connected> attempt, int lostHandshakesLeft) {
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connecting;
    try {
      synchronized (lock) {
        connecting = startConnect();
      }
    } catch (RuntimeException e) {
      attempt.completeExceptionally(unavailable(e));
      return;
    }
    connecting.whenComplete((connection, failure) -> {
      if (failure != null) {
        Throwable cause = Futures.unwrap(failure);
        if (lostHandshakesLeft > 0 && !closed && handshakeOutcomeLost(cause)) {
          LOG.debug("Redis at {}: the handshake ended before Lettuce saw its outcome; connecting again", endpoint);
          connect(attempt, lostHandshakesLeft - 1);
          return;
        }
        attempt.completeExceptionally(unavailable(cause));
        return;
      }
      connection.setTimeout(options.commandTimeout());
      RedisClusterAsyncCommands<byte[], byte[]> commands = connection instanceof StatefulRedisClusterConnection<byte[], byte[]> c
          ? c.async() : ((StatefulRedisConnection<byte[], byte[]>) connection).async();
      if (closed) {
        connection.closeAsync();
        attempt.completeExceptionally(new IllegalStateException("the Redis checkpoint store is closed"));
        return;
      }
      LOG.debug("Connected to Redis at {}", endpoint);
      attempt.complete(new Connected(connection, commands));
    });
  }

  /**
   * {@code uri} with its credentials (if any) behind an immediate provider. A URI parsed from a
   * string resolves its credentials lazily, and Lettuce then continues the handshake with
   * {@code thenComposeAsync} on the JDK's default async pool (a new thread per task on a machine
   * with two CPUs). A refused AUTH is then handled off the channel's event loop, where Lettuce's
   * handshake handler closes the channel and completes its future from the close listener; under
   * load the channel's inactive event runs first and the failure becomes "Connection closed
   * prematurely", which the store reported as Redis being unreachable. With the credentials at hand
   * the whole handshake stays on the event loop, and Redis's own answer (WRONGPASS) always wins.
   */
  static RedisURI withImmediateCredentials(RedisURI uri) {
    for (RedisURI sentinel : uri.getSentinels()) {
      withImmediateCredentials(sentinel);
    }
    RedisCredentialsProvider provider = uri.getCredentialsProvider();
    if (provider == null || provider instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider) {
      return uri;
    }
    // A parsed URI's provider is Mono.just(...): the future is complete at once, nothing waits.
    RedisCredentials credentials = provider.resolveCredentials().toFuture().getNow(null);
    if (credentials != null) {
      uri.setCredentialsProvider(new StaticCredentialsProvider(credentials));
    }
    return uri;
  }

  private ZenException unavailable(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof RedisCommandExecutionException
          && (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM"))) {
        return new AuthenticationException("Redis at " + endpoint + " refused the connection: " + message
            + "; check the user and password in the Redis URI", cause);
      }
    }
    return new ServiceUnavailableException("cannot connect to Redis at " + endpoint + " (" + cause.getMessage()
        + "); check that Redis is running and reachable; the next call connects again", cause);
  }

  private CompletableFuture<? extends StatefulConnection<byte[], byte[]>> startConnect() {
    if (target instanceof Standalone standalone) {
      RedisClient client = standalone.sharedClient();
      RedisURI uri = standalone.uri();
      if (client == null) {
        if (ownedClient == null) {
          ownedClient = RedisClient.create(resources());
          ownedClient.setOptions(clientOptions());
        }
        client = ownedClient;
        uri = withTimeout(uri);
      }
      return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
    }
    Cluster cluster = (Cluster) target;
    RedisClusterClient client = cluster.sharedClient();
    if (client == null) {
      if (ownedClusterClient == null) {
        ownedClusterClient = RedisClusterClient.create(resources(), cluster.seeds().stream().map(this::withTimeout).toList());
        ownedClusterClient.setOptions(clusterOptions());
      }
      client = ownedClusterClient;
    }
    // The async connect needs the topology loaded first (the blocking connect() loads it itself).
    RedisClusterClient connecting = client;
    return connecting.refreshPartitionsAsync().toCompletableFuture()
        .thenCompose(loaded -> connecting.connectAsync(ByteArrayCodec.INSTANCE))
        .thenCompose(RedisConnector::connectToEveryMaster);
  }

  /**
   * Opens the connection to every master now. Lettuce connects to cluster nodes lazily, and with
   * REJECT_COMMANDS it rejects commands for a node whose connection is still being opened, so
   * without this the first command to each node would fail. A node that cannot be reached is left
   * to that behaviour: its commands fail fast until it is back.
   */
  private static CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>> connectToEveryMaster(
      StatefulRedisClusterConnection<byte[], byte[]> connection) {
    List<CompletableFuture<?>> nodes = new ArrayList<>();
    for (RedisClusterNode node : connection.getPartitions()) {
      if (node.getRole().isUpstream() && node.getUri() != null) {
        nodes.add(connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
            .handle((nodeConnection, failure) -> {
              if (failure != null) {
                LOG.warn("Cannot connect to cluster node {}:{} yet: {}", node.getUri().getHost(),
                    node.getUri().getPort(), failure.toString());
              }
              return null;
            }));
      }
    }
    return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new)).thenApply(done -> connection);
  }

  /**
   * Sets the URI's timeout, which Lettuce applies to the connection handshake (TLS, HELLO, AUTH)
   * and to topology refreshes: connecting may take {@code connectTimeout}, or the command timeout
   * when that is longer, so a short command timeout does not make handshakes (a TLS one on a busy
   * machine takes a while) fail as "cannot connect". Commands get the command timeout once
   * connected. The store parsed the URI itself, so this changes nobody else's.
   */
  private RedisURI withTimeout(RedisURI uri) {
    Duration connect = options.connectTimeout();
    uri.setTimeout(connect.compareTo(options.commandTimeout()) >= 0 ? connect : options.commandTimeout());
    return uri;
  }

  private ClientResources resources() {
    if (ownedResources == null) {
      ownedResources = DefaultClientResources.builder()
          .reconnectDelay(Delay.exponential(options.minReconnectDelay(), options.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
          .build();
    }
    return ownedResources;
  }

  /** The Lettuce options a store-owned client uses; see the module README for why. */
  ClientOptions clientOptions() {
    ClientOptions.Builder builder = ClientOptions.builder();
    applyCommon(builder);
    return builder.build();
  }

  ClusterClientOptions clusterOptions() {
    ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
    applyCommon(builder);
    builder.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
        // Adaptive refreshes (MOVED, ASK, reconnects, uncovered slots, unknown nodes) are on by default in Lettuce 7.
        .enablePeriodicRefresh(options.topologyRefreshPeriod())
        .build());
    return builder.build();
  }

  private void applyCommon(ClientOptions.Builder builder) {
    builder.autoReconnect(true)
        // Fail fast while disconnected instead of queueing until the timeout.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        // A command whose caller already saw it fail (timed out, cancelled) is not replayed.
        .replayFilter(command -> command.isDone())
        .requestQueueSize(options.requestQueueSize())
        .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
        .socketOptions(SocketOptions.builder()
            .connectTimeout(options.connectTimeout())
            .keepAlive(SocketOptions.KeepAliveOptions.builder()
                .enable()
                .idle(options.keepAliveIdle())
                .interval(Duration.ofSeconds(10))
                .count(3)
                .build())
            .tcpNoDelay(true)
            .build())
        // Plain Redis and OSS Cluster send no maintenance notifications; do not ask for them.
        .maintNotificationsConfig(MaintNotificationsConfig.disabled());
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<Connected> connection = current.getAndSet(null);
    if (connection != null) {
      if (connection.isDone() && !connection.isCompletedExceptionally()) {
        connection.join().connection().close();
      } else {
        connection.thenAccept(c -> c.connection().closeAsync());
      }
    }
    synchronized (lock) {
      if (ownedClient != null) {
        ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        ownedClient = null;
      }
      if (ownedClusterClient != null) {
        ownedClusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        ownedClusterClient = null;
      }
      if (ownedResources != null) {
        ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
        ownedResources = null;
      }
    }
  }

  private static String describe(Target target) {
    if (target instanceof Standalone standalone) {
      return describe(standalone.uri());
    }
    Cluster cluster = (Cluster) target;
    if (cluster.seeds().isEmpty()) {
      return "the shared cluster client's seeds";
    }
    return "cluster " + String.join(",", cluster.seeds().stream().map(RedisConnector::describe).toList());
  }

  private static String describe(RedisURI uri) {
    if (!uri.getSentinels().isEmpty()) {
      return "sentinel master '" + uri.getSentinelMasterId() + "' via "
          + String.join(",", uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort()).toList());
    }
    if (uri.getSocket() != null) {
      return uri.getSocket();
    }
    return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
  }
}
