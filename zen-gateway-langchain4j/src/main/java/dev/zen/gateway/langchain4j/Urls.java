package dev.zen.gateway.langchain4j;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** URL helpers for messages and redirects: user-info never printed, origins compared as browsers do. */
final class Urls {
  private Urls() {}

  /**
   * {@code url} with its user-info (the {@code user:password@} part) replaced by {@code ***}, for
   * messages and logs. Works on text that is not a valid URI too: the last {@code @} of the
   * authority ends the user-info, so a password with an unescaped {@code @} is hidden whole.
   */
  static String redact(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return url;
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = url.length();
    for (int i = authorityStart; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        authorityEnd = i;
        break;
      }
    }
    int at = url.lastIndexOf('@', authorityEnd - 1);
    if (at < authorityStart) {
      return url;
    }
    return url.substring(0, authorityStart) + "***" + url.substring(at);
  }

  static String redact(URI uri) {
    return redact(uri.toString());
  }

  /** Whether {@code uri} carries user-info. */
  static boolean hasUserInfo(URI uri) {
    return uri.getRawUserInfo() != null || redact(uri.toString()).contains("***@");
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
