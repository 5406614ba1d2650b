package dev.zen.gateway;

/**
 * Marks the failure of a call the endpoint answered: it accepted the request and sent back a body
 * that Zen could read (status 200 carrying an error, an empty or filtered answer, a page that is
 * not an answer). The endpoint may have charged for it, and the same request would most likely get
 * the same body, so {@link GatewayResilience} never repeats such a call on its own, whatever the
 * failure's kind says about trying later. Gateways put the marker on the cause of the
 * {@link dev.zen.ZenException} they fail with (the exception itself keeps its kind: a rate limit
 * reported inside a 200 stream is still a {@link dev.zen.RateLimitedException}).
 */
public interface AnsweredFailure {
  /** Whether {@code failure} or one of its causes is marked. */
  static boolean isAnswered(Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < 64; depth++) {
      if (current instanceof AnsweredFailure) {
        return true;
      }
      current = current.getCause();
    }
    return false;
  }
}
