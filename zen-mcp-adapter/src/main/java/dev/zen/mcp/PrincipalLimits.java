package dev.zen.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Per-principal admission for tool calls: at most {@code concurrent} running at once, and a
 * token bucket of {@code perMinute} calls that refills continuously (a burst of a minute's worth,
 * then an even rate). A refusal says when to retry: HTTP answers 429 with {@code Retry-After}.
 */
final class PrincipalLimits {
  /** A granted call; release it once, when the call ends. */
  interface Permit {
    void release();
  }

  /** Either a permit, or why not and when to try again. */
  record Decision(@Nullable Permit permit, String reason, long retryAfterSeconds) {}

  private final int concurrent;
  private final int perMinute;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  PrincipalLimits(int concurrent, int perMinute) {
    this.concurrent = concurrent;
    this.perMinute = perMinute;
  }

  Decision acquire(String principal) {
    State state = states.computeIfAbsent(principal, key -> new State(perMinute));
    synchronized (state) {
      long now = System.nanoTime();
      state.refill(now, perMinute);
      if (state.running >= concurrent) {
        return new Decision(null, concurrent + " calls are running for '" + label(principal) + "' (the limit at once)", 1);
      }
      if (state.tokens < 1) {
        double missing = 1 - state.tokens;
        long seconds = (long) Math.ceil(missing * 60.0 / perMinute);
        return new Decision(null, "more than " + perMinute + " calls per minute for '" + label(principal) + "'",
            Math.max(1, seconds));
      }
      state.tokens -= 1;
      state.running++;
    }
    AtomicBoolean released = new AtomicBoolean();
    return new Decision(() -> {
      if (released.compareAndSet(false, true)) {
        synchronized (state) {
          state.running--;
        }
      }
    }, "", 0);
  }

  private static String label(String principal) {
    return principal.isEmpty() ? "local" : principal;
  }

  private static final class State {
    double tokens;
    long refilledAt = System.nanoTime();
    int running;

    State(int perMinute) {
      this.tokens = perMinute;
    }

    void refill(long now, int perMinute) {
      double added = (now - refilledAt) / 60e9 * perMinute;
      tokens = Math.min(perMinute, tokens + added);
      refilledAt = now;
    }
  }
}
