package dev.zen.executor.ssh;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where commands go, as the caller wrote it ({@code ssh://user@host:port}, {@code user@host:port},
 * {@code host}, an SSH-config alias, an IPv6 address in brackets) and as resolved: host name,
 * port, user and the config's identity files.
 */
record SshTarget(String written, String host, int port, String user, List<String> identityFiles) {

  SshTarget {
    Objects.requireNonNull(written, "written");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    identityFiles = List.copyOf(identityFiles);
  }

  /** The host as known_hosts and messages name it: {@code host}, or {@code [host]:port} off port 22. */
  String knownHostsName() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  /** {@code user@host:port}, for messages. */
  String display() {
    return user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** What the caller wrote, split: user and port may be absent (null, -1). */
  record Parsed(@Nullable String user, String host, int port) {}

  static Parsed parse(String target) {
    Objects.requireNonNull(target, "target");
    String rest = target.strip();
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("an SSH target must not be blank");
    }
    if (rest.toLowerCase(Locale.ROOT).startsWith("ssh://")) {
      rest = rest.substring("ssh://".length());
      if (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
    } else if (rest.contains("://")) {
      throw new IllegalArgumentException("an SSH target is ssh://[user@]host[:port], [user@]host[:port] or an "
          + "alias from the SSH config, was '" + target + "'");
    }
    String user = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.substring(0, at);
      rest = rest.substring(at + 1);
      if (user.isEmpty()) {
        throw new IllegalArgumentException("empty user in SSH target '" + target + "'");
      }
    }
    String host;
    int port = -1;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '[' in SSH target '" + target + "'");
      }
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new IllegalArgumentException("unexpected '" + after + "' in SSH target '" + target + "'");
        }
        port = port(after.substring(1), target);
      }
    } else {
      int colon = rest.indexOf(':');
      if (colon >= 0 && rest.indexOf(':', colon + 1) < 0) {
        host = rest.substring(0, colon);
        port = port(rest.substring(colon + 1), target);
      } else {
        host = rest;
      }
    }
    if (host.isEmpty() || host.contains("/") || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid host in SSH target '" + target + "'");
    }
    return new Parsed(user, host, port);
  }

  private static int port(String text, String target) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("invalid port '" + text + "' in SSH target '" + target + "'");
  }
}
