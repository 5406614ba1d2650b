package dev.zen.mcp.server;

import dev.zen.agent.ZenAgentOptions;
import dev.zen.internal.Redaction;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server's settings, read once from the environment and the command line. Immutable. Every
 * value is checked here, before anything starts, and a bad one fails with a message that names the
 * variable: an MCP client shows the server's stderr when it cannot start, and that line is all a
 * user sees. Empty variables count as unset (client configurations often carry {@code ""}).
 *
 * <p>This is the only place in Zen that reads environment variables.
 */
final class ServerConfig {
  static final String CUSTOM_API_URL = "CUSTOM_API_URL";
  static final String CUSTOM_API_KEY = "CUSTOM_API_KEY";
  static final String CUSTOM_MODEL_NAME = "CUSTOM_MODEL_NAME";
  static final String OPENAI_API_KEY = "OPENAI_API_KEY";
  static final String OPENROUTER_API_KEY = "OPENROUTER_API_KEY";
  static final String DEFAULT_MODEL = "DEFAULT_MODEL";
  static final String DISABLED_TOOLS = "DISABLED_TOOLS";
  static final String ENABLED_TOOLS = "ENABLED_TOOLS";
  static final String ZEN_REFUSED_FILES = "ZEN_REFUSED_FILES";
  static final String CONVERSATION_TIMEOUT_HOURS = "CONVERSATION_TIMEOUT_HOURS";
  static final String MAX_CONVERSATION_TURNS = "MAX_CONVERSATION_TURNS";
  static final String LOG_LEVEL = "LOG_LEVEL";
  static final String LOG_FORMAT = "LOG_FORMAT";
  static final String REDIS_URL = "REDIS_URL";
  static final String ZEN_DEMO_LATENCY_MS = "ZEN_DEMO_LATENCY_MS";
  static final String ZEN_MAX_CONCURRENT_CALLS = "ZEN_MAX_CONCURRENT_CALLS";
  static final String ZEN_IDLE_GC_SECONDS = "ZEN_IDLE_GC_SECONDS";
  /** The variable OpenTelemetry's GenAI instrumentations read to put prompts and answers on spans. */
  static final String OTEL_CAPTURE_CONTENT = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
  /** After this long without a garbage collection, following activity, the server collects once. */
  static final Duration DEFAULT_IDLE_GC = Duration.ofSeconds(10);
  static final String ZEN_CONNECT_TIMEOUT_SECONDS = "ZEN_CONNECT_TIMEOUT_SECONDS";
  static final String ZEN_FIRST_BYTE_TIMEOUT_SECONDS = "ZEN_FIRST_BYTE_TIMEOUT_SECONDS";
  static final String ZEN_IDLE_TIMEOUT_SECONDS = "ZEN_IDLE_TIMEOUT_SECONDS";
  static final String ZEN_CALL_TIMEOUT_SECONDS = "ZEN_CALL_TIMEOUT_SECONDS";
  static final String CLI_CLIENTS_CONFIG_PATH = "CLI_CLIENTS_CONFIG_PATH";
  static final String ZEN_SSH_IDENTITY = "ZEN_SSH_IDENTITY";
  static final String ZEN_SSH_KNOWN_HOSTS = "ZEN_SSH_KNOWN_HOSTS";
  static final String SSH_AUTH_SOCK = "SSH_AUTH_SOCK";

  static final String OPENAI_URL = "https://api.openai.com/v1";
  static final String OPENROUTER_URL = "https://openrouter.ai/api/v1";
  static final Duration DEFAULT_DEMO_LATENCY = Duration.ofMillis(500);
  /** Model calls one provider gets at once; a loopback demo endpoint takes many more. */
  static final int DEFAULT_MAX_CONCURRENT_CALLS = 32;
  static final int DEFAULT_DEMO_MAX_CONCURRENT_CALLS = 1024;
  /** Model-call timeouts: the library's defaults, which suit slow reasoning models. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofMinutes(5);
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(15);

  static final String USAGE = String.join("\n",
      "usage: java -jar zen-mcp-server.jar [--demo] [--http [HOST:]PORT [--http-stateless]] [--help]",
      "",
      "Zen's MCP server on stdio. Configure a model endpoint with environment variables:",
      "  CUSTOM_API_URL, CUSTOM_API_KEY, CUSTOM_MODEL_NAME   any OpenAI-compatible endpoint (LiteLLM, Ollama, vLLM...)",
      "  OPENAI_API_KEY                                      OpenAI",
      "  OPENROUTER_API_KEY                                  OpenRouter",
      "  DEFAULT_MODEL (auto), DISABLED_TOOLS (a,b), ENABLED_TOOLS (only these, a,b), CONVERSATION_TIMEOUT_HOURS (3),",
      "  MAX_CONVERSATION_TURNS (50),",
      "  LOG_LEVEL (INFO; logs go to stderr), LOG_FORMAT (text, or json: one object per line),",
      "  REDIS_URL (conversations in Redis instead of memory),",
      "  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER, ... (traces and metrics over OTLP; off when none is set),",
      "  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (false; true puts prompts and answers on model spans),",
      "  ZEN_MAX_CONCURRENT_CALLS (32 model calls at once per endpoint),",
      "  ZEN_IDLE_GC_SECONDS (10: idle this long after work, the heap is collected and returned to the OS; 0: never),",
      "  ZEN_CONNECT_TIMEOUT_SECONDS (10), ZEN_FIRST_BYTE_TIMEOUT_SECONDS (300: until a model starts",
      "  answering; for a call without progressToken, which asks for the whole answer, until it has answered),",
      "  ZEN_IDLE_TIMEOUT_SECONDS (300: a pause within an answer), ZEN_CALL_TIMEOUT_SECONDS (900: a whole model call),",
      "  CLI_CLIENTS_CONFIG_PATH (clink client definitions: a JSON file or a directory; then ~/.zen/cli_clients),",
      "  ZEN_SSH_IDENTITY (private key for clients that name a host; else ~/.ssh/config and ~/.ssh/id_*),",
      "  ZEN_SSH_KNOWN_HOSTS (~/.ssh/known_hosts), SSH_AUTH_SOCK (keys from ssh-agent)",
      "  --demo answers from a built-in fake endpoint on loopback (no key; ZEN_DEMO_LATENCY_MS, default 500)",
      HttpConfig.USAGE);

  /** Where model calls go. */
  record Endpoint(String baseUrl, @Nullable String apiKey, String source) {}

  /** The logging levels LOG_LEVEL accepts, as slf4j-simple names them. */
  enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

  private final boolean demo;
  private final boolean help;
  private final @Nullable Endpoint endpoint;
  private final List<String> ignoredProviders;
  private final @Nullable String customModelName;
  private final @Nullable String defaultModel;
  private final List<String> disabledTools;
  private final @Nullable Duration conversationTimeout;
  private final @Nullable Integer maxConversationTurns;
  private final LogLevel logLevel;
  private final boolean jsonLogs;
  private final Map<String, String> openTelemetry;
  private final boolean captureModelContent;
  private final @Nullable String redisUrl;
  private final Duration demoLatency;
  private final int maxConcurrentCalls;
  private final Duration idleGc;
  private final ModelTimeouts modelTimeouts;
  private final ZenAgentOptions agentOptions;
  private final @Nullable Path cliClientsConfigPath;
  private final @Nullable Path sshIdentity;
  private final @Nullable Path sshKnownHosts;
  private final @Nullable Path sshAgentSocket;

  /**
   * How long model calls may take.
   *
   * @param connect opening a connection to the endpoint
   * @param firstByte until the endpoint starts answering
   * @param idle a pause within an answer
   * @param call a whole call, every attempt included
   */
  record ModelTimeouts(Duration connect, Duration firstByte, Duration idle, Duration call) {}

  private final HttpConfig http;

  private ServerConfig(Parser p, HttpConfig http) {
    this.http = http;
    this.demo = p.demo;
    this.help = p.help;
    this.endpoint = p.endpoint;
    this.ignoredProviders = List.copyOf(p.ignoredProviders);
    this.customModelName = p.customModelName;
    this.defaultModel = p.defaultModel;
    this.disabledTools = List.copyOf(p.disabledTools);
    this.conversationTimeout = p.conversationTimeout;
    this.maxConversationTurns = p.maxConversationTurns;
    this.logLevel = p.logLevel;
    this.jsonLogs = p.jsonLogs;
    this.openTelemetry = p.openTelemetry;
    this.captureModelContent = p.captureModelContent;
    this.redisUrl = p.redisUrl;
    this.demoLatency = p.demoLatency;
    this.maxConcurrentCalls = p.maxConcurrentCalls;
    this.idleGc = p.idleGc;
    this.modelTimeouts = p.modelTimeouts;
    this.agentOptions = p.agentOptions;
    this.cliClientsConfigPath = p.path(CLI_CLIENTS_CONFIG_PATH);
    this.sshIdentity = p.path(ZEN_SSH_IDENTITY);
    this.sshKnownHosts = p.path(ZEN_SSH_KNOWN_HOSTS);
    this.sshAgentSocket = p.path(SSH_AUTH_SOCK);
  }

  /** CLI_CLIENTS_CONFIG_PATH: clink client definitions (a file or a directory), read after the bundled ones. */
  Optional<Path> cliClientsConfigPath() {
    return Optional.ofNullable(cliClientsConfigPath);
  }

  /** ZEN_SSH_IDENTITY: the private key for clink clients that name a host. */
  Optional<Path> sshIdentity() {
    return Optional.ofNullable(sshIdentity);
  }

  /** ZEN_SSH_KNOWN_HOSTS: where host keys are checked (default ~/.ssh/known_hosts). */
  Optional<Path> sshKnownHosts() {
    return Optional.ofNullable(sshKnownHosts);
  }

  /** SSH_AUTH_SOCK: the ssh-agent's socket, for keys it holds (passphrase-protected ones, say). */
  Optional<Path> sshAgentSocket() {
    return Optional.ofNullable(sshAgentSocket);
  }

  /**
   * Reads the command line and the environment.
   *
   * @throws ConfigurationException naming the first bad argument or variable
   */
  static ServerConfig parse(List<String> args, Map<String, String> env) {
    HttpConfig http = HttpConfig.parse(args, env);
    return new ServerConfig(new Parser(http.otherArgs(), env), http);
  }

  /** {@code --http} and its variables (see {@link HttpConfig}); stdio when absent. */
  HttpConfig http() {
    return http;
  }

  /** {@code --demo}: answer from the in-process fake endpoint. */
  boolean demo() {
    return demo;
  }

  /** {@code --help}: print usage and exit. */
  boolean help() {
    return help;
  }

  /** The configured endpoint; empty in demo mode (the fake's URL is known only once it runs). */
  Optional<Endpoint> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** Provider variables that were set but lost to a higher-priority one (worth a warning). */
  List<String> ignoredProviders() {
    return ignoredProviders;
  }

  Optional<String> customModelName() {
    return Optional.ofNullable(customModelName);
  }

  /** DEFAULT_MODEL, or CUSTOM_MODEL_NAME when only that is set; empty means the agent's default (auto). */
  Optional<String> defaultModel() {
    return Optional.ofNullable(defaultModel);
  }

  List<String> disabledTools() {
    return disabledTools;
  }

  Optional<Duration> conversationTimeout() {
    return Optional.ofNullable(conversationTimeout);
  }

  Optional<Integer> maxConversationTurns() {
    return Optional.ofNullable(maxConversationTurns);
  }

  LogLevel logLevel() {
    return logLevel;
  }

  /**
   * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true: model spans carry the prompt and the
   * answer (they may hold code and secrets: off by default).
   */
  boolean captureModelContent() {
    return captureModelContent;
  }

  /** LOG_FORMAT=json: one JSON object per log line; text (slf4j-simple's format) otherwise. */
  boolean jsonLogs() {
    return jsonLogs;
  }

  /**
   * The non-blank {@code OTEL_*} variables, for OpenTelemetry's autoconfiguration (see
   * {@link Telemetry}). Never logged: {@code OTEL_EXPORTER_OTLP_HEADERS} often holds a token.
   */
  Map<String, String> openTelemetry() {
    return openTelemetry;
  }

  Optional<String> redisUrl() {
    return Optional.ofNullable(redisUrl);
  }

  Duration demoLatency() {
    return demoLatency;
  }

  int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /** How long without a garbage collection, after work, before the server collects once; zero: never. */
  Duration idleGc() {
    return idleGc;
  }

  /** ZEN_CONNECT_TIMEOUT_SECONDS, ZEN_FIRST_BYTE_TIMEOUT_SECONDS, ZEN_IDLE_TIMEOUT_SECONDS, ZEN_CALL_TIMEOUT_SECONDS. */
  ModelTimeouts modelTimeouts() {
    return modelTimeouts;
  }

  /** The agent's options from DEFAULT_MODEL, DISABLED_TOOLS and the conversation limits, checked. */
  ZenAgentOptions agentOptions() {
    return agentOptions;
  }

  @Override
  public String toString() {
    // Never the keys: this line goes to the log.
    return "ServerConfig[demo=" + demo + ", endpoint=" + (endpoint == null ? "-" : endpoint.baseUrl() + " (" + endpoint.source()
        + (endpoint.apiKey() == null ? ", no key" : ", key set") + ")") + ", defaultModel=" + defaultModel
        + ", disabledTools=" + disabledTools + ", conversationTimeout=" + conversationTimeout
        + ", maxConversationTurns=" + maxConversationTurns + ", logLevel=" + logLevel
        + ", checkpoints=" + (redisUrl == null ? "memory" : "redis") + ", maxConcurrentCalls=" + maxConcurrentCalls
        + ", " + modelTimeouts + "]";
  }

  private static final class Parser {
    private final Map<String, String> env;
    boolean demo;
    boolean help;
    @Nullable Endpoint endpoint;
    final List<String> ignoredProviders = new ArrayList<>();
    @Nullable String customModelName;
    @Nullable String defaultModel;
    List<String> disabledTools = List.of();
    @Nullable Duration conversationTimeout;
    @Nullable Integer maxConversationTurns;
    LogLevel logLevel = LogLevel.INFO;
    boolean jsonLogs;
    Map<String, String> openTelemetry = Map.of();
    boolean captureModelContent;
    @Nullable String redisUrl;
    Duration demoLatency = DEFAULT_DEMO_LATENCY;
    int maxConcurrentCalls;
    Duration idleGc = DEFAULT_IDLE_GC;
    ModelTimeouts modelTimeouts = new ModelTimeouts(DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_BYTE_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT, DEFAULT_CALL_TIMEOUT);
    ZenAgentOptions agentOptions;

    /** A path variable; blank counts as unset. */
    @Nullable Path path(String name) {
      String value = get(name);
      if (value == null) {
        return null;
      }
      try {
        return Path.of(value);
      } catch (java.nio.file.InvalidPathException e) {
        throw new ConfigurationException(name + ": '" + value + "' is not a valid path");
      }
    }

    Parser(List<String> args, Map<String, String> env) {
      this.env = env;
      for (String arg : args) {
        switch (arg) {
          case "--demo" -> demo = true;
          case "--help", "-h" -> help = true;
          default -> throw new ConfigurationException("unknown argument '" + arg + "'\n" + USAGE);
        }
      }
      if (help) {
        agentOptions = ZenAgentOptions.defaults();
        return;
      }
      logLevel = logLevel();
      jsonLogs = jsonLogs();
      Map<String, String> otel = new java.util.TreeMap<>();
      env.forEach((name, value) -> {
        if (name.startsWith("OTEL_") && !value.isBlank()) {
          otel.put(name, value.trim());
        }
      });
      openTelemetry = Map.copyOf(otel);
      captureModelContent = captureModelContent();
      endpoint = demo ? null : endpoint();
      customModelName = get(CUSTOM_MODEL_NAME);
      defaultModel = get(DEFAULT_MODEL);
      if (defaultModel == null && customModelName != null && endpoint != null && endpoint.source().equals(CUSTOM_API_URL)) {
        defaultModel = customModelName;
      }
      disabledTools = names(get(DISABLED_TOOLS));
      conversationTimeout = hours(CONVERSATION_TIMEOUT_HOURS);
      maxConversationTurns = integer(MAX_CONVERSATION_TURNS, 2, 10_000, "turns (a call stores two)");
      redisUrl = redisUrl();
      Integer latency = integer(ZEN_DEMO_LATENCY_MS, 0, 600_000, "milliseconds");
      if (latency != null) {
        demoLatency = Duration.ofMillis(latency);
      }
      Integer idleGcSeconds = integer(ZEN_IDLE_GC_SECONDS, 0, 86_400, "seconds");
      if (idleGcSeconds != null) {
        idleGc = Duration.ofSeconds(idleGcSeconds);
      }
      Integer concurrent = integer(ZEN_MAX_CONCURRENT_CALLS, 1, 100_000, "model calls at once");
      maxConcurrentCalls = concurrent != null ? concurrent
          : demo ? DEFAULT_DEMO_MAX_CONCURRENT_CALLS : DEFAULT_MAX_CONCURRENT_CALLS;
      modelTimeouts = new ModelTimeouts(
          seconds(ZEN_CONNECT_TIMEOUT_SECONDS, DEFAULT_CONNECT_TIMEOUT),
          seconds(ZEN_FIRST_BYTE_TIMEOUT_SECONDS, DEFAULT_FIRST_BYTE_TIMEOUT),
          seconds(ZEN_IDLE_TIMEOUT_SECONDS, DEFAULT_IDLE_TIMEOUT),
          seconds(ZEN_CALL_TIMEOUT_SECONDS, DEFAULT_CALL_TIMEOUT));
      agentOptions = agentOptions();
    }

    /** The agent's own builder checks what only it knows (tool names, limits); its words, our variable names. */
    private ZenAgentOptions agentOptions() {
      ZenAgentOptions.Builder options = ZenAgentOptions.builder();
      apply(DEFAULT_MODEL, () -> {
        if (defaultModel != null) {
          options.defaultModel(defaultModel);
        }
      });
      apply(DISABLED_TOOLS, () -> options.disabledTools(disabledTools));
      apply(ENABLED_TOOLS, () -> options.enabledTools(names(get(ENABLED_TOOLS))));
      apply(ZEN_REFUSED_FILES, () -> options.refusedFiles(patterns(get(ZEN_REFUSED_FILES))));
      apply(CONVERSATION_TIMEOUT_HOURS, () -> {
        if (conversationTimeout != null) {
          options.conversationTimeout(conversationTimeout);
        }
      });
      apply(MAX_CONVERSATION_TURNS, () -> {
        if (maxConversationTurns != null) {
          options.maxConversationTurns(maxConversationTurns);
        }
      });
      return options.build();
    }

    /** A comma-separated list of tool names; empty when unset. */
    private static List<String> names(@Nullable String value) {
      return value == null ? List.of()
          : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Comma-separated globs, case kept (file names are case-sensitive here). */
    private static List<String> patterns(@Nullable String value) {
      return value == null ? List.of()
          : Arrays.stream(value.split(",")).map(String::strip).filter(pattern -> !pattern.isEmpty()).toList();
    }

    private static void apply(String name, Runnable setter) {
      try {
        setter.run();
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(name + ": " + e.getMessage(), e);
      }
    }

    private @Nullable String get(String name) {
      String value = env.get(name);
      return value == null || value.isBlank() ? null : value.trim();
    }

    private boolean captureModelContent() {
      return either(OTEL_CAPTURE_CONTENT, "false", "true", "a switch");
    }

    private boolean jsonLogs() {
      return either(LOG_FORMAT, "text", "json", "a log format");
    }

    /** A variable that takes one of two words (any case): false for {@code off} or unset, true for {@code on}. */
    private boolean either(String name, String off, String on, String what) {
      String value = get(name);
      if (value == null || value.equalsIgnoreCase(off)) {
        return false;
      }
      if (value.equalsIgnoreCase(on)) {
        return true;
      }
      throw new ConfigurationException(name + "='" + value + "' is not " + what + "; use " + off + " or " + on);
    }

    private LogLevel logLevel() {
      String value = get(LOG_LEVEL);
      if (value == null) {
        return LogLevel.INFO;
      }
      String upper = value.toUpperCase(Locale.ROOT);
      if (upper.equals("WARNING")) {
        return LogLevel.WARN;
      }
      if (upper.equals("CRITICAL")) {
        return LogLevel.ERROR;
      }
      try {
        return LogLevel.valueOf(upper);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(LOG_LEVEL + "='" + value + "' is not a log level; use one of "
            + "TRACE, DEBUG, INFO, WARNING, ERROR, OFF");
      }
    }

    private Endpoint endpoint() {
      String customUrl = get(CUSTOM_API_URL);
      String customKey = get(CUSTOM_API_KEY);
      String openAi = get(OPENAI_API_KEY);
      String openRouter = get(OPENROUTER_API_KEY);
      if (customKey != null && customUrl == null) {
        throw new ConfigurationException(CUSTOM_API_KEY + " is set but " + CUSTOM_API_URL + " is not; set "
            + CUSTOM_API_URL + " to the endpoint's API root, for example http://localhost:4000/v1");
      }
      Endpoint chosen = null;
      if (customUrl != null) {
        chosen = new Endpoint(httpUrl(CUSTOM_API_URL, customUrl), customKey, CUSTOM_API_URL);
      }
      if (openAi != null) {
        if (chosen == null) {
          chosen = new Endpoint(OPENAI_URL, openAi, OPENAI_API_KEY);
        } else {
          ignoredProviders.add(OPENAI_API_KEY);
        }
      }
      if (openRouter != null) {
        if (chosen == null) {
          chosen = new Endpoint(OPENROUTER_URL, openRouter, OPENROUTER_API_KEY);
        } else {
          ignoredProviders.add(OPENROUTER_API_KEY);
        }
      }
      if (chosen == null) {
        throw new ConfigurationException("no model endpoint is configured: set " + CUSTOM_API_URL
            + " (any OpenAI-compatible endpoint, with " + CUSTOM_API_KEY + " if it needs one), " + OPENAI_API_KEY
            + " or " + OPENROUTER_API_KEY + "; or start with --demo to try Zen without a key");
      }
      return chosen;
    }

    private static String httpUrl(String name, String value) {
      URI uri = null;
      try {
        uri = new URI(value);
      } catch (URISyntaxException e) {
        // reported below
      }
      if (uri != null && uri.getRawUserInfo() != null || Redaction.hasUserInfo(value)) {
        // Refused rather than sent as basic auth: OpenAI-compatible endpoints take a bearer key, and
        // this URL is printed at start and in errors; the password must not be.
        throw new ConfigurationException(name + "='" + redacted(value) + "' carries a user name and password; "
            + "remove them from the URL and put the endpoint's key in " + CUSTOM_API_KEY
            + " (sent as a bearer token)");
      }
      String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri != null && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return value;
      }
      throw new ConfigurationException(name + "='" + redacted(value) + "' is not an http(s) URL; set it to the API "
          + "root, for example http://localhost:4000/v1 (LiteLLM) or http://localhost:11434/v1 (Ollama)");
    }

    /** {@code url} with its user-info and credential query values hidden, even if it does not parse. */
    static String redacted(String url) {
      return Redaction.url(url);
    }

    /** A whole number of seconds from 1 to a day, or {@code fallback} when unset. */
    private Duration seconds(String name, Duration fallback) {
      Integer value = integer(name, 1, 86_400, "seconds");
      return value == null ? fallback : Duration.ofSeconds(value);
    }

    private @Nullable Duration hours(String name) {
      String value = get(name);
      if (value == null) {
        return null;
      }
      BigDecimal hours;
      try {
        hours = new BigDecimal(value);
      } catch (NumberFormatException e) {
        throw new ConfigurationException(name + "='" + value + "' is not a number of hours; use for example 3 or 0.5");
      }
      if (hours.signum() <= 0 || hours.compareTo(BigDecimal.valueOf(24L * 365)) > 0) {
        throw new ConfigurationException(name + "='" + value + "' must be more than 0 and at most 8760 hours");
      }
      long millis = hours.multiply(BigDecimal.valueOf(3_600_000L)).longValue();
      return Duration.ofMillis(Math.max(1, millis));
    }

    private @Nullable Integer integer(String name, int min, int max, String unit) {
      String value = get(name);
      if (value == null) {
        return null;
      }
      int parsed;
      try {
        parsed = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new ConfigurationException(name + "='" + value + "' is not a whole number of " + unit);
      }
      if (parsed < min || parsed > max) {
        throw new ConfigurationException(name + "=" + parsed + " is out of range: use " + min + " to " + max + " " + unit);
      }
      return parsed;
    }

    private @Nullable String redisUrl() {
      String value = get(REDIS_URL);
      if (value == null) {
        return null;
      }
      String scheme = value.contains("://") ? value.substring(0, value.indexOf("://")).toLowerCase(Locale.ROOT) : "";
      if (!List.of("redis", "rediss", "redis-sentinel").contains(scheme)) {
        // The value is not echoed: it may hold a password.
        throw new ConfigurationException(REDIS_URL + " is not a Redis URL (scheme '" + scheme + "'); use "
            + "redis://[user:password@]host:6379[/db], rediss://... (TLS) or redis-sentinel://host:26379#master");
      }
      return value;
    }
  }
}
