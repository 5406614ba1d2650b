package dev.zen.internal;

import java.util.Locale;
import java.util.Set;

/**
 * URLs made fit for messages and logs: the user-info ({@code user:password@}) and the values of
 * query parameters that carry credentials ({@code ?key=}, {@code api_key}, {@code sig}, ...: some
 * gateways take their key in the query) become {@code ***}. Works on text that is not a valid URI
 * too, since a broken URL is exactly what an error message quotes.
 */
public final class Redaction {
  private static final String HIDDEN = "***";
  /** Query parameter names (lower case, {@code -} and {@code _} dropped) whose values are secrets. */
  private static final Set<String> SECRET_PARAMETERS = Set.of("key", "apikey", "token", "accesstoken", "idtoken",
      "refreshtoken", "authtoken", "auth", "authorization", "secret", "clientsecret", "password", "passwd", "pwd",
      "sig", "signature", "xamzsignature", "xamzcredential", "xamzsecuritytoken", "code", "session", "sessionid");

  private Redaction() {}

  /** {@code url} with its user-info and its secret query values replaced by {@code ***}. */
  public static String url(String url) {
    return query(userInfo(url));
  }

  /** Whether {@code url} carries a user-info part ({@code scheme://user:password@host}). */
  public static boolean hasUserInfo(String url) {
    return !userInfo(url).equals(url);
  }

  /**
   * The last {@code @} of the authority ends the user-info, so a password with an unescaped
   * {@code @} is hidden whole.
   */
  private static String userInfo(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return url;
    }
    int start = schemeEnd + 3;
    int end = authorityEnd(url, start);
    int at = url.lastIndexOf('@', end - 1);
    return at < start ? url : url.substring(0, start) + HIDDEN + url.substring(at);
  }

  private static String query(String url) {
    int question = url.indexOf('?');
    if (question < 0) {
      return url;
    }
    int fragment = url.indexOf('#', question);
    int end = fragment < 0 ? url.length() : fragment;
    StringBuilder out = new StringBuilder(url.length()).append(url, 0, question + 1);
    int at = question + 1;
    while (at <= end) {
      int next = url.indexOf('&', at);
      int stop = next < 0 || next > end ? end : next;
      String pair = url.substring(at, stop);
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      if (equals >= 0 && SECRET_PARAMETERS.contains(normalized(name))) {
        out.append(name).append('=').append(HIDDEN);
      } else {
        out.append(pair);
      }
      if (stop == end) {
        break;
      }
      out.append('&');
      at = stop + 1;
    }
    return out.append(url, end, url.length()).toString();
  }

  private static String normalized(String name) {
    StringBuilder plain = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '-' && c != '_' && c != '.') {
        plain.append(c);
      }
    }
    return plain.toString().toLowerCase(Locale.ROOT);
  }

  private static int authorityEnd(String url, int start) {
    for (int i = start; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return url.length();
  }
}
