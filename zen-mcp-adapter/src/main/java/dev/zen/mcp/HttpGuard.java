package dev.zen.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who may talk to the HTTP endpoint: the {@code Host} header (DNS rebinding: a page on an
 * attacker's name that resolves to 127.0.0.1), the {@code Origin} header (a browser page
 * elsewhere; MCP requires 403), and the bearer token, which names the principal.
 *
 * <p>Tokens are kept only as SHA-256 digests and compared with {@link MessageDigest#isEqual}
 * (constant time) against every configured digest, without stopping at a match, so neither the
 * time to answer nor its length tells anything about a token. Nothing here logs a token.
 */
final class HttpGuard {
  /** The outcome: 200 with the principal ({@code ""} without tokens), or the status to answer. */
  record Verdict(int status, String principal, String message, String challenge) {
    static Verdict ok(String principal) {
      return new Verdict(200, principal, "", "");
    }
  }

  private static final String CHALLENGE = "Bearer realm=\"zen\"";

  private final List<String> principals = new ArrayList<>();
  private final List<byte[]> digests = new ArrayList<>();
  private final List<String> allowedOrigins;
  private final List<String> allowedHosts;
  private final boolean anyHost;

  HttpGuard(HttpOptions options) {
    for (Map.Entry<String, String> token : options.tokens().entrySet()) {
      principals.add(token.getKey());
      digests.add(sha256(token.getValue()));
    }
    this.allowedOrigins = options.allowedOrigins();
    if (!options.allowedHosts().isEmpty()) {
      allowedHosts = options.allowedHosts();
      anyHost = false;
    } else if (options.loopback()) {
      allowedHosts = List.of("localhost", "127.0.0.1", "[::1]");
      anyHost = false;
    } else {
      allowedHosts = List.of();
      anyHost = true;
    }
  }

  Verdict check(@Nullable String host, @Nullable String origin, @Nullable String authorization) {
    if (!anyHost && (host == null || !hostAllowed(host))) {
      return new Verdict(403, "", "Host '" + (host == null ? "" : host) + "' is not served here (DNS rebinding "
          + "protection); use one of " + String.join(", ", allowedHosts), "");
    }
    if (origin != null && !originAllowed(origin)) {
      return new Verdict(403, "", "Origin '" + origin + "' is not allowed to call this server", "");
    }
    if (digests.isEmpty()) {
      return Verdict.ok("");
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Verdict(401, "", "a bearer token is required: send Authorization: Bearer <token>", CHALLENGE);
    }
    byte[] presented = sha256(authorization.substring(7).strip());
    String principal = null;
    for (int i = 0; i < digests.size(); i++) {
      if (MessageDigest.isEqual(presented, digests.get(i)) && principal == null) {
        principal = principals.get(i);
      }
    }
    if (principal == null) {
      return new Verdict(401, "", "the bearer token is not valid here", CHALLENGE + ", error=\"invalid_token\"");
    }
    return Verdict.ok(principal);
  }

  private boolean hostAllowed(String header) {
    String host = header.strip().toLowerCase(Locale.ROOT);
    for (String allowed : allowedHosts) {
      if (host.equals(allowed) || host.startsWith(allowed + ":") && host.substring(allowed.length() + 1).chars()
          .allMatch(Character::isDigit)) {
        return true;
      }
    }
    return false;
  }

  private boolean originAllowed(String header) {
    String origin = header.strip().toLowerCase(Locale.ROOT);
    for (String allowed : allowedOrigins) {
      if (allowed.endsWith(":*")) {
        String base = allowed.substring(0, allowed.length() - 2);
        if (origin.equals(base) || origin.startsWith(base + ":") && origin.substring(base.length() + 1).chars()
            .allMatch(Character::isDigit)) {
          return true;
        }
      } else if (origin.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
