package dev.zen.gateway.langchain4j;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellation hooks of one gateway call.
 *
 * <p>langchain4j's {@code ChatModel} API has no way to hand a cancellation token to the HTTP client
 * it calls, but it calls that client on the thread that called the model. The gateway therefore
 * marks the thread with the call's scope while it is inside langchain4j, and {@link ZenHttpClient}
 * registers an abort hook for the exchange it starts there.
 */
final class CallScope {
  private static final Logger LOG = LoggerFactory.getLogger(CallScope.class);
  private static final ThreadLocal<CallScope> CURRENT = new ThreadLocal<>();

  private final List<Runnable> hooks = new ArrayList<>();
  private boolean cancelled;

  /** The scope of the call the current thread is making, if it is inside one. */
  static @Nullable CallScope current() {
    return CURRENT.get();
  }

  void enter() {
    CURRENT.set(this);
  }

  void exit() {
    CURRENT.remove();
  }

  /** Runs {@code hook} when the call is cancelled, or now if it already was. */
  void onCancel(Runnable hook) {
    synchronized (this) {
      if (!cancelled) {
        hooks.add(hook);
        return;
      }
    }
    runQuietly(hook);
  }

  synchronized boolean isCancelled() {
    return cancelled;
  }

  void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = List.copyOf(hooks);
      hooks.clear();
    }
    toRun.forEach(CallScope::runQuietly);
  }

  private static void runQuietly(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      // An abort that fails leaves at worst a connection to time out; the caller is already told.
      LOG.debug("cancel hook failed", e);
    }
  }
}
