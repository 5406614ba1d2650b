package dev.zen.executor.ssh;

import dev.zen.AuthenticationException;
import dev.zen.NonRetriableException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.ZenExecutors;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one host and their channel slots. A command leases a slot on a connection
 * with room; when none has room it waits, and a new connection opens if the ones already opening
 * cannot take all waiting commands and the host's connection limit allows. A server refusing a
 * channel before the configured limit lowers that connection's limit. Connections without a
 * command close after the idle timeout. Everything here is non-blocking: callbacks come from MINA's
 * I/O threads and Zen's timer, and futures are completed outside the lock.
 */
final class HostPool {
  private static final Logger log = LoggerFactory.getLogger(HostPool.class);

  private final SshExecutor owner;
  private final SshTarget target;
  private final Object lock = new Object();
  private final List<Connection> connections = new ArrayList<>();
  private final Deque<CompletableFuture<Connection>> waiting = new ArrayDeque<>();
  private int connecting;
  private boolean closed;

  HostPool(SshExecutor owner, SshTarget target) {
    this.owner = owner;
    this.target = target;
  }

  SshTarget target() {
    return target;
  }

  boolean ownerClosed() {
    return owner.isClosed();
  }

  /** One authenticated connection and its slot accounting (guarded by the pool's lock). */
  static final class Connection {
    final ClientSession session;
    int active;
    int limit;
    boolean usable = true;
    @Nullable ScheduledFuture<?> idleTimer;

    Connection(ClientSession session, int limit) {
      this.session = session;
      this.limit = limit;
    }
  }

  /** A slot on a connection; cancelling the future gives up waiting. */
  CompletableFuture<Connection> acquire() {
    CompletableFuture<Connection> lease = new CompletableFuture<>();
    Connection granted = null;
    ZenException refusal = null;
    synchronized (lock) {
      if (closed || owner.isClosed()) {
        refusal = closedError();
      } else {
        granted = freeConnection();
        if (granted == null) {
          waiting.add(lease);
          connectIfNeeded();
        }
      }
    }
    if (refusal != null) {
      lease.completeExceptionally(refusal);
    } else if (granted != null) {
      lease.complete(granted);
    }
    lease.whenComplete((connection, error) -> {
      if (lease.isCancelled()) {
        synchronized (lock) {
          waiting.remove(lease);
        }
      }
    });
    return lease;
  }

  /** Gives a slot back. */
  void release(Connection connection) {
    List<Runnable> grants;
    synchronized (lock) {
      connection.active--;
      grants = dispatch();
      scheduleIdleCloseIfUnused(connection);
    }
    grants.forEach(Runnable::run);
  }

  /**
   * The server refused a channel on {@code connection}: either its {@code MaxSessions} is below the
   * configured limit, or (under load) OpenSSH had not yet freed a session the client already saw
   * closed. The connection keeps the channels that work as its limit (at least one), and
   * {@link #opened} probes upwards again, so a transient refusal costs capacity only briefly.
   */
  void refused(Connection connection) {
    synchronized (lock) {
      int working = connection.active - 1;
      connection.limit = Math.max(1, Math.min(connection.limit, working));
      log.debug("{} refused a channel with {} open: using at most {} on that connection", target.display(), working,
          connection.limit);
    }
  }

  /** A channel opened on {@code connection}: a limit lowered by a refusal grows back by one. */
  void opened(Connection connection) {
    List<Runnable> grants = List.of();
    synchronized (lock) {
      if (connection.limit < owner.options().maxChannelsPerConnection() && connection.active >= connection.limit) {
        connection.limit++;
        grants = dispatch();
      }
    }
    grants.forEach(Runnable::run);
  }

  /** Takes a connection found closing out of service before its close event arrives. */
  void discard(Connection connection) {
    synchronized (lock) {
      connection.usable = false;
      connections.remove(connection);
    }
  }

  void close() {
    List<CompletableFuture<Connection>> failed;
    List<Connection> open;
    synchronized (lock) {
      closed = true;
      failed = new ArrayList<>(waiting);
      waiting.clear();
      open = new ArrayList<>(connections);
      connections.clear();
    }
    failed.forEach(lease -> lease.completeExceptionally(closedError()));
    open.forEach(connection -> connection.session.close(true));
  }

  private ZenException closedError() {
    return new NonRetriableException("the SSH executor for " + target.display() + " is closed");
  }

  private @Nullable Connection freeConnection() {
    for (Connection connection : connections) {
      if (connection.usable && connection.active < connection.limit && connection.session.isOpen()
          && !connection.session.isClosing()) {
        connection.active++;
        cancelIdleTimer(connection);
        return connection;
      }
    }
    return null;
  }

  /** Hands free slots to waiting commands; the returned completions run outside the lock. */
  private List<Runnable> dispatch() {
    List<Runnable> grants = new ArrayList<>();
    while (!waiting.isEmpty()) {
      CompletableFuture<Connection> lease = waiting.peek();
      if (lease.isDone()) {
        waiting.poll();
        continue;
      }
      Connection connection = freeConnection();
      if (connection == null) {
        break;
      }
      waiting.poll();
      grants.add(() -> {
        if (!lease.complete(connection)) {
          release(connection);
        }
      });
    }
    connectIfNeeded();
    return grants;
  }

  private void connectIfNeeded() {
    int perConnection = owner.options().maxChannelsPerConnection();
    while (!closed && waiting.size() > connecting * perConnection
        && connections.size() + connecting < owner.options().maxConnectionsPerHost()) {
      connecting++;
      connect();
    }
  }

  private void connect() {
    AtomicReference<HostKeyRejectedException> rejection = new AtomicReference<>();
    AttributeRepository context = AttributeRepository.ofAttributesMap(Map.of(
        KnownHostsVerifier.TARGET, target, KnownHostsVerifier.REJECTION, rejection));
    AtomicBoolean settled = new AtomicBoolean();
    AtomicReference<@Nullable ClientSession> opened = new AtomicReference<>();
    ScheduledFuture<?> timer = ZenExecutors.scheduler().schedule(() -> {
      if (settled.compareAndSet(false, true)) {
        ClientSession session = opened.get();
        if (session != null) {
          session.close(true);
        }
        connectFailed(new ServiceUnavailableException("cannot connect to " + target.display() + ": no SSH session within "
            + owner.options().connectTimeout() + " (TCP connect, key exchange and authentication); check that the host is "
            + "reachable and sshd answers on port " + target.port(), null));
      }
    }, owner.options().connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    try {
      ConnectFuture future = owner.client().connect(target.user(), target.host(), target.port(), context, null);
      future.addListener(connected -> {
        if (!connected.isConnected()) {
          if (settled.compareAndSet(false, true)) {
            timer.cancel(false);
            connectFailed(connectError(connected.getException(), rejection));
          }
          return;
        }
        ClientSession session = connected.getClientSession();
        opened.set(session);
        if (settled.get()) {
          session.close(true);
          return;
        }
        try {
          for (KeyPair key : owner.keysFor(target)) {
            session.addPublicKeyIdentity(key);
          }
          session.auth().addListener(auth -> {
            if (!settled.compareAndSet(false, true)) {
              session.close(true);
              return;
            }
            timer.cancel(false);
            if (auth.isSuccess()) {
              connected(session);
            } else {
              session.close(true);
              connectFailed(authError(auth.getException(), rejection));
            }
          });
        } catch (IOException | RuntimeException e) {
          if (settled.compareAndSet(false, true)) {
            timer.cancel(false);
            session.close(true);
            connectFailed(e instanceof ZenException zen ? zen : connectError(e, rejection));
          }
        }
      });
    } catch (IOException | RuntimeException e) {
      if (settled.compareAndSet(false, true)) {
        timer.cancel(false);
        connectFailed(connectError(e, rejection));
      }
    }
  }

  private void connected(ClientSession session) {
    Connection connection = new Connection(session, owner.options().maxChannelsPerConnection());
    session.addCloseFutureListener(closedFuture -> connectionClosed(connection));
    List<Runnable> grants;
    boolean refuse;
    synchronized (lock) {
      connecting--;
      refuse = closed;
      if (!refuse) {
        connections.add(connection);
        log.debug("connected to {} ({} connections)", target.display(), connections.size());
      }
      grants = refuse ? List.of() : dispatch();
      if (!refuse) {
        scheduleIdleCloseIfUnused(connection);
      }
    }
    if (refuse) {
      session.close(true);
    }
    grants.forEach(Runnable::run);
  }

  private void connectFailed(ZenException error) {
    List<CompletableFuture<Connection>> failed = new ArrayList<>();
    synchronized (lock) {
      connecting--;
      // Waiting commands fail only when nothing else can serve them; otherwise they wait for a slot.
      if (connections.isEmpty() && connecting == 0) {
        failed.addAll(waiting);
        waiting.clear();
      }
    }
    log.debug("connecting to {} failed: {}", target.display(), error.getMessage());
    failed.forEach(lease -> lease.completeExceptionally(error));
  }

  private void connectionClosed(Connection connection) {
    List<Runnable> grants;
    synchronized (lock) {
      connection.usable = false;
      cancelIdleTimer(connection);
      boolean removed = connections.remove(connection);
      if (removed) {
        log.debug("connection to {} closed ({} left)", target.display(), connections.size());
      }
      grants = dispatch();
    }
    grants.forEach(Runnable::run);
  }

  private void scheduleIdleCloseIfUnused(Connection connection) {
    if (connection.active > 0 || !connection.usable || closed) {
      return;
    }
    cancelIdleTimer(connection);
    connection.idleTimer = ZenExecutors.scheduler().schedule(() -> {
      boolean close;
      synchronized (lock) {
        close = connection.active == 0 && connection.usable;
        if (close) {
          connection.usable = false;
          connections.remove(connection);
        }
      }
      if (close) {
        log.debug("closing the idle connection to {}", target.display());
        connection.session.close(false);
      }
    }, owner.options().idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  private static void cancelIdleTimer(Connection connection) {
    ScheduledFuture<?> timer = connection.idleTimer;
    if (timer != null) {
      timer.cancel(false);
      connection.idleTimer = null;
    }
  }

  private ZenException connectError(@Nullable Throwable error, AtomicReference<HostKeyRejectedException> rejection) {
    HostKeyRejectedException hostKey = rejection.get();
    if (hostKey != null) {
      return hostKey;
    }
    if (error instanceof ZenException zen) {
      return zen;
    }
    Throwable cause = rootCause(error);
    String what = "cannot connect to " + target.display() + ": ";
    if (cause instanceof UnknownHostException) {
      return new ServiceUnavailableException(what + "unknown host '" + target.host() + "'; check the name (and "
          + "HostName in the SSH config)", error);
    }
    if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
      return new ServiceUnavailableException(what + describe(cause) + "; check that the host is up and sshd listens on port "
          + target.port(), error);
    }
    return new ServiceUnavailableException(what + describe(cause), error);
  }

  private ZenException authError(@Nullable Throwable error, AtomicReference<HostKeyRejectedException> rejection) {
    HostKeyRejectedException hostKey = rejection.get();
    if (hostKey != null) {
      return hostKey;
    }
    if (error instanceof ZenException zen) {
      return zen;
    }
    Throwable cause = rootCause(error);
    if (error == null || cause instanceof SshException && String.valueOf(cause.getMessage()).contains("authentication")
        || String.valueOf(cause.getMessage()).contains("No more authentication methods")) {
      return new AuthenticationException("the SSH server " + target.display() + " accepted none of the offered keys "
          + "for user '" + target.user() + "'; check the user, the identity (key) given to Zen, and the server's "
          + "authorized_keys", error);
    }
    return new ServiceUnavailableException("the connection to " + target.display() + " failed while authenticating: "
        + describe(cause), error);
  }

  private static Throwable rootCause(@Nullable Throwable error) {
    if (error == null) {
      return new IOException("unknown failure");
    }
    Throwable current = error;
    while (current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
    }
    return current;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
