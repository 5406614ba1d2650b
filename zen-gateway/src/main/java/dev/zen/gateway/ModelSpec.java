package dev.zen.gateway;

import dev.zen.spi.TokenUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What Zen knows about one model: its names, limits and capabilities, from the bundled catalogue,
 * a user file, or (with conservative defaults) a gateway's model list.
 *
 * @param name the name sent to the gateway
 * @param aliases other names users may type (matched case-insensitively, like {@code name})
 * @param description one line for model listings
 * @param contextWindow tokens of prompt plus answer the model accepts
 * @param maxOutputTokens most tokens it generates in one answer
 * @param supportsTemperature whether it accepts a sampling temperature at all
 * @param fixedTemperature the only temperature it accepts (OpenAI's reasoning models accept 1), or
 *     {@code null} when any within [0, {@code maxTemperature}] is fine
 * @param maxTemperature highest temperature it accepts (Anthropic's models stop at 1)
 * @param supportsImages whether messages may carry images
 * @param supportsThinking whether it reasons before answering (extended thinking)
 * @param intelligenceScore relative answer quality, 1 (lowest) to 20; {@code auto} prefers higher
 * @param categories the tool categories it is a good default for
 * @param origin where this description came from
 */
public record ModelSpec(
    String name,
    List<String> aliases,
    String description,
    int contextWindow,
    int maxOutputTokens,
    boolean supportsTemperature,
    @Nullable Double fixedTemperature,
    double maxTemperature,
    boolean supportsImages,
    boolean supportsThinking,
    int intelligenceScore,
    Set<ToolCategory> categories,
    Origin origin,
    int maxThinkingTokens,
    double maxImageSizeMb,
    @Nullable Double inputPricePerMillion,
    @Nullable Double outputPricePerMillion) {

  /** Context window assumed for a model only a gateway's list names. */
  public static final int DEFAULT_CONTEXT_WINDOW = 32_768;
  /** Output cap assumed for a model only a gateway's list names. */
  public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4_096;
  /** Intelligence score assumed for a model only a gateway's list names. */
  public static final int DEFAULT_INTELLIGENCE_SCORE = 5;

  /** Where a model description came from. */
  public enum Origin {
    /** Zen's bundled catalogue. */
    BUNDLED,
    /** A catalogue file or spec the user added. */
    USER,
    /** Only a gateway's model list: capabilities are conservative guesses. */
    GATEWAY
  }

  public ModelSpec {
    requireName(name, "name");
    aliases = List.copyOf(aliases);
    aliases.forEach(alias -> requireName(alias, "alias"));
    Objects.requireNonNull(description, "description");
    if (contextWindow < 1) {
      throw new IllegalArgumentException(name + ": contextWindow must be >= 1, was " + contextWindow);
    }
    if (maxOutputTokens < 1 || maxOutputTokens > contextWindow) {
      throw new IllegalArgumentException(name + ": maxOutputTokens must be within [1, contextWindow="
          + contextWindow + "], was " + maxOutputTokens);
    }
    if (Double.isNaN(maxTemperature) || maxTemperature < 0 || maxTemperature > 2) {
      throw new IllegalArgumentException(name + ": maxTemperature must be within [0, 2], was " + maxTemperature);
    }
    if (fixedTemperature != null && (fixedTemperature.isNaN() || fixedTemperature < 0 || fixedTemperature > 2)) {
      throw new IllegalArgumentException(name + ": fixedTemperature must be within [0, 2], was " + fixedTemperature);
    }
    if (intelligenceScore < 1 || intelligenceScore > 20) {
      throw new IllegalArgumentException(name + ": intelligenceScore must be within [1, 20], was "
          + intelligenceScore);
    }
    categories = categories.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(categories));
    Objects.requireNonNull(origin, "origin");
    if (maxThinkingTokens < 0) {
      throw new IllegalArgumentException(name + ": maxThinkingTokens must be >= 0, was " + maxThinkingTokens);
    }
    if (Double.isNaN(maxImageSizeMb) || maxImageSizeMb < 0) {
      throw new IllegalArgumentException(name + ": maxImageSizeMb must be >= 0, was " + maxImageSizeMb);
    }
    for (Double price : new Double[] {inputPricePerMillion, outputPricePerMillion}) {
      if (price != null && (price.isNaN() || price < 0)) {
        throw new IllegalArgumentException(name + ": prices must be >= 0 (USD per million tokens), was " + price);
      }
    }
  }

  /**
   * What {@code usage} cost in USD at the catalogue's prices, when it gives both (list prices:
   * a gateway's own pricing, discounts and caching are not known here).
   */
  public Optional<Double> costOf(TokenUsage usage) {
    if (inputPricePerMillion == null || outputPricePerMillion == null) {
      return Optional.empty();
    }
    return Optional.of((usage.inputTokens() * inputPricePerMillion + usage.outputTokens() * outputPricePerMillion)
        / 1_000_000.0);
  }

  /** Images a request may carry, as the reference limits them. */
  public static final int MAX_IMAGES = 5;
  /** Image bytes a request may carry when the catalogue gives no limit for a vision model. */
  public static final double DEFAULT_MAX_IMAGE_SIZE_MB = 20;

  /**
   * How a request asks this model to think at a {@code thinking_mode} ({@code minimal} ..
   * {@code max}): a token budget (a share of {@link #maxThinkingTokens()}) when the catalogue gives
   * one, else a reasoning effort; nothing for a model that does not reason.
   */
  public Optional<Thinking> thinkingFor(String mode) {
    if (!supportsThinking) {
      return Optional.empty();
    }
    String level = mode.toLowerCase(Locale.ROOT);
    double share = switch (level) {
      case "minimal" -> 0.005;
      case "low" -> 0.08;
      case "medium" -> 0.33;
      case "high" -> 0.67;
      case "max" -> 1.0;
      default -> throw new IllegalArgumentException("thinking mode must be minimal, low, medium, high or max, was '"
          + mode + "'");
    };
    if (maxThinkingTokens > 0) {
      return Optional.of(new Thinking(null, Math.max(1, (int) Math.round(maxThinkingTokens * share))));
    }
    // OpenAI's efforts stop at high.
    return Optional.of(new Thinking(level.equals("max") ? "high" : level, null));
  }

  /** The image bytes a request to this model may carry (0 when it takes none). */
  public long maxImageBytes() {
    if (!supportsImages) {
      return 0;
    }
    double megabytes = maxImageSizeMb > 0 ? maxImageSizeMb : DEFAULT_MAX_IMAGE_SIZE_MB;
    return (long) (megabytes * 1024 * 1024);
  }

  /**
   * What to ask of a reasoning model: an effort ({@code minimal}, {@code low}, {@code medium},
   * {@code high}) or a budget of thinking tokens; exactly one is set.
   */
  public record Thinking(@Nullable String effort, @Nullable Integer budgetTokens) {}

  /** Starts a spec for {@code name}; unset fields take the conservative gateway defaults. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** What is assumed about a model that only a gateway's list names. */
  public static ModelSpec listedByGateway(String id) {
    return builder(id)
        .description("listed by the gateway; capabilities unknown, conservative defaults assumed")
        .origin(Origin.GATEWAY)
        .build();
  }

  /** Whether {@code candidate} is this model's name or one of its aliases, ignoring case. */
  public boolean answersTo(String candidate) {
    String wanted = candidate.trim().toLowerCase(Locale.ROOT);
    if (name.toLowerCase(Locale.ROOT).equals(wanted)) {
      return true;
    }
    for (String alias : aliases) {
      if (alias.toLowerCase(Locale.ROOT).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The temperature to send when the caller asked for {@code requested}: none when the model
   * takes none, its fixed value when it has one, otherwise the request clamped to what it accepts.
   */
  public Optional<Double> temperatureFor(@Nullable Double requested) {
    if (requested == null || !supportsTemperature) {
      return Optional.empty();
    }
    if (fixedTemperature != null) {
      return Optional.of(fixedTemperature);
    }
    return Optional.of(Math.min(requested, maxTemperature));
  }

  private static void requireName(@Nullable String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("model " + what + " must not be blank");
    }
  }

  /** Builds a {@link ModelSpec}; validation happens in {@link #build()} (fields depend on each other). */
  public static final class Builder {
    private final String name;
    private final List<String> aliases = new ArrayList<>();
    private String description = "";
    private int contextWindow = DEFAULT_CONTEXT_WINDOW;
    private int maxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS;
    private boolean supportsTemperature = true;
    private @Nullable Double fixedTemperature;
    private double maxTemperature = 2.0;
    private boolean supportsImages;
    private boolean supportsThinking;
    private int intelligenceScore = DEFAULT_INTELLIGENCE_SCORE;
    private final Set<ToolCategory> categories = EnumSet.noneOf(ToolCategory.class);
    private Origin origin = Origin.USER;
    private int maxThinkingTokens;
    private double maxImageSizeMb;
    private @Nullable Double inputPricePerMillion;
    private @Nullable Double outputPricePerMillion;

    private Builder(String name) {
      requireName(name, "name");
      this.name = name.trim();
    }

    public Builder aliases(String... aliases) {
      for (String alias : aliases) {
        requireName(alias, "alias");
        this.aliases.add(alias.trim());
      }
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder contextWindow(int contextWindow) {
      this.contextWindow = contextWindow;
      return this;
    }

    public Builder maxOutputTokens(int maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    public Builder supportsTemperature(boolean supportsTemperature) {
      this.supportsTemperature = supportsTemperature;
      return this;
    }

    public Builder fixedTemperature(@Nullable Double fixedTemperature) {
      this.fixedTemperature = fixedTemperature;
      return this;
    }

    public Builder maxTemperature(double maxTemperature) {
      this.maxTemperature = maxTemperature;
      return this;
    }

    public Builder supportsImages(boolean supportsImages) {
      this.supportsImages = supportsImages;
      return this;
    }

    public Builder supportsThinking(boolean supportsThinking) {
      this.supportsThinking = supportsThinking;
      return this;
    }

    public Builder intelligenceScore(int intelligenceScore) {
      this.intelligenceScore = intelligenceScore;
      return this;
    }

    public Builder categories(ToolCategory... categories) {
      this.categories.addAll(List.of(categories));
      return this;
    }

    /** The thinking-token budget of a model that takes one (0: it takes a reasoning effort instead). */
    public Builder maxThinkingTokens(int maxThinkingTokens) {
      this.maxThinkingTokens = maxThinkingTokens;
      return this;
    }

    /** The image bytes a request may carry, in MB (0: the default for vision models). */
    public Builder maxImageSizeMb(double maxImageSizeMb) {
      this.maxImageSizeMb = maxImageSizeMb;
      return this;
    }

    /** List prices in USD per million input and output tokens ({@code null}: unknown, no cost reported). */
    public Builder prices(@Nullable Double inputPerMillion, @Nullable Double outputPerMillion) {
      this.inputPricePerMillion = inputPerMillion;
      this.outputPricePerMillion = outputPerMillion;
      return this;
    }

    public Builder origin(Origin origin) {
      this.origin = Objects.requireNonNull(origin, "origin");
      return this;
    }

    public ModelSpec build() {
      return new ModelSpec(name, aliases, description, contextWindow, maxOutputTokens, supportsTemperature,
          fixedTemperature, maxTemperature, supportsImages, supportsThinking, intelligenceScore, categories,
          origin, maxThinkingTokens, maxImageSizeMb, inputPricePerMillion, outputPricePerMillion);
    }
  }
}
