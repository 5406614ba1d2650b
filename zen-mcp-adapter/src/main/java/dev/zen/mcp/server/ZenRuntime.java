package dev.zen.mcp.server;

import dev.zen.ModelNotFoundException;
import dev.zen.ZenExecutors;
import dev.zen.agent.ZenAgent;
import dev.zen.agent.clink.CliClients;
import dev.zen.executor.ssh.SshExecutor;
import dev.zen.graph.CommandTracing;
import dev.zen.executor.ssh.SshOptions;
import dev.zen.spi.RemoteExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import dev.zen.agent.ZenAgentOptions;
import dev.zen.gateway.GatewayResilience;
import dev.zen.graph.CheckpointTracing;
import dev.zen.gateway.GatewayTracing;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.SettingNames;
import dev.zen.gateway.langchain4j.OpenAiCompatibleGateway;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.CheckpointStoreProvider;
import dev.zen.spi.CheckpointStoreSettings;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import java.net.URI;
import java.util.List;
import dev.zen.fake.openai.FakeOpenAiServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind the protocol: the model endpoint (or the demo's fake one), the gateway with
 * its resilience, the checkpoint store, the executors and the agent. Owns all of them and closes
 * them in reverse order of creation.
 */
final class ZenRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZenRuntime.class);
  /** The store when REDIS_URL is unset (zen-checkpoint-memory's provider). */
  static final String MEMORY_URL = "memory:";

  private final Deque<AutoCloseable> owned;
  private boolean closed;
  private final ZenAgent agent;
  private final String endpointDescription;
  private final String storeDescription;
  private final CheckpointStore store;
  private final DeferredGateway deferredGateway;

  private ZenRuntime(ServerConfig config, Deque<AutoCloseable> owned) {
    this.owned = owned;
    // Before anything that makes spans, and closed last so it flushes them (a no-op without OTEL_*).
    own(Telemetry.start(config.openTelemetry(), ZenMcpServer.version()));
    // First: a store module that is missing or refuses the URL stops the server before anything starts.
    CheckpointStore plain = store(config);
    // Spans for reads and writes inside a call's trace, and their latency; a pass-through without OTEL_*.
    CheckpointStore store = own(CheckpointTracing.automatic().applyTo(plain));
    this.store = store;
    // Blocking model calls get their own executor: sharing the agent's would let, on JDK 17's
    // bounded pool, running graphs take every thread their model calls need.
    ExecutorService gatewayExecutor = ownExecutor(ZenExecutors.newRuntimeExecutor("zen-gateway"));
    // Built when the first model call needs it, not while the client waits for initialize.
    this.deferredGateway = DeferredGateway.onFirstUse(() -> {
      CompletableFuture<ModelGateway> building = CompletableFuture.supplyAsync(() -> httpGateway(config,
          gatewayExecutor), gatewayExecutor);
      building.whenComplete((gateway, failure) -> {
        if (failure != null) {
          LOG.error("the model gateway could not be started; tool calls will fail", failure);
        }
      });
      return building;
    });
    ServerConfig.ModelTimeouts timeouts = config.modelTimeouts();
    // One attempt may use the whole call's time: a slow reasoning model is not cut to retry it.
    ModelGateway gateway = GatewayResilience.builder()
        .maxConcurrentCalls(config.maxConcurrentCalls())
        .timeout(timeouts.call())
        .deadline(timeouts.call())
        .settingNames(settingNames(config))
        .build()
        .applyTo(ModelGateways.intercepted(deferredGateway, List.of(tracing(config).interceptor())));
    if (config.demo()) {
      endpointDescription = "demo endpoint on loopback (replies after " + config.demoLatency().toMillis() + " ms)";
    } else {
      ServerConfig.Endpoint endpoint = config.endpoint().orElseThrow();
      endpointDescription = endpoint.baseUrl() + " (from " + endpoint.source() + ")";
      config.ignoredProviders().forEach(name -> LOG.warn("{} is set but ignored: {} takes precedence", name,
          endpoint.source()));
    }
    ModelRegistry models = registry(config);
    ExecutorService agentExecutor = ownExecutor(ZenExecutors.newRuntimeExecutor("zen-agent"));
    this.storeDescription = plain.getClass().getSimpleName();
    CliClients cliClients = cliClients(config);
    this.agent = own(ZenAgent.builder()
        .gateway(gateway)
        .models(models)
        .checkpointStore(store)
        .options(config.agentOptions())
        .executor(agentExecutor)
        .cliClients(cliClients)
        .remoteExecutor(CommandTracing.automatic().applyTo(RemoteExecutor.local(agentExecutor)))
        .remoteHosts(traced(sshHosts(config)))
        .build());
  }

  /**
   * GenAI spans and metrics for each model attempt (inside the resilience, so a retry is its own
   * span), recorded to OpenTelemetry's global instance when one is registered; nothing otherwise.
   */
  private static GatewayTracing tracing(ServerConfig config) {
    GatewayTracing.Builder tracing = GatewayTracing.builder().captureContent(config.captureModelContent());
    String host = config.demo() ? "127.0.0.1"
        : config.endpoint().map(endpoint -> URI.create(endpoint.baseUrl()).getHost()).orElse(null);
    if (host != null) {
      tracing.serverAddress(host);
    }
    return tracing.build();
  }

  /** The demo's clink client: `cat` returns the prompt clink pipes to it, role instructions included. */
  private static final String DEMO_CLI = "{\"name\": \"demo\", \"command\": \"cat\", \"timeout_seconds\": 30}";

  /**
   * clink's clients (in --demo, the demo's echo client instead of the bundled ones): the bundled ones, then CLI_CLIENTS_CONFIG_PATH, then ~/.zen/cli_clients. A
   * definition that is not valid stops the server with the file and the reason.
   */
  private static CliClients cliClients(ServerConfig config) {
    // The demo has no AI CLIs installed: its one client echoes the prompt it gets, so clink answers too.
    CliClients.Builder clients = config.demo() ? CliClients.builder().define(DEMO_CLI, "--demo")
        : CliClients.builder().bundled();
    Path configured = config.cliClientsConfigPath().orElse(null);
    try {
      if (configured != null) {
        if (!Files.exists(configured)) {
          throw new ConfigurationException(ServerConfig.CLI_CLIENTS_CONFIG_PATH + ": " + configured + " does not exist");
        }
        clients.load(configured);
      }
      clients.load(Path.of(System.getProperty("user.home", "."), ".zen", "cli_clients"));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException((configured != null ? ServerConfig.CLI_CLIENTS_CONFIG_PATH + ": " : "")
          + e.getMessage(), e);
    }
    CliClients built = clients.build();
    LOG.info("clink clients: {}", built.names());
    return built;
  }

  /**
   * The SSH executor for clink clients that name a host, started on first use (most servers have
   * none) and closed with the runtime.
   */
  /** Each host's executor with a span per command (clink's CLIs), when OpenTelemetry records. */
  private static Function<String, RemoteExecutor> traced(Function<String, RemoteExecutor> hosts) {
    CommandTracing tracing = CommandTracing.automatic();
    return host -> tracing.applyTo(hosts.apply(host));
  }

  private Function<String, RemoteExecutor> sshHosts(ServerConfig config) {
    SshOptions.Builder options = SshOptions.builder();
    config.sshIdentity().ifPresent(options::identity);
    config.sshKnownHosts().ifPresent(options::knownHosts);
    config.sshAgentSocket().ifPresent(options::agent);
    SshOptions built = options.build();
    AtomicReference<@Nullable SshExecutor> started = new AtomicReference<>();
    return host -> {
      SshExecutor ssh = started.get();
      if (ssh == null) {
        synchronized (started) {
          ssh = started.get();
          if (ssh == null) {
            // own() closes it at once if the runtime is already closing.
            ssh = own(SshExecutor.create(built));
            started.set(ssh);
          }
        }
      }
      return ssh.forHost(host);
    };
  }

  /** Runs on the gateway executor when the first model call needs the gateway (see {@link DeferredGateway}). */
  private ModelGateway httpGateway(ServerConfig config, ExecutorService executor) {
    String baseUrl;
    String apiKey = null;
    if (config.demo()) {
      FakeOpenAiServer fake = own(FakeOpenAiServer.builder().latency(config.demoLatency()).start());
      baseUrl = fake.baseUrl();
      LOG.info("demo endpoint {} ready (replies after {} ms)", baseUrl, config.demoLatency().toMillis());
    } else {
      ServerConfig.Endpoint endpoint = config.endpoint().orElseThrow();
      baseUrl = endpoint.baseUrl();
      apiKey = endpoint.apiKey();
    }
    ServerConfig.ModelTimeouts timeouts = config.modelTimeouts();
    return own(OpenAiCompatibleGateway.builder(baseUrl).apiKey(apiKey).executor(executor)
        .connectTimeout(timeouts.connect())
        .firstByteTimeout(timeouts.firstByte())
        .idleTimeout(timeouts.idle())
        .settingNames(settingNames(config))
        .build());
  }

  /**
   * How the gateway's messages name what fixes them: this server's environment variables, not the
   * Java builders behind them. Settings the server does not expose are left out of the advice.
   */
  static SettingNames settingNames(ServerConfig config) {
    String keyVariable = config.endpoint().map(ServerConfig.Endpoint::source)
        .map(source -> source.equals(ServerConfig.CUSTOM_API_URL) ? ServerConfig.CUSTOM_API_KEY : source)
        .orElse(ServerConfig.CUSTOM_API_KEY);
    return SettingNames.builder()
        .name(SettingNames.Setting.BASE_URL, ServerConfig.CUSTOM_API_URL)
        .name(SettingNames.Setting.API_KEY, keyVariable)
        .name(SettingNames.Setting.CONNECT_TIMEOUT, ServerConfig.ZEN_CONNECT_TIMEOUT_SECONDS)
        .name(SettingNames.Setting.FIRST_BYTE_TIMEOUT, ServerConfig.ZEN_FIRST_BYTE_TIMEOUT_SECONDS)
        .name(SettingNames.Setting.IDLE_TIMEOUT, ServerConfig.ZEN_IDLE_TIMEOUT_SECONDS)
        .name(SettingNames.Setting.ATTEMPT_TIMEOUT, ServerConfig.ZEN_CALL_TIMEOUT_SECONDS)
        .name(SettingNames.Setting.CALL_DEADLINE, ServerConfig.ZEN_CALL_TIMEOUT_SECONDS)
        .name(SettingNames.Setting.MAX_CONCURRENT_CALLS, ServerConfig.ZEN_MAX_CONCURRENT_CALLS)
        .unavailable(SettingNames.Setting.SAME_ORIGIN_REDIRECTS)
        .unavailable(SettingNames.Setting.MAX_WAIT_FOR_PERMIT)
        .build();
  }

  /**
   * Starts the backends. On failure whatever was started is closed again.
   *
   * @throws ConfigurationException when the configuration cannot work (unknown default model,
   *     REDIS_URL without the Redis module or refused by it)
   */
  static ZenRuntime start(ServerConfig config) {
    Deque<AutoCloseable> owned = new ArrayDeque<>();
    try {
      return new ZenRuntime(config, owned);
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
  }

  ZenAgent agent() {
    return agent;
  }

  /** Whether the model gateway has been built or is being built (the first model call starts it). */
  boolean gatewayStarted() {
    return deferredGateway.started();
  }

  /**
   * Completes normally when the checkpoint store answers a read (HTTP's {@code /readyz}): an
   * instance whose Redis is unreachable should get no traffic.
   */
  CompletionStage<?> ready() {
    return store.latest("zen-readyz-probe");
  }

  String describe() {
    return "model endpoint " + endpointDescription + ", checkpoints in " + storeDescription;
  }

  /** The bundled catalogue, plus CUSTOM_MODEL_NAME; DEFAULT_MODEL must name one of them. */
  private static ModelRegistry registry(ServerConfig config) {
    ModelRegistry models = ModelRegistry.bundled();
    String custom = config.customModelName().orElse(null);
    if (custom != null && models.find(custom).isEmpty()) {
      models = ModelRegistry.builder().add(ModelSpec.listedByGateway(custom)).build();
    }
    String defaultModel = config.agentOptions().defaultModel();
    if (!defaultModel.equalsIgnoreCase(ZenAgentOptions.AUTO)) {
      try {
        models.resolve(defaultModel);
      } catch (ModelNotFoundException e) {
        throw new ConfigurationException(ServerConfig.DEFAULT_MODEL + ": " + e.getMessage()
            + " (a model only your endpoint knows can be named with " + ServerConfig.CUSTOM_MODEL_NAME + ")", e);
      }
    }
    return models;
  }

  /**
   * The checkpoint store for REDIS_URL's scheme, or for {@code memory:} when it is unset, from the
   * store modules on the class path ({@link ServiceLoader} with the context class loader). A
   * module that is missing is a configuration error naming it, never a silent fallback: a user
   * who set REDIS_URL expects conversations to survive a restart.
   */
  static CheckpointStore store(ServerConfig config) {
    Duration ttl = config.agentOptions().conversationTimeout();
    String redisUrl = config.redisUrl().orElse(null);
    String url = redisUrl == null ? MEMORY_URL : redisUrl;
    String scheme = url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT);
    CheckpointStoreProvider provider = provider(scheme);
    if (provider == null) {
      throw new ConfigurationException(redisUrl == null
          ? "no checkpoint store is on the class path: add zen-checkpoint-memory (conversations in memory), or "
              + "set " + ServerConfig.REDIS_URL + " and add zen-checkpoint-redis"
          : ServerConfig.REDIS_URL + " is set, but no checkpoint store for " + scheme + ":// URLs is on the class "
              + "path: add zen-checkpoint-redis to it (the runnable jar has it), or unset " + ServerConfig.REDIS_URL
              + " to keep conversations in memory");
    }
    CheckpointStoreSettings settings = CheckpointStoreSettings.builder().ttl(ttl).build();
    try {
      return provider.create(url, settings);
    } catch (IllegalArgumentException e) {
      // The URL is not repeated: it may hold a password.
      throw new ConfigurationException((redisUrl == null ? "the memory store" : ServerConfig.REDIS_URL)
          + " was refused by " + provider.name() + ": " + e.getMessage(), e);
    } catch (LinkageError e) {
      throw new ConfigurationException(provider.name() + " is on the class path without what it needs (" + e
          + "); add the module with its dependencies, as the runnable jar has them", e);
    }
  }

  private static @Nullable CheckpointStoreProvider provider(String scheme) {
    try {
      for (CheckpointStoreProvider provider : ServiceLoader.load(CheckpointStoreProvider.class)) {
        if (provider.schemes().contains(scheme)) {
          return provider;
        }
      }
      return null;
    } catch (ServiceConfigurationError | LinkageError e) {
      throw new ConfigurationException("a checkpoint store module on the class path cannot be loaded (" + e
          + "); use zen-checkpoint-* modules of this server's Zen version", e);
    }
  }

  /** Also called from the gateway's start-up thread; after close() a resource is closed at once. */
  <T extends AutoCloseable> T own(T resource) {
    boolean late;
    synchronized (owned) {
      late = closed;
      if (!late) {
        owned.push(resource);
      }
    }
    if (late) {
      closeQuietly(resource);
    }
    return resource;
  }

  private ExecutorService ownExecutor(ExecutorService executor) {
    own(executor::shutdownNow);
    return executor;
  }

  @Override
  public void close() {
    synchronized (owned) {
      closed = true;
    }
    closeAll(owned);
  }

  private static void closeAll(Deque<AutoCloseable> owned) {
    while (true) {
      AutoCloseable resource;
      synchronized (owned) {
        resource = owned.poll();
      }
      if (resource == null) {
        return;
      }
      closeQuietly(resource);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      LOG.debug("closing {} failed", resource, e);
    }
  }
}
