package dev.zen.gateway.langchain4j;

import dev.zen.internal.Redaction;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** URL helpers for messages and redirects: user-info never printed, origins compared as browsers do. */
final class Urls {
  private Urls() {}

  /** {@code url} with its user-info and credential query values hidden ({@link Redaction#url}). */
  static String redact(String url) {
    return Redaction.url(url);
  }

  static String redact(URI uri) {
    return redact(uri.toString());
  }

  /** Whether {@code uri} carries user-info. */
  static boolean hasUserInfo(URI uri) {
    return uri.getRawUserInfo() != null || Redaction.hasUserInfo(uri.toString());
  }

  /** Same scheme, host and port (the default port when none is given): where a credential may go. */
  static boolean sameOrigin(URI a, URI b) {
    return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
  }

  private static String scheme(URI uri) {
    return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  private static String host(URI uri) {
    @Nullable String host = uri.getHost();
    return host == null ? "" : host.toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return switch (scheme(uri)) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
  }
}
