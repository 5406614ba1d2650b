package dev.zen.gateway;

import dev.zen.internal.Checks;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.GatewayInterceptor;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import dev.zen.spi.ModelInfo;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Retry, timeout and concurrency-limit options for model calls, and the interceptor that applies
 * them (on Failsafe). Immutable; build one with {@link #builder()} or take {@link #defaults()}.
 *
 * <ul>
 *   <li><b>Timeout</b> per attempt ({@link #timeout()}): an attempt still running is cancelled,
 *       which aborts its HTTP exchange, and counts as a retriable
 *       {@link dev.zen.OperationTimeoutException}.
 *   <li><b>Deadline</b> per call ({@link #deadline()}): the whole call, every attempt, back-off and
 *       wait for a permit included, ends by then; what is still running is cancelled and the call
 *       fails with an {@link dev.zen.OperationTimeoutException}. No retry is started that could
 *       not begin before it.
 *   <li><b>Retries</b> ({@link #maxRetries()}) for failures that a later attempt may not have:
 *       {@link dev.zen.RetriableException}s (timeouts, HTTP 5xx, refused or broken connections,
 *       rate limits). Authentication, invalid requests, context-length and unknown-model failures
 *       are never retried. The wait grows exponentially from {@link #initialBackoff()} up to
 *       {@link #maxBackoff()}, spread by &plusmn;{@link #jitter()}; a rate limit that says how long
 *       to wait ({@code Retry-After}) is waited at least that long, or not retried when it asks for
 *       more than {@link #maxRetryAfter()}. A streamed call that already delivered chunks is never
 *       retried (its listener would see the answer twice), nor is a call the endpoint answered
 *       with a body it could read ({@link AnsweredFailure}: an error inside a 200 answer, an
 *       empty or filtered answer), which it may have charged for.
 *   <li><b>Concurrency limit</b> (bulkhead): at most {@link #maxConcurrentCalls()} attempts of one
 *       gateway run at once; others wait up to {@link #maxWaitForPermit()} without holding a thread,
 *       then fail with a {@link dev.zen.ServiceUnavailableException}. A retry waits for a new
 *       permit, so a call backing off does not hold one.
 * </ul>
 *
 * <p>Threads: the first attempt starts on the caller's thread (a gateway never blocks it); an
 * attempt that waited for a back-off or a free slot starts on the runtime executor
 * ({@link dev.zen.ZenExecutors#defaultRuntime()}). The shared timer
 * ({@link dev.zen.ZenExecutors#scheduler()}) only measures the waits and the timeout and hands
 * the work on. Nothing blocks. Every attempt starts with the caller's trace context current
 * (OpenTelemetry's, when opentelemetry-context is on the class path), so the spans a gateway makes
 * are children of the caller's span whichever thread the attempt started on. Cancelling the
 * future of a call cancels its attempt in flight, a pending retry or its wait for a permit.
 *
 * <p>Messages name the setting that would fix a failure as {@link #settingNames()} says: the
 * builder methods by default, an application's own names (its environment variables) when it
 * sets them.
 *
 * <pre>{@code
 * GatewayResilience resilience = GatewayResilience.builder()
 *     .timeout(Duration.ofMinutes(2))
 *     .maxRetries(3)
 *     .maxConcurrentCalls(8)
 *     .build();
 * ModelGateway gateway = resilience.applyTo(OpenAiCompatibleGateway.builder(url).apiKey(key).build());
 * }</pre>
 */
public final class GatewayResilience {
  /**
   * Default time one attempt may take: reasoning models can think for minutes before they answer
   * (the HTTP gateway's own first-byte and idle timeouts catch an endpoint that stalls sooner).
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  /**
   * Default time a whole call may take, all attempts and waits included: one slow attempt and a
   * retry, not the four times the attempt timeout a hanging endpoint would otherwise cost.
   */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(15);
  /** Default number of retries after the first attempt. */
  public static final int DEFAULT_MAX_RETRIES = 3;
  /** Default wait before the first retry. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  /** Default cap on the wait between attempts. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** Default spread of backoff waits, as a fraction of the wait. */
  public static final double DEFAULT_JITTER = 0.2;
  /** Default longest {@code Retry-After} that is waited for rather than reported. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
  /** Default number of attempts one gateway runs at once. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 32;
  /** Default time a call waits for a free slot before it fails. */
  public static final Duration DEFAULT_MAX_WAIT_FOR_PERMIT = Duration.ofSeconds(60);

  private static final GatewayResilience DEFAULTS = builder().build();

  private final Duration timeout;
  private final Duration deadline;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration maxRetryAfter;
  private final int maxConcurrentCalls;
  private final Duration maxWaitForPermit;
  private final SettingNames settingNames;
  private final GatewayTracing tracing;

  private GatewayResilience(Builder builder) {
    this.timeout = builder.timeout;
    this.deadline = builder.deadline;
    this.maxRetries = builder.maxRetries;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.jitter = builder.jitter;
    this.maxRetryAfter = builder.maxRetryAfter;
    this.maxConcurrentCalls = builder.maxConcurrentCalls;
    this.maxWaitForPermit = builder.maxWaitForPermit;
    this.settingNames = builder.settingNames;
    this.tracing = builder.tracing;
  }

  /** The documented defaults. */
  public static GatewayResilience defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.timeout = timeout;
    builder.deadline = deadline;
    builder.maxRetries = maxRetries;
    builder.initialBackoff = initialBackoff;
    builder.maxBackoff = maxBackoff;
    builder.jitter = jitter;
    builder.maxRetryAfter = maxRetryAfter;
    builder.maxConcurrentCalls = maxConcurrentCalls;
    builder.maxWaitForPermit = maxWaitForPermit;
    builder.settingNames = settingNames;
    builder.tracing = tracing;
    return builder;
  }

  /**
   * A new interceptor applying these options, with its own concurrency limit: use one per gateway
   * (two gateways sharing one interceptor share its limit).
   *
   * <p>It can only tell whether a streamed call already delivered chunks when the call's listener
   * was installed by {@link #applyTo}; in a chain assembled by hand it therefore never retries
   * streamed calls. Prefer {@link #applyTo}.
   */
  public GatewayInterceptor interceptor() {
    return new ResilienceInterceptor(this);
  }

  /**
   * Wraps {@code gateway} with a new {@link #interceptor()}; {@code models()} and {@code close()}
   * go straight to {@code gateway}.
   */
  public ModelGateway applyTo(ModelGateway gateway) {
    return new ResilientGateway(ModelGateways.intercepted(gateway, List.of(interceptor())));
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration deadline() {
    return deadline;
  }

  /** How failure messages name the settings that would fix them. */
  public SettingNames settingNames() {
    return settingNames;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double jitter() {
    return jitter;
  }

  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /** Where calls waiting for a slot are counted ({@code zen.gen_ai.client.waiting}). */
  public GatewayTracing tracing() {
    return tracing;
  }

  public Duration maxWaitForPermit() {
    return maxWaitForPermit;
  }

  @Override
  public String toString() {
    return "GatewayResilience[timeout=" + timeout + ", deadline=" + deadline + ", maxRetries=" + maxRetries
        + ", backoff=" + initialBackoff
        + ".." + maxBackoff + ", jitter=" + jitter + ", maxRetryAfter=" + maxRetryAfter + ", maxConcurrentCalls="
        + maxConcurrentCalls + ", maxWaitForPermit=" + maxWaitForPermit + "]";
  }

  /** Counts the chunks a streamed call delivered, so the retry can tell whether it may repeat it. */
  static final class ChunkTracker implements Consumer<ChatChunk> {
    private final Consumer<ChatChunk> delegate;
    private volatile boolean deliveredAny;

    ChunkTracker(Consumer<ChatChunk> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void accept(ChatChunk chunk) {
      deliveredAny = true;
      delegate.accept(chunk);
    }

    boolean deliveredAny() {
      return deliveredAny;
    }
  }

  private static final class ResilientGateway implements ModelGateway {
    private final ModelGateway chain;

    ResilientGateway(ModelGateway chain) {
      this.chain = chain;
    }

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      return chain.complete(request);
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      return chain.stream(request, new ChunkTracker(Objects.requireNonNull(onChunk, "onChunk")));
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return chain.models();
    }

    @Override
    public void close() {
      chain.close();
    }
  }

  /** Builds {@link GatewayResilience}; every setter validates its argument at once. */
  public static final class Builder {
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration deadline = DEFAULT_DEADLINE;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double jitter = DEFAULT_JITTER;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
    private Duration maxWaitForPermit = DEFAULT_MAX_WAIT_FOR_PERMIT;
    private SettingNames settingNames = SettingNames.builderMethods();
    private GatewayTracing tracing = GatewayTracing.automatic();

    private Builder() {}

    /** Time one attempt may take (> 0); default {@link #DEFAULT_TIMEOUT}. */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.requirePositive(timeout, "timeout");
      return this;
    }

    /**
     * Time a whole call may take (> 0), every attempt, back-off and wait for a permit included;
     * default {@link #DEFAULT_DEADLINE}. A deadline shorter than {@link #timeout(Duration)} also
     * bounds the first attempt.
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Checks.requirePositive(deadline, "deadline");
      return this;
    }

    /**
     * How failure messages name the settings that would fix them; default
     * {@link SettingNames#builderMethods()}. An application that reads its settings from the
     * environment passes its variable names here.
     */
    public Builder settingNames(SettingNames settingNames) {
      this.settingNames = Objects.requireNonNull(settingNames, "settingNames");
      return this;
    }

    /** Retries after the first attempt (>= 0; 0 turns retrying off); default {@value #DEFAULT_MAX_RETRIES}. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Wait before the first retry and the cap the doubling waits grow to ({@code 0 < initial <= max});
     * defaults {@link #DEFAULT_INITIAL_BACKOFF} and {@link #DEFAULT_MAX_BACKOFF}.
     */
    public Builder backoff(Duration initial, Duration max) {
      Checks.requirePositive(initial, "initial backoff");
      Checks.requirePositive(max, "max backoff");
      if (initial.compareTo(max) > 0) {
        throw new IllegalArgumentException("initial backoff " + initial + " must not exceed max backoff " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** Spread of each backoff wait as a fraction in [0, 1); default {@value #DEFAULT_JITTER}. */
    public Builder jitter(double jitter) {
      if (Double.isNaN(jitter) || jitter < 0 || jitter >= 1) {
        throw new IllegalArgumentException("jitter must be within [0, 1), was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * Longest {@code Retry-After} to wait for (>= 0); a rate limit asking for more is reported at
     * once. Default {@link #DEFAULT_MAX_RETRY_AFTER}.
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
      if (maxRetryAfter.isNegative()) {
        throw new IllegalArgumentException("maxRetryAfter must be >= 0, was " + maxRetryAfter);
      }
      this.maxRetryAfter = maxRetryAfter;
      return this;
    }

    /** Attempts one gateway runs at once (>= 1); default {@value #DEFAULT_MAX_CONCURRENT_CALLS}. */
    public Builder maxConcurrentCalls(int maxConcurrentCalls) {
      this.maxConcurrentCalls = Checks.requirePositive(maxConcurrentCalls, "maxConcurrentCalls");
      return this;
    }

    /** How long a call waits for a free slot (>= 0); default {@link #DEFAULT_MAX_WAIT_FOR_PERMIT}. */
    public Builder maxWaitForPermit(Duration maxWaitForPermit) {
      Objects.requireNonNull(maxWaitForPermit, "maxWaitForPermit");
      if (maxWaitForPermit.isNegative()) {
        throw new IllegalArgumentException("maxWaitForPermit must be >= 0, was " + maxWaitForPermit);
      }
      this.maxWaitForPermit = maxWaitForPermit;
      return this;
    }

    /**
     * Where the calls waiting for one of the {@link #maxConcurrentCalls} slots are counted, as the
     * up-down counter {@code zen.gen_ai.client.waiting} per {@code gen_ai.request.model} (a call
     * backing off before a retry is not waiting for a slot; its retry is, until it gets one).
     * Default {@link GatewayTracing#automatic()}: OpenTelemetry's global instance when one is
     * registered; {@link GatewayTracing#none()} counts nothing.
     */
    public Builder tracing(GatewayTracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    public GatewayResilience build() {
      return new GatewayResilience(this);
    }
  }
}
