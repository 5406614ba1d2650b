package dev.zen.mcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How {@link McpAdapter#serveHttp} serves MCP's Streamable HTTP transport. Immutable; built with
 * {@link #builder()}, whose setters validate at once. Defaults suit one user on one machine:
 * 127.0.0.1, an ephemeral port, no tokens. Tokens are never printed ({@link #toString()} shows
 * only their names).
 */
public final class HttpOptions {
  /** The default endpoint path. */
  public static final String DEFAULT_PATH = "/mcp";

  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> tokens;
  private final List<String> allowedOrigins;
  private final List<String> allowedHosts;
  private final boolean stateless;
  private final int maxBodyBytes;
  private final int maxConcurrentCallsPerPrincipal;
  private final int maxCallsPerMinutePerPrincipal;
  private final @Nullable Duration callTimeout;
  private final Duration sessionIdleTimeout;
  private final int eventsPerSession;
  private final Duration keepAliveInterval;
  private final Supplier<CompletionStage<?>> readiness;

  private HttpOptions(Builder builder) {
    this.host = builder.host;
    this.port = builder.port;
    this.path = builder.path;
    this.tokens = Map.copyOf(builder.tokens);
    this.allowedOrigins = List.copyOf(builder.allowedOrigins);
    this.allowedHosts = List.copyOf(builder.allowedHosts);
    this.stateless = builder.stateless;
    this.maxBodyBytes = builder.maxBodyBytes;
    this.maxConcurrentCallsPerPrincipal = builder.maxConcurrentCallsPerPrincipal;
    this.maxCallsPerMinutePerPrincipal = builder.maxCallsPerMinutePerPrincipal;
    this.callTimeout = builder.callTimeout;
    this.sessionIdleTimeout = builder.sessionIdleTimeout;
    this.eventsPerSession = builder.eventsPerSession;
    this.keepAliveInterval = builder.keepAliveInterval;
    this.readiness = builder.readiness;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The address to bind; default {@code 127.0.0.1}. */
  public String host() {
    return host;
  }

  /** The port to bind; 0 (the default) picks a free one. */
  public int port() {
    return port;
  }

  /** The endpoint's path; default {@value #DEFAULT_PATH}. */
  public String path() {
    return path;
  }

  /** The names of the principals that have a token. */
  public List<String> principals() {
    return tokens.keySet().stream().sorted().toList();
  }

  Map<String, String> tokens() {
    return tokens;
  }

  /**
   * Origins a browser page may call from ({@code scheme://host[:port]}, or {@code :*} for any
   * port); a request with any other {@code Origin} gets 403. Default: loopback pages only.
   */
  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  /**
   * {@code Host} header values accepted ({@code host} or {@code host:port}); empty means the
   * defaults: loopback names when bound to loopback, anything otherwise (a proxy in front names
   * the host, and tokens guard the server).
   */
  public List<String> allowedHosts() {
    return allowedHosts;
  }

  /** Whether every POST stands alone: no sessions, no GET stream (for load balancers without affinity). */
  public boolean stateless() {
    return stateless;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public int maxConcurrentCallsPerPrincipal() {
    return maxConcurrentCallsPerPrincipal;
  }

  public int maxCallsPerMinutePerPrincipal() {
    return maxCallsPerMinutePerPrincipal;
  }

  /** A call still running after this is stopped and answered with an error; empty: no limit. */
  public java.util.Optional<Duration> callTimeout() {
    return java.util.Optional.ofNullable(callTimeout);
  }

  public Duration sessionIdleTimeout() {
    return sessionIdleTimeout;
  }

  /** SSE events each session keeps for {@code Last-Event-ID} replay (the oldest go first). */
  public int eventsPerSession() {
    return eventsPerSession;
  }

  /** How often an open SSE stream gets a comment line, so proxies do not time it out. */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  Supplier<CompletionStage<?>> readiness() {
    return readiness;
  }

  /** Whether {@link #host()} is a loopback address. */
  public boolean loopback() {
    return isLoopback(host);
  }

  static boolean isLoopback(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      // Literal addresses only: a name is not resolved here (its address may change).
      if (!bare.isEmpty() && (Character.digit(bare.charAt(0), 16) >= 0 || bare.contains(":"))) {
        return InetAddress.getByName(bare).isLoopbackAddress();
      }
    } catch (UnknownHostException e) {
      return false;
    }
    return false;
  }

  @Override
  public String toString() {
    return "HttpOptions[" + host + ":" + port + path + (stateless ? ", stateless" : "") + ", principals="
        + principals() + ", allowedOrigins=" + allowedOrigins + ", allowedHosts=" + allowedHosts
        + ", maxBodyBytes=" + maxBodyBytes + ", perPrincipal=" + maxConcurrentCallsPerPrincipal + " at once, "
        + maxCallsPerMinutePerPrincipal + "/min, callTimeout=" + callTimeout + "]";
  }

  /** Builds {@link HttpOptions}; every setter checks its value at once. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String path = DEFAULT_PATH;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final List<String> allowedOrigins = new ArrayList<>(List.of("http://localhost:*", "http://127.0.0.1:*",
        "http://[::1]:*", "https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*"));
    private final List<String> allowedHosts = new ArrayList<>();
    private boolean stateless;
    private int maxBodyBytes = 4 * 1024 * 1024;
    private int maxConcurrentCallsPerPrincipal = 64;
    private int maxCallsPerMinutePerPrincipal = 600;
    private @Nullable Duration callTimeout;
    private Duration sessionIdleTimeout = Duration.ofMinutes(30);
    private int eventsPerSession = 1_000;
    private Duration keepAliveInterval = Duration.ofSeconds(20);
    private Supplier<CompletionStage<?>> readiness = () -> CompletableFuture.completedFuture(null);

    private Builder() {}

    /** Host name or literal address to bind (IPv6 with or without brackets). */
    public Builder host(String host) {
      if (Objects.requireNonNull(host, "host").isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host.strip();
      return this;
    }

    /** 0 to 65535; 0 picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    public Builder path(String path) {
      if (!Objects.requireNonNull(path, "path").startsWith("/") || path.length() < 2 || path.endsWith("/")) {
        throw new IllegalArgumentException("path must start with '/' and name something, like /mcp; was '" + path + "'");
      }
      this.path = path;
      return this;
    }

    /**
     * Adds a principal and its bearer token. Names: letters, digits, {@code ._@-}; tokens: at least
     * 16 visible characters (a short token is guessable over the network).
     */
    public Builder token(String principal, String token) {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(token, "token");
      if (!principal.matches("[A-Za-z0-9._@-]{1,64}")) {
        throw new IllegalArgumentException("principal '" + principal + "' must be 1 to 64 letters, digits, or ._@-");
      }
      if (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        // The token itself is never echoed.
        throw new IllegalArgumentException("the token of '" + principal + "' must be at least 16 visible ASCII "
            + "characters (was " + token.length() + " characters)");
      }
      if (tokens.containsValue(token)) {
        throw new IllegalArgumentException("the token of '" + principal + "' is also another principal's token; "
            + "give each principal its own");
      }
      if (tokens.putIfAbsent(principal, token) != null) {
        throw new IllegalArgumentException("principal '" + principal + "' has two tokens; keep one");
      }
      return this;
    }

    /** Replaces the allowed origins (see {@link HttpOptions#allowedOrigins()}); empty refuses every browser origin. */
    public Builder allowedOrigins(List<String> origins) {
      List<String> checked = new ArrayList<>();
      for (String origin : origins) {
        String value = Objects.requireNonNull(origin, "origin").strip().toLowerCase(Locale.ROOT);
        if (!value.matches("https?://[^/\\s]+")) {
          throw new IllegalArgumentException("origin '" + origin + "' must look like https://example.com[:port] "
              + "(no path), with :* for any port");
        }
        checked.add(value);
      }
      allowedOrigins.clear();
      allowedOrigins.addAll(checked);
      return this;
    }

    /** Replaces the accepted {@code Host} values (see {@link HttpOptions#allowedHosts()}). */
    public Builder allowedHosts(List<String> hosts) {
      List<String> checked = new ArrayList<>();
      for (String value : hosts) {
        String host = Objects.requireNonNull(value, "host").strip().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
          throw new IllegalArgumentException("host '" + value + "' must be a host name, optionally with :port");
        }
        checked.add(host);
      }
      allowedHosts.clear();
      allowedHosts.addAll(checked);
      return this;
    }

    public Builder stateless(boolean stateless) {
      this.stateless = stateless;
      return this;
    }

    /** Largest request body, 1 KiB to 256 MiB; default 4 MiB. Larger gets 413. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024 || bytes > 256 * 1024 * 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be 1 KiB to 256 MiB, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Tool calls one principal may have running; more get 429. Default 64. */
    public Builder maxConcurrentCallsPerPrincipal(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("maxConcurrentCallsPerPrincipal must be >= 1, was " + calls);
      }
      this.maxConcurrentCallsPerPrincipal = calls;
      return this;
    }

    /** Tool calls one principal may start per minute (a token bucket); more get 429. Default 600. */
    public Builder maxCallsPerMinutePerPrincipal(int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException("maxCallsPerMinutePerPrincipal must be >= 1, was " + calls);
      }
      this.maxCallsPerMinutePerPrincipal = calls;
      return this;
    }

    /** Stops a call that runs longer and answers it with an error; default none. */
    public Builder callTimeout(Duration timeout) {
      if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("callTimeout must be positive, was " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /** A session with no request and no open stream for this long ends (then 404). Default 30 minutes. */
    public Builder sessionIdleTimeout(Duration timeout) {
      if (Objects.requireNonNull(timeout, "timeout").compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("sessionIdleTimeout must be at least 1 s, was " + timeout);
      }
      this.sessionIdleTimeout = timeout;
      return this;
    }

    /** SSE events kept per session for replay, 0 to 100,000; default 1,000. */
    public Builder eventsPerSession(int events) {
      if (events < 0 || events > 100_000) {
        throw new IllegalArgumentException("eventsPerSession must be 0 to 100000, was " + events);
      }
      this.eventsPerSession = events;
      return this;
    }

    public Builder keepAliveInterval(Duration interval) {
      if (Objects.requireNonNull(interval, "interval").compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("keepAliveInterval must be at least 100 ms, was " + interval);
      }
      this.keepAliveInterval = interval;
      return this;
    }

    /**
     * What {@code /readyz} checks besides not draining (for example that the checkpoint store
     * answers): ready when the stage completes normally within two seconds.
     */
    public Builder readiness(Supplier<CompletionStage<?>> readiness) {
      this.readiness = Objects.requireNonNull(readiness, "readiness");
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException when a non-loopback address is to be bound without tokens
     */
    public HttpOptions build() {
      if (tokens.isEmpty() && !isLoopback(host)) {
        throw new IllegalStateException("refusing to serve " + host + " without tokens: anyone who can reach it "
            + "could use the server's model keys; configure bearer tokens, or bind a loopback address such as "
            + "127.0.0.1");
      }
      return new HttpOptions(this);
    }
  }
}
