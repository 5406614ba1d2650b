package dev.zen.gateway.langchain4j;

import java.io.IOException;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * A redirect the gateway did not follow: by default none is (API calls carry the key, and a
 * redirect could send it, and the prompt, elsewhere); with same-origin redirects allowed, one to
 * another origin, one whose target carries user-info, a 303, or too many in a row.
 */
final class RedirectException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final URI from;
  private final @Nullable URI target;
  private final boolean sameOrigin;
  private final boolean tooMany;

  RedirectException(int status, URI from, @Nullable URI target, boolean sameOrigin, boolean tooMany) {
    super("HTTP " + status + " from " + Urls.redact(from) + " redirects to "
        + (target == null ? "no Location" : Urls.redact(target)));
    this.status = status;
    this.from = from;
    this.target = target;
    this.sameOrigin = sameOrigin;
    this.tooMany = tooMany;
  }

  int status() {
    return status;
  }

  URI from() {
    return from;
  }

  @Nullable URI target() {
    return target;
  }

  /** Whether the target has the origin of the request, so allowing same-origin redirects would follow it. */
  boolean sameOrigin() {
    return sameOrigin;
  }

  boolean tooMany() {
    return tooMany;
  }
}
