package dev.zen.mcp;

import dev.zen.ModelNotFoundException;
import dev.zen.ZenExecutors;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.agent.ZenAgent;
import dev.zen.agent.ZenAgentOptions;
import dev.zen.gateway.GatewayResilience;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.langchain4j.OpenAiCompatibleGateway;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.ModelGateway;
import dev.zen.fake.openai.FakeOpenAiServer;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
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
  private static final String REDIS_STORE = "dev.zen.checkpoint.redis.RedisCheckpointStore";
  private static final String REDIS_OPTIONS = "dev.zen.checkpoint.redis.RedisCheckpointStoreOptions";

  private final Deque<AutoCloseable> owned;
  private boolean closed;
  private final ZenAgent agent;
  private final String endpointDescription;
  private final String storeDescription;

  private ZenRuntime(ServerConfig config, Deque<AutoCloseable> owned) {
    this.owned = owned;
    // Blocking model calls get their own executor: sharing the agent's would let, on JDK 17's
    // bounded pool, running graphs take every thread their model calls need.
    ExecutorService gatewayExecutor = ownExecutor(ZenExecutors.newRuntimeExecutor("zen-gateway"));
    CompletableFuture<ModelGateway> building = CompletableFuture.supplyAsync(() -> httpGateway(config, gatewayExecutor),
        gatewayExecutor);
    building.whenComplete((gateway, failure) -> {
      if (failure != null) {
        LOG.error("the model gateway could not be started; tool calls will fail", failure);
      }
    });
    ModelGateway gateway = GatewayResilience.builder().maxConcurrentCalls(config.maxConcurrentCalls()).build()
        .applyTo(new DeferredGateway(building));
    if (config.demo()) {
      endpointDescription = "demo endpoint on loopback (replies after " + config.demoLatency().toMillis() + " ms)";
    } else {
      ServerConfig.Endpoint endpoint = config.endpoint().orElseThrow();
      endpointDescription = endpoint.baseUrl() + " (from " + endpoint.source() + ")";
      config.ignoredProviders().forEach(name -> LOG.warn("{} is set but ignored: {} takes precedence", name,
          endpoint.source()));
    }
    ModelRegistry models = registry(config);
    CheckpointStore store = own(store(config));
    ExecutorService agentExecutor = ownExecutor(ZenExecutors.newRuntimeExecutor("zen-agent"));
    this.storeDescription = store.getClass().getSimpleName();
    this.agent = own(ZenAgent.builder()
        .gateway(gateway)
        .models(models)
        .checkpointStore(store)
        .options(config.agentOptions())
        .executor(agentExecutor)
        .build());
  }

  /** Runs on the gateway executor while the MCP session starts (see {@link DeferredGateway}). */
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
    return own(OpenAiCompatibleGateway.builder(baseUrl).apiKey(apiKey).executor(executor).build());
  }

  /**
   * Starts the backends. On failure whatever was started is closed again.
   *
   * @throws ConfigurationException when the configuration cannot work (unknown default model,
   *     REDIS_URL without the Redis module)
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

  private static CheckpointStore store(ServerConfig config) {
    Duration ttl = config.agentOptions().conversationTimeout();
    String redisUrl = config.redisUrl().orElse(null);
    if (redisUrl == null) {
      return MemoryCheckpointStore.builder().idleTtl(ttl).build();
    }
    CheckpointStore redis = redisStore(redisUrl, ttl);
    if (redis == null) {
      LOG.warn("{} is set but zen-checkpoint-redis is not on the class path; conversations stay in memory "
          + "and are lost on restart", ServerConfig.REDIS_URL);
      return MemoryCheckpointStore.builder().idleTtl(ttl).build();
    }
    return redis;
  }

  /**
   * The Redis store, found by name: the Redis module is an optional dependency, so an embedder
   * without it (and without Lettuce and Netty) still runs this class. Null when it is absent.
   */
  private static @Nullable CheckpointStore redisStore(String url, Duration ttl) {
    Class<?> storeClass;
    Class<?> optionsClass;
    try {
      storeClass = Class.forName(REDIS_STORE);
      optionsClass = Class.forName(REDIS_OPTIONS);
    } catch (ClassNotFoundException e) {
      return null;
    }
    try {
      Object options = optionsClass.getMethod("builder").invoke(null);
      options = options.getClass().getMethod("ttl", Duration.class).invoke(options, ttl);
      options = options.getClass().getMethod("build").invoke(options);
      Object builder = storeClass.getMethod("builder", String.class).invoke(null, url);
      builder = builder.getClass().getMethod("options", optionsClass).invoke(builder, options);
      return (CheckpointStore) builder.getClass().getMethod("build").invoke(builder);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      // The URL is not repeated: it may hold a password.
      throw new ConfigurationException(ServerConfig.REDIS_URL + " was refused by the Redis store: "
          + cause.getMessage(), cause);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("zen-checkpoint-redis on the class path does not match this server's "
          + "version; use the same Zen version for both", e);
    }
  }

  /** Also called from the gateway's start-up thread; after close() a resource is closed at once. */
  private <T extends AutoCloseable> T own(T resource) {
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
