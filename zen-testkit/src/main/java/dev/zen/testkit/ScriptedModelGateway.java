package dev.zen.testkit;

import dev.zen.ModelNotFoundException;
import dev.zen.ZenExecutors;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelGateway} for unit tests of agents: canned replies chosen by model and prompt,
 * per-model latency (on a timer, no sleeping threads), scripted failures, and a record of every
 * request. Streaming splits the reply into word chunks. Cancelling a pending call cancels its
 * timer and is recorded.
 *
 * <pre>{@code
 * ScriptedModelGateway gateway = ScriptedModelGateway.builder()
 *     .reply("gpt-5", "(?i)capital of france", "Paris")
 *     .defaultReply(request -> "I don't know")
 *     .latency("gpt-5", Duration.ofMillis(50))
 *     .build();
 * gateway.failNext("gpt-5", 2, () -> new RateLimitedException("slow down", null, null));
 * }</pre>
 *
 * <p>For tests over real HTTP use {@link dev.zen.fake.openai.FakeOpenAiServer} instead.
 */
public final class ScriptedModelGateway implements ModelGateway {
  private final List<Rule> rules;
  private final @Nullable Function<ChatRequest, String> defaultReply;
  private final Map<String, Duration> latencies;
  private final Set<String> models;
  private final Map<String, Deque<Supplier<? extends Throwable>>> failures = new LinkedHashMap<>();
  private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  private final List<ChatRequest> cancelled = new CopyOnWriteArrayList<>();

  private ScriptedModelGateway(Builder builder) {
    this.rules = List.copyOf(builder.rules);
    this.defaultReply = builder.defaultReply;
    this.latencies = Map.copyOf(builder.latencies);
    this.models = Set.copyOf(builder.models);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Makes the next {@code times} calls to {@code model} ("*" for any) fail with {@code failure}. */
  public synchronized ScriptedModelGateway failNext(String model, int times, Supplier<? extends Throwable> failure) {
    Deque<Supplier<? extends Throwable>> queue = failures.computeIfAbsent(model, k -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(failure);
    }
    return this;
  }

  /** Every request received, in arrival order. */
  public List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /** Requests whose future was cancelled before the reply was due. */
  public List<ChatRequest> cancelledRequests() {
    return List.copyOf(cancelled);
  }

  @Override
  public CompletableFuture<ChatReply> complete(ChatRequest request) {
    return answer(request, null);
  }

  @Override
  public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
    return answer(request, Objects.requireNonNull(onChunk, "onChunk"));
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models() {
    Set<String> names = new LinkedHashSet<>(models);
    rules.forEach(rule -> {
      if (!rule.model().equals("*")) {
        names.add(rule.model());
      }
    });
    return CompletableFuture.completedFuture(names.stream().map(ModelInfo::new).toList());
  }

  private CompletableFuture<ChatReply> answer(ChatRequest request, @Nullable Consumer<ChatChunk> onChunk) {
    requests.add(request);
    long started = System.nanoTime();
    CompletableFuture<ChatReply> reply = new CompletableFuture<>();
    Duration latency = latencies.getOrDefault(request.model(), latencies.getOrDefault("*", Duration.ZERO));
    Runnable deliver = () -> {
      try {
        Throwable failure = nextFailure(request.model());
        if (failure != null) {
          reply.completeExceptionally(failure);
          return;
        }
        String text = replyFor(request);
        if (onChunk != null) {
          int index = 0;
          for (String piece : text.split("(?<= )")) {
            onChunk.accept(new ChatChunk(index++, piece));
          }
        }
        long input = request.messages().stream().mapToLong(m -> m.text().length() / 4 + 1).sum();
        reply.complete(new ChatReply(request.model(), text, new TokenUsage(input, text.length() / 4 + 1),
            Duration.ofNanos(System.nanoTime() - started), "stop"));
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      }
    };
    if (latency.isZero()) {
      deliver.run();
    } else {
      ScheduledFuture<?> timer = ZenExecutors.scheduler().schedule(
          () -> ZenExecutors.defaultRuntime().execute(deliver), latency.toNanos(), TimeUnit.NANOSECONDS);
      reply.whenComplete((ignored, error) -> {
        if (reply.isCancelled()) {
          timer.cancel(false);
          cancelled.add(request);
        }
      });
    }
    return reply;
  }

  private synchronized @Nullable Throwable nextFailure(String model) {
    for (String key : List.of(model, "*")) {
      Deque<Supplier<? extends Throwable>> queue = failures.get(key);
      if (queue != null && !queue.isEmpty()) {
        return queue.poll().get();
      }
    }
    return null;
  }

  private String replyFor(ChatRequest request) {
    String prompt = request.lastUserText();
    for (Rule rule : rules) {
      if ((rule.model().equals("*") || rule.model().equalsIgnoreCase(request.model())) && rule.prompt().matcher(prompt).find()) {
        return rule.reply().apply(request);
      }
    }
    if (defaultReply != null) {
      return defaultReply.apply(request);
    }
    List<String> known = new ArrayList<>();
    models().join().forEach(info -> known.add(info.id()));
    throw new ModelNotFoundException("the scripted gateway has no reply for model '" + request.model() + "' and prompt '"
        + abbreviate(prompt) + "'; add a rule or a defaultReply", request.model(), known, null);
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private record Rule(String model, Pattern prompt, Function<ChatRequest, String> reply) {}

  /** Builds a {@link ScriptedModelGateway}; rules are tried in the order they were added. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private @Nullable Function<ChatRequest, String> defaultReply;
    private final Map<String, Duration> latencies = new LinkedHashMap<>();
    private final Set<String> models = new LinkedHashSet<>();

    private Builder() {}

    /** Answers {@code reply} when the model matches ("*" for any) and the last user message matches the regex. */
    public Builder reply(String model, String promptRegex, String reply) {
      Objects.requireNonNull(reply, "reply");
      return reply(model, promptRegex, request -> reply);
    }

    /** Answers with a function of the request when model and prompt match. */
    public Builder reply(String model, String promptRegex, Function<ChatRequest, String> reply) {
      rules.add(new Rule(Objects.requireNonNull(model, "model"), Pattern.compile(promptRegex), Objects.requireNonNull(reply, "reply")));
      return this;
    }

    /** The reply when no rule matches; without one an unmatched request fails. */
    public Builder defaultReply(Function<ChatRequest, String> reply) {
      this.defaultReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /** How long {@code model} ("*" for any) takes to answer. */
    public Builder latency(String model, Duration latency) {
      Objects.requireNonNull(latency, "latency");
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must be >= 0, was " + latency);
      }
      latencies.put(Objects.requireNonNull(model, "model"), latency);
      return this;
    }

    /** Models listed by {@link #models()} besides those named in rules. */
    public Builder models(String... names) {
      models.addAll(List.of(names));
      return this;
    }

    public ScriptedModelGateway build() {
      return new ScriptedModelGateway(this);
    }
  }
}
