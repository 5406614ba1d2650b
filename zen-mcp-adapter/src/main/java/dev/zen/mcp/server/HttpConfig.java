package dev.zen.mcp.server;

import dev.zen.mcp.HttpOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server's Streamable HTTP settings: {@code --http [HOST:]PORT}, {@code --http-stateless} and
 * the {@code ZEN_HTTP_*} variables, checked at once like the rest of the configuration (a bad
 * value stops the server naming it). Kept apart from {@link ServerConfig} so that HTTP is one
 * self-contained addition. Tokens never appear in a message or in {@link #toString()}.
 */
final class HttpConfig {
  static final String ZEN_HTTP_TOKENS = "ZEN_HTTP_TOKENS";
  static final String ZEN_HTTP_TOKENS_FILE = "ZEN_HTTP_TOKENS_FILE";
  static final String ZEN_HTTP_ALLOWED_ORIGINS = "ZEN_HTTP_ALLOWED_ORIGINS";
  static final String ZEN_HTTP_ALLOWED_HOSTS = "ZEN_HTTP_ALLOWED_HOSTS";
  static final String ZEN_HTTP_MAX_BODY_BYTES = "ZEN_HTTP_MAX_BODY_BYTES";
  static final String ZEN_HTTP_MAX_CONCURRENT_CALLS = "ZEN_HTTP_MAX_CONCURRENT_CALLS";
  static final String ZEN_HTTP_CALLS_PER_MINUTE = "ZEN_HTTP_CALLS_PER_MINUTE";
  static final String ZEN_HTTP_CALL_TIMEOUT_SECONDS = "ZEN_HTTP_CALL_TIMEOUT_SECONDS";
  static final String ZEN_HTTP_SESSION_IDLE_MINUTES = "ZEN_HTTP_SESSION_IDLE_MINUTES";
  static final String ZEN_HTTP_DRAIN_SECONDS = "ZEN_HTTP_DRAIN_SECONDS";
  static final List<String> VARIABLES = List.of(ZEN_HTTP_TOKENS, ZEN_HTTP_TOKENS_FILE, ZEN_HTTP_ALLOWED_ORIGINS,
      ZEN_HTTP_ALLOWED_HOSTS, ZEN_HTTP_MAX_BODY_BYTES, ZEN_HTTP_MAX_CONCURRENT_CALLS, ZEN_HTTP_CALLS_PER_MINUTE,
      ZEN_HTTP_CALL_TIMEOUT_SECONDS, ZEN_HTTP_SESSION_IDLE_MINUTES, ZEN_HTTP_DRAIN_SECONDS);
  static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

  static final String USAGE = String.join("\n",
      "  --http [HOST:]PORT   serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (HOST defaults to",
      "                       127.0.0.1; another address needs tokens); --http-stateless: no sessions",
      "  ZEN_HTTP_TOKENS (alice:token,bob:token) or ZEN_HTTP_TOKENS_FILE (name:token per line): bearer tokens,",
      "  ZEN_HTTP_ALLOWED_ORIGINS, ZEN_HTTP_ALLOWED_HOSTS, ZEN_HTTP_MAX_BODY_BYTES (4194304),",
      "  ZEN_HTTP_MAX_CONCURRENT_CALLS (64 per user), ZEN_HTTP_CALLS_PER_MINUTE (600 per user),",
      "  ZEN_HTTP_CALL_TIMEOUT_SECONDS (none), ZEN_HTTP_SESSION_IDLE_MINUTES (30), ZEN_HTTP_DRAIN_SECONDS (30)");

  private final List<String> otherArgs;
  private final HttpOptions.@Nullable Builder options;
  private final Duration drain;

  private HttpConfig(List<String> otherArgs, HttpOptions.@Nullable Builder options, Duration drain) {
    this.otherArgs = List.copyOf(otherArgs);
    this.options = options;
    this.drain = drain;
  }

  /**
   * Takes {@code --http} and {@code --http-stateless} out of {@code args} and reads the variables
   * when HTTP is asked for.
   *
   * @throws ConfigurationException naming the bad argument or variable
   */
  static HttpConfig parse(List<String> args, Map<String, String> env) {
    List<String> other = new ArrayList<>();
    String address = null;
    boolean stateless = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--http")) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new ConfigurationException("--http needs [HOST:]PORT, for example --http 8080 or --http 0.0.0.0:8080");
        }
        address = args.get(++i);
      } else if (arg.startsWith("--http=")) {
        address = arg.substring("--http=".length());
      } else if (arg.equals("--http-stateless")) {
        stateless = true;
      } else {
        other.add(arg);
      }
    }
    if (address == null) {
      if (stateless) {
        throw new ConfigurationException("--http-stateless needs --http [HOST:]PORT as well");
      }
      return new HttpConfig(other, null, DEFAULT_DRAIN);
    }
    HttpOptions.Builder options = HttpOptions.builder().stateless(stateless);
    address(options, address);
    tokens(options, env);
    apply(ZEN_HTTP_ALLOWED_ORIGINS, () -> list(env, ZEN_HTTP_ALLOWED_ORIGINS).ifPresent(options::allowedOrigins));
    apply(ZEN_HTTP_ALLOWED_HOSTS, () -> list(env, ZEN_HTTP_ALLOWED_HOSTS).ifPresent(options::allowedHosts));
    apply(ZEN_HTTP_MAX_BODY_BYTES, () -> integer(env, ZEN_HTTP_MAX_BODY_BYTES).ifPresent(options::maxBodyBytes));
    apply(ZEN_HTTP_MAX_CONCURRENT_CALLS, () -> integer(env, ZEN_HTTP_MAX_CONCURRENT_CALLS)
        .ifPresent(options::maxConcurrentCallsPerPrincipal));
    apply(ZEN_HTTP_CALLS_PER_MINUTE, () -> integer(env, ZEN_HTTP_CALLS_PER_MINUTE)
        .ifPresent(options::maxCallsPerMinutePerPrincipal));
    apply(ZEN_HTTP_CALL_TIMEOUT_SECONDS, () -> integer(env, ZEN_HTTP_CALL_TIMEOUT_SECONDS)
        .ifPresent(seconds -> options.callTimeout(Duration.ofSeconds(seconds))));
    apply(ZEN_HTTP_SESSION_IDLE_MINUTES, () -> integer(env, ZEN_HTTP_SESSION_IDLE_MINUTES)
        .ifPresent(minutes -> options.sessionIdleTimeout(Duration.ofMinutes(minutes))));
    Duration[] drain = {DEFAULT_DRAIN};
    apply(ZEN_HTTP_DRAIN_SECONDS, () -> integer(env, ZEN_HTTP_DRAIN_SECONDS).ifPresent(seconds -> {
      if (seconds < 0 || seconds > 3600) {
        throw new IllegalArgumentException("must be 0 to 3600 seconds, was " + seconds);
      }
      drain[0] = Duration.ofSeconds(seconds);
    }));
    try {
      // Checks the combination: a non-loopback address needs tokens.
      options.build();
    } catch (IllegalStateException e) {
      throw new ConfigurationException("--http " + address + ": " + e.getMessage() + " (" + ZEN_HTTP_TOKENS + " or "
          + ZEN_HTTP_TOKENS_FILE + ")", e);
    }
    return new HttpConfig(other, options, drain[0]);
  }

  /** The arguments that are not about HTTP, for the rest of the configuration. */
  List<String> otherArgs() {
    return otherArgs;
  }

  /** Present when the server is to serve HTTP; readiness is the caller's to add. */
  Optional<HttpOptions.Builder> options() {
    return Optional.ofNullable(options);
  }

  /** How long SIGTERM lets running calls finish. */
  Duration drain() {
    return drain;
  }

  @Override
  public String toString() {
    return options == null ? "stdio" : options.build() + ", drain=" + drain;
  }

  private static void address(HttpOptions.Builder options, String address) {
    String host = null;
    String port = address;
    int colon = address.lastIndexOf(':');
    if (colon >= 0) {
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
    }
    try {
      options.port(Integer.parseInt(port));
      if (host != null && !host.isEmpty()) {
        options.host(host);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--http '" + address + "' is not [HOST:]PORT (port 0 to 65535; IPv6 as "
          + "[::1]:8080)", e);
    }
  }

  private static void tokens(HttpOptions.Builder options, Map<String, String> env) {
    String inline = get(env, ZEN_HTTP_TOKENS);
    String file = get(env, ZEN_HTTP_TOKENS_FILE);
    if (inline != null && file != null) {
      throw new ConfigurationException("both " + ZEN_HTTP_TOKENS + " and " + ZEN_HTTP_TOKENS_FILE + " are set; use one");
    }
    if (inline != null) {
      int index = 0;
      for (String pair : inline.split(",")) {
        index++;
        if (!pair.isBlank()) {
          token(options, pair.strip(), ZEN_HTTP_TOKENS + " entry " + index);
        }
      }
    } else if (file != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file));
      } catch (IOException | RuntimeException e) {
        throw new ConfigurationException(ZEN_HTTP_TOKENS_FILE + "='" + file + "' cannot be read: " + e.getMessage(), e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          token(options, line, ZEN_HTTP_TOKENS_FILE + " line " + (i + 1));
        }
      }
    }
  }

  private static void token(HttpOptions.Builder options, String pair, String where) {
    int colon = pair.indexOf(':');
    if (colon <= 0) {
      // The entry is not echoed: it may be a token without its name.
      throw new ConfigurationException(where + " is not name:token");
    }
    try {
      options.token(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(where + ": " + e.getMessage(), e);
    }
  }

  private static void apply(String name, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(name + ": " + e.getMessage(), e);
    }
  }

  private static Optional<List<String>> list(Map<String, String> env, String name) {
    String value = get(env, name);
    return value == null ? Optional.empty()
        : Optional.of(Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
  }

  private static Optional<Integer> integer(Map<String, String> env, String name) {
    String value = get(env, name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + "='" + value + "' is not a whole number");
    }
  }

  private static @Nullable String get(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
