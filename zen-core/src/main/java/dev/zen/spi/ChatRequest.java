package dev.zen.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A request to a chat model. Build one with {@link #builder(String)}; instances are immutable and
 * {@link #toBuilder()} derives a changed copy (interceptors use it to adjust a request).
 */
public final class ChatRequest {
  private final String model;
  private final List<ChatMessage> messages;
  private final @Nullable Double temperature;
  private final @Nullable Integer maxOutputTokens;
  private final @Nullable String reasoningEffort;
  private final @Nullable Integer thinkingBudgetTokens;

  /** The reasoning efforts gateways understand (OpenAI's {@code reasoning_effort}). */
  public static final List<String> REASONING_EFFORTS = List.of("minimal", "low", "medium", "high");

  private ChatRequest(Builder builder) {
    this.model = builder.model;
    this.messages = List.copyOf(builder.messages);
    this.temperature = builder.temperature;
    this.maxOutputTokens = builder.maxOutputTokens;
    this.reasoningEffort = builder.reasoningEffort;
    this.thinkingBudgetTokens = builder.thinkingBudgetTokens;
  }

  /** Starts a request to the named model (as the gateway knows it). */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /** A one-message request: the user's prompt to the named model. */
  public static ChatRequest of(String model, String userPrompt) {
    return builder(model).addMessage(ChatMessage.user(userPrompt)).build();
  }

  public String model() {
    return model;
  }

  public List<ChatMessage> messages() {
    return messages;
  }

  /** The sampling temperature, when set; the provider's default otherwise. */
  public Optional<Double> temperature() {
    return Optional.ofNullable(temperature);
  }

  /** The cap on generated tokens, when set; the provider's default otherwise. */
  public Optional<Integer> maxOutputTokens() {
    return Optional.ofNullable(maxOutputTokens);
  }

  /** How hard a reasoning model should think ({@link #REASONING_EFFORTS}), when set. */
  public Optional<String> reasoningEffort() {
    return Optional.ofNullable(reasoningEffort);
  }

  /** The thinking tokens a model with a thinking budget may spend, when set. */
  public Optional<Integer> thinkingBudgetTokens() {
    return Optional.ofNullable(thinkingBudgetTokens);
  }

  /** The text of the last user message, or the empty string (handy for routing and logs). */
  public String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == ChatMessage.Role.USER) {
        return messages.get(i).text();
      }
    }
    return "";
  }

  public Builder toBuilder() {
    Builder builder = new Builder(model);
    builder.messages.addAll(messages);
    builder.temperature = temperature;
    builder.maxOutputTokens = maxOutputTokens;
    builder.reasoningEffort = reasoningEffort;
    builder.thinkingBudgetTokens = thinkingBudgetTokens;
    return builder;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChatRequest other
        && model.equals(other.model)
        && messages.equals(other.messages)
        && Objects.equals(temperature, other.temperature)
        && Objects.equals(maxOutputTokens, other.maxOutputTokens)
        && Objects.equals(reasoningEffort, other.reasoningEffort)
        && Objects.equals(thinkingBudgetTokens, other.thinkingBudgetTokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, messages, temperature, maxOutputTokens, reasoningEffort, thinkingBudgetTokens);
  }

  @Override
  public String toString() {
    return "ChatRequest[model=" + model + ", messages=" + messages.size()
        + (temperature == null ? "" : ", temperature=" + temperature)
        + (maxOutputTokens == null ? "" : ", maxOutputTokens=" + maxOutputTokens)
        + (reasoningEffort == null ? "" : ", reasoningEffort=" + reasoningEffort)
        + (thinkingBudgetTokens == null ? "" : ", thinkingBudgetTokens=" + thinkingBudgetTokens) + "]";
  }

  /** Builds a {@link ChatRequest}; setters validate their argument at once. */
  public static final class Builder {
    private String model;
    private final List<ChatMessage> messages = new ArrayList<>();
    private @Nullable Double temperature;
    private @Nullable Integer maxOutputTokens;
    private @Nullable String reasoningEffort;
    private @Nullable Integer thinkingBudgetTokens;

    private Builder(String model) {
      this.model = requireModel(model);
    }

    public Builder model(String model) {
      this.model = requireModel(model);
      return this;
    }

    public Builder addMessage(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    public Builder messages(List<ChatMessage> messages) {
      this.messages.clear();
      messages.forEach(this::addMessage);
      return this;
    }

    /** Sampling temperature in [0, 2]; {@code null} leaves the provider's default. */
    public Builder temperature(@Nullable Double temperature) {
      if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
        throw new IllegalArgumentException("temperature must be within [0, 2], was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /** Cap on generated tokens (> 0); {@code null} leaves the provider's default. */
    public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
      if (maxOutputTokens != null && maxOutputTokens <= 0) {
        throw new IllegalArgumentException("maxOutputTokens must be > 0, was " + maxOutputTokens);
      }
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /** One of {@link #REASONING_EFFORTS}, for reasoning models; {@code null} leaves the provider's default. */
    public Builder reasoningEffort(@Nullable String reasoningEffort) {
      if (reasoningEffort != null && !REASONING_EFFORTS.contains(reasoningEffort)) {
        throw new IllegalArgumentException("reasoningEffort must be one of " + REASONING_EFFORTS + ", was '"
            + reasoningEffort + "'");
      }
      this.reasoningEffort = reasoningEffort;
      return this;
    }

    /** Thinking tokens (> 0) for models that take a budget; {@code null} leaves the provider's default. */
    public Builder thinkingBudgetTokens(@Nullable Integer thinkingBudgetTokens) {
      if (thinkingBudgetTokens != null && thinkingBudgetTokens <= 0) {
        throw new IllegalArgumentException("thinkingBudgetTokens must be > 0, was " + thinkingBudgetTokens);
      }
      this.thinkingBudgetTokens = thinkingBudgetTokens;
      return this;
    }

    public ChatRequest build() {
      if (messages.isEmpty()) {
        throw new IllegalStateException("a chat request needs at least one message");
      }
      return new ChatRequest(this);
    }

    private static String requireModel(String model) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      return model;
    }
  }
}
