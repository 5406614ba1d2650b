package dev.zen.gateway;

import dev.zen.gateway.internal.JsonMappers;
import dev.zen.internal.Futures;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.InvalidRequestException;
import dev.zen.ModelNotFoundException;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.GatewayInterceptor;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The catalogue of models Zen can ask: names and aliases, limits, capabilities, and the rules to
 * pick one. Immutable; build one with {@link #builder()} or take {@link #bundled()}.
 *
 * <p>Sources, later ones overriding earlier ones by model name: Zen's bundled catalogue
 * ({@code dev/zen/gateway/models.json}), files the user adds ({@link Builder#addFile}, same
 * format), specs added in code, and the models a gateway lists ({@link #withGatewayModels}), which
 * are usable by their id with conservative defaults ({@link ModelSpec#listedByGateway}). Names and
 * aliases match case-insensitively.
 *
 * <p>An allow-list ({@link Builder#allow}) restricts which models may be used; asking for any other,
 * or for an unknown one, fails with a {@link ModelNotFoundException} that lists what is available
 * and suggests the closest name. {@value #AUTO} picks a model for a {@link ToolCategory}: the
 * highest-scored allowed model meant for that category, and only among the models the gateway
 * lists once a gateway list is known.
 *
 * <p>{@link #prepare(ChatRequest)} (or the {@link #interceptor()} that applies it to every call)
 * resolves the request's model to its canonical name and fits the request to the model: the
 * temperature is dropped, fixed or clamped as the model requires, and the output cap is lowered
 * to the model's maximum.
 *
 * <p>File format: {@code {"models": [{"name": "gpt-5", "aliases": ["gpt5"], "description": "...",
 * "contextWindow": 400000, "maxOutputTokens": 128000, "supportsTemperature": true,
 * "fixedTemperature": 1.0, "maxTemperature": 2.0, "supportsImages": true, "supportsThinking": true,
 * "intelligenceScore": 18, "categories": ["EXTENDED_REASONING"]}]}}; only {@code name} is required.
 */
public final class ModelRegistry {
  /** The model name that asks the registry to choose. */
  public static final String AUTO = "auto";

  private static final String BUNDLED_RESOURCE = "models.json";
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final Set<String> FIELDS = Set.of("name", "aliases", "description", "contextWindow",
      "maxOutputTokens", "supportsTemperature", "fixedTemperature", "maxTemperature", "supportsImages",
      "supportsThinking", "intelligenceScore", "categories", "maxThinkingTokens", "maxImageSizeMb",
      "inputPricePerMillionTokens", "outputPricePerMillionTokens");

  private final List<ModelSpec> specs;
  private final Map<String, ModelSpec> byName;
  private final Set<String> allowList;
  private final Set<String> listed;
  /** {@link #models()}: the registry never changes, and every call choosing a model reads it. */
  private final List<ModelSpec> allowedBestFirst;

  private ModelRegistry(List<ModelSpec> specs, Set<String> allowList, Set<String> listed) {
    this.specs = List.copyOf(specs);
    this.allowList = Set.copyOf(allowList);
    this.listed = Set.copyOf(listed);
    Map<String, ModelSpec> index = new LinkedHashMap<>();
    for (ModelSpec spec : this.specs) {
      for (String key : keys(spec)) {
        ModelSpec previous = index.putIfAbsent(key, spec);
        if (previous != null && previous != spec) {
          throw new InvalidRequestException("the model name or alias '" + key + "' is used by both '"
              + previous.name() + "' and '" + spec.name() + "'; remove it from one of them");
        }
      }
    }
    this.byName = Map.copyOf(index);
    this.allowedBestFirst = this.specs.stream()
        .filter(this::allowed)
        .sorted(Comparator.comparingInt(ModelSpec::intelligenceScore).reversed().thenComparing(ModelSpec::name))
        .collect(Collectors.toUnmodifiableList());
  }

  /** The bundled catalogue with every model allowed. */
  public static ModelRegistry bundled() {
    return Bundled.INSTANCE;
  }

  /** Starts from the bundled catalogue. */
  public static Builder builder() {
    return new Builder();
  }

  /** The allowed models, best first (intelligence score, then name). */
  public List<ModelSpec> models() {
    return allowedBestFirst;
  }

  /** The allowed model with this name or alias, ignoring case. */
  public Optional<ModelSpec> find(String nameOrAlias) {
    Objects.requireNonNull(nameOrAlias, "nameOrAlias");
    ModelSpec spec = byName.get(key(nameOrAlias));
    return spec != null && allowed(spec) ? Optional.of(spec) : Optional.empty();
  }

  /**
   * The allowed model with this name or alias; {@value #AUTO} chooses for
   * {@link ToolCategory#BALANCED}.
   *
   * @throws ModelNotFoundException when no allowed model answers to the name
   */
  public ModelSpec resolve(String nameOrAlias) {
    return resolve(nameOrAlias, ToolCategory.BALANCED);
  }

  /**
   * The allowed model with this name or alias; {@value #AUTO} chooses the best model for
   * {@code category}.
   *
   * @throws ModelNotFoundException when no allowed model answers to the name
   */
  public ModelSpec resolve(String nameOrAlias, ToolCategory category) {
    Objects.requireNonNull(nameOrAlias, "nameOrAlias");
    Objects.requireNonNull(category, "category");
    if (key(nameOrAlias).equals(AUTO)) {
      return auto(category);
    }
    ModelSpec spec = byName.get(key(nameOrAlias));
    if (spec != null && allowed(spec)) {
      return spec;
    }
    List<String> available = models().stream().map(ModelSpec::name).collect(Collectors.toUnmodifiableList());
    String suggestion = closest(nameOrAlias).map(name -> " Did you mean '" + name + "'?").orElse("");
    String message = spec != null
        ? "model '" + nameOrAlias + "' is known but not allowed here; allowed: " + describe(available) + "."
            + suggestion + " Pick an allowed model or add it to the allow-list"
        : "unknown model '" + nameOrAlias + "'; available: " + describe(available) + "." + suggestion
            + " Use one of these names, '" + AUTO + "', or add the model to a catalogue file";
    throw new ModelNotFoundException(message, nameOrAlias, available, null);
  }

  /**
   * The best allowed model for {@code category}: among models meant for it (or, when none is,
   * models with thinking for {@link ToolCategory#EXTENDED_REASONING} and any model otherwise), the
   * highest intelligence score wins. Once a gateway list is known, only listed models qualify.
   *
   * @throws ModelNotFoundException when no model is allowed (and listed)
   */
  public ModelSpec auto(ToolCategory category) {
    List<ModelSpec> candidates = models().stream()
        .filter(spec -> listed.isEmpty() || listed.contains(key(spec.name())))
        .collect(Collectors.toList());
    if (candidates.isEmpty()) {
      throw new ModelNotFoundException("no model is available for '" + AUTO + "' ("
          + (listed.isEmpty() ? "the allow-list admits none of the catalogue"
              : "the gateway lists none of the allowed models")
          + "); allow a model or name one explicitly", AUTO, List.of(), null);
    }
    List<ModelSpec> meant = candidates.stream().filter(spec -> spec.categories().contains(category))
        .collect(Collectors.toList());
    if (meant.isEmpty() && category == ToolCategory.EXTENDED_REASONING) {
      meant = candidates.stream().filter(ModelSpec::supportsThinking).collect(Collectors.toList());
    }
    // models() is sorted best first, so the first candidate is the choice.
    return (meant.isEmpty() ? candidates : meant).get(0);
  }

  /**
   * This registry plus the models a gateway lists: unknown ids become usable with conservative
   * defaults, and {@value #AUTO} from then on chooses among the listed models only. A listed id
   * that is a known model's alias (and not its name, which is not listed) becomes that model's
   * name, since it is the name the gateway accepts.
   */
  public ModelRegistry withGatewayModels(Collection<ModelInfo> listedModels) {
    Set<String> listedKeys = listedModels.stream().map(info -> key(info.id()))
        .collect(Collectors.toCollection(LinkedHashSet::new));
    List<ModelSpec> merged = new ArrayList<>(specs);
    Set<String> names = new LinkedHashSet<>(listed);
    for (ModelInfo info : listedModels) {
      ModelSpec known = byName.get(key(info.id()));
      if (known == null) {
        ModelSpec discovered = ModelSpec.listedByGateway(info.id());
        merged.add(discovered);
        names.add(key(discovered.name()));
      } else if (!key(known.name()).equals(key(info.id())) && !listedKeys.contains(key(known.name()))) {
        merged.set(merged.indexOf(known), renamed(known, info.id()));
        names.add(key(info.id()));
      } else {
        names.add(key(known.name()));
      }
    }
    return new ModelRegistry(dedupe(merged), allowList, names);
  }

  private static ModelSpec renamed(ModelSpec spec, String name) {
    List<String> aliases = new ArrayList<>();
    aliases.add(spec.name());
    spec.aliases().stream().filter(alias -> !key(alias).equals(key(name))).forEach(aliases::add);
    return new ModelSpec(name, aliases, spec.description(), spec.contextWindow(), spec.maxOutputTokens(),
        spec.supportsTemperature(), spec.fixedTemperature(), spec.maxTemperature(), spec.supportsImages(),
        spec.supportsThinking(), spec.intelligenceScore(), spec.categories(), spec.origin(), spec.maxThinkingTokens(),
        spec.maxImageSizeMb(), spec.inputPricePerMillion(), spec.outputPricePerMillion());
  }

  /** Asks {@code gateway} for its models and completes with {@link #withGatewayModels} of them. */
  public CompletableFuture<ModelRegistry> withModelsOf(ModelGateway gateway) {
    CompletableFuture<List<ModelInfo>> listing = gateway.models();
    CompletableFuture<ModelRegistry> result = listing.thenApply(this::withGatewayModels);
    Futures.cancelling(result, listing);
    return result;
  }

  /**
   * {@code request} fitted to its model: the model name resolved ({@value #AUTO} as
   * {@link ToolCategory#BALANCED}) to the canonical name, the temperature adjusted
   * ({@link ModelSpec#temperatureFor}), the output cap lowered to the model's maximum.
   *
   * @throws ModelNotFoundException when the model is unknown or not allowed
   */
  public ChatRequest prepare(ChatRequest request) {
    return prepare(request, ToolCategory.BALANCED);
  }

  /** Like {@link #prepare(ChatRequest)}, resolving {@value #AUTO} for {@code category}. */
  public ChatRequest prepare(ChatRequest request, ToolCategory category) {
    ModelSpec spec = resolve(request.model(), category);
    ChatRequest.Builder fitted = request.toBuilder()
        .model(spec.name())
        .temperature(spec.temperatureFor(request.temperature().orElse(null)).orElse(null));
    request.maxOutputTokens().ifPresent(max -> fitted.maxOutputTokens(Math.min(max, spec.maxOutputTokens())));
    return fitted.build();
  }

  /**
   * An interceptor that {@link #prepare prepares} every request before it goes further
   * ({@value #AUTO} chooses for {@link ToolCategory#BALANCED}); an unknown or disallowed model
   * fails the call with {@link ModelNotFoundException} without reaching the gateway.
   */
  public GatewayInterceptor interceptor() {
    return interceptor(ToolCategory.BALANCED);
  }

  /** Like {@link #interceptor()}, resolving {@value #AUTO} for {@code autoCategory}. */
  public GatewayInterceptor interceptor(ToolCategory autoCategory) {
    Objects.requireNonNull(autoCategory, "autoCategory");
    return call -> {
      ChatRequest prepared;
      try {
        prepared = prepare(call.request(), autoCategory);
      } catch (ModelNotFoundException e) {
        return CompletableFuture.failedFuture(e);
      }
      return call.proceed(prepared);
    };
  }

  @Override
  public String toString() {
    return "ModelRegistry[" + models().size() + " allowed of " + specs.size()
        + (listed.isEmpty() ? "" : ", " + listed.size() + " listed by the gateway") + "]";
  }

  private boolean allowed(ModelSpec spec) {
    if (allowList.isEmpty()) {
      return true;
    }
    for (String key : keys(spec)) {
      if (allowList.contains(key)) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> closest(String wanted) {
    String target = key(wanted);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ModelSpec spec : models()) {
      for (String candidate : keys(spec)) {
        int distance = candidate.contains(target) || target.contains(candidate)
            ? Math.min(1, levenshtein(target, candidate)) : levenshtein(target, candidate);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = spec.name();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static int levenshtein(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String describe(List<String> names) {
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  private static Set<String> keys(ModelSpec spec) {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(key(spec.name()));
    spec.aliases().forEach(alias -> keys.add(key(alias)));
    return keys;
  }

  private static String key(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }

  /** Later specs replace earlier ones with the same name; order of first appearance is kept. */
  private static List<ModelSpec> dedupe(List<ModelSpec> specs) {
    Map<String, ModelSpec> byName = new LinkedHashMap<>();
    for (ModelSpec spec : specs) {
      byName.put(key(spec.name()), spec);
    }
    return new ArrayList<>(byName.values());
  }

  static List<ModelSpec> parse(String json, String source, ModelSpec.Origin origin) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("the model catalogue " + source + " is not valid JSON ("
          + e.getOriginalMessage() + "); fix it or remove it", e);
    }
    JsonNode models = root != null && root.isObject() ? root.get("models") : root;
    if (models == null || !models.isArray()) {
      throw new InvalidRequestException("the model catalogue " + source
          + " must be {\"models\": [...]} or a JSON array of models");
    }
    List<ModelSpec> specs = new ArrayList<>();
    int index = 0;
    for (JsonNode node : models) {
      String where = source + " models[" + index++ + "]";
      try {
        specs.add(parseSpec(node, where, origin));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("the model catalogue entry " + where + " is invalid: " + e.getMessage(), e);
      }
    }
    return specs;
  }

  private static ModelSpec parseSpec(JsonNode node, String where, ModelSpec.Origin origin) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected an object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown field '" + field + "' (known: " + new java.util.TreeSet<>(FIELDS)
            + ")");
      }
    }
    JsonNode name = node.get("name");
    if (name == null || !name.isTextual()) {
      throw new IllegalArgumentException("'name' (a string) is required");
    }
    ModelSpec.Builder spec = ModelSpec.builder(name.asText()).origin(origin);
    JsonNode aliases = node.get("aliases");
    if (aliases != null) {
      if (!aliases.isArray()) {
        throw new IllegalArgumentException("'aliases' must be an array of strings");
      }
      aliases.forEach(alias -> spec.aliases(text(alias, "aliases[]")));
    }
    if (node.has("description")) {
      spec.description(text(node.get("description"), "description"));
    }
    if (node.has("contextWindow")) {
      spec.contextWindow(integer(node.get("contextWindow"), "contextWindow"));
    }
    if (node.has("maxOutputTokens")) {
      spec.maxOutputTokens(integer(node.get("maxOutputTokens"), "maxOutputTokens"));
    }
    if (node.has("supportsTemperature")) {
      spec.supportsTemperature(bool(node.get("supportsTemperature"), "supportsTemperature"));
    }
    if (node.has("fixedTemperature") && !node.get("fixedTemperature").isNull()) {
      spec.fixedTemperature(number(node.get("fixedTemperature"), "fixedTemperature"));
    }
    if (node.has("maxTemperature")) {
      spec.maxTemperature(number(node.get("maxTemperature"), "maxTemperature"));
    }
    if (node.has("supportsImages")) {
      spec.supportsImages(bool(node.get("supportsImages"), "supportsImages"));
    }
    if (node.has("maxThinkingTokens")) {
      spec.maxThinkingTokens(integer(node.get("maxThinkingTokens"), "maxThinkingTokens"));
    }
    if (node.has("maxImageSizeMb")) {
      spec.maxImageSizeMb(number(node.get("maxImageSizeMb"), "maxImageSizeMb"));
    }
    if (node.has("inputPricePerMillionTokens") || node.has("outputPricePerMillionTokens")) {
      if (!node.has("inputPricePerMillionTokens") || !node.has("outputPricePerMillionTokens")) {
        throw new IllegalArgumentException("give both inputPricePerMillionTokens and outputPricePerMillionTokens, "
            + "or neither");
      }
      spec.prices(number(node.get("inputPricePerMillionTokens"), "inputPricePerMillionTokens"),
          number(node.get("outputPricePerMillionTokens"), "outputPricePerMillionTokens"));
    }
    if (node.has("supportsThinking")) {
      spec.supportsThinking(bool(node.get("supportsThinking"), "supportsThinking"));
    }
    if (node.has("intelligenceScore")) {
      spec.intelligenceScore(integer(node.get("intelligenceScore"), "intelligenceScore"));
    }
    JsonNode categories = node.get("categories");
    if (categories != null) {
      if (!categories.isArray()) {
        throw new IllegalArgumentException("'categories' must be an array of " + EnumSet.allOf(ToolCategory.class));
      }
      for (JsonNode category : categories) {
        String value = text(category, "categories[]");
        try {
          spec.categories(ToolCategory.valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("unknown category '" + value + "' (known: "
              + EnumSet.allOf(ToolCategory.class) + ")", e);
        }
      }
    }
    return spec.build();
  }

  private static String text(JsonNode node, String field) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return node.asText();
  }

  private static int integer(JsonNode node, String field) {
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new IllegalArgumentException("'" + field + "' must be an integer");
    }
    return node.asInt();
  }

  private static double number(JsonNode node, String field) {
    if (!node.isNumber()) {
      throw new IllegalArgumentException("'" + field + "' must be a number");
    }
    return node.asDouble();
  }

  private static boolean bool(JsonNode node, String field) {
    if (!node.isBoolean()) {
      throw new IllegalArgumentException("'" + field + "' must be true or false");
    }
    return node.asBoolean();
  }

  static List<ModelSpec> bundledSpecs() {
    try (InputStream in = ModelRegistry.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the bundled model catalogue " + BUNDLED_RESOURCE + " is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "(bundled " + BUNDLED_RESOURCE + ")",
          ModelSpec.Origin.BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the bundled model catalogue", e);
    }
  }

  private static final class Bundled {
    static final ModelRegistry INSTANCE = new ModelRegistry(bundledSpecs(), Set.of(), Set.of());
  }

  /**
   * Builds a {@link ModelRegistry}. Files are read and checked when added, so a bad file fails at
   * that call; {@link #build()} only assembles.
   */
  public static final class Builder {
    private final List<ModelSpec> specs = new ArrayList<>();
    private final Set<String> allowList = new LinkedHashSet<>();
    private boolean bundled = true;

    private Builder() {}

    /** Leaves Zen's bundled catalogue out: only added files and specs are known. */
    public Builder withoutBundled() {
      this.bundled = false;
      return this;
    }

    /**
     * Adds the models of a catalogue file (format in the class comment); a model with a name
     * already known replaces it.
     *
     * @throws InvalidRequestException when the file is not a valid catalogue
     * @throws UncheckedIOException when it cannot be read
     */
    public Builder addFile(Path file) {
      Objects.requireNonNull(file, "file");
      String json;
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the model catalogue " + file + ": " + e.getMessage(), e);
      }
      specs.addAll(parse(json, file.toString(), ModelSpec.Origin.USER));
      return this;
    }

    /** Adds catalogue JSON held in memory; {@code source} names it in error messages. */
    public Builder addJson(String json, String source) {
      specs.addAll(parse(Objects.requireNonNull(json, "json"), Objects.requireNonNull(source, "source"),
          ModelSpec.Origin.USER));
      return this;
    }

    /** Adds one model; a model with the same name replaces it. */
    public Builder add(ModelSpec spec) {
      specs.add(Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /**
     * Restricts the usable models to these names or aliases (case-insensitive); may be called
     * several times. Without an allow-list every known model is usable.
     */
    public Builder allow(Collection<String> namesOrAliases) {
      for (String name : namesOrAliases) {
        if (name == null || name.isBlank()) {
          throw new IllegalArgumentException("allow-list entries must not be blank");
        }
        allowList.add(key(name));
      }
      return this;
    }

    /** Like {@link #allow(Collection)}. */
    public Builder allow(String... namesOrAliases) {
      return allow(List.of(namesOrAliases));
    }

    /**
     * @throws InvalidRequestException when two models claim the same name or alias
     */
    public ModelRegistry build() {
      List<ModelSpec> all = new ArrayList<>();
      if (bundled) {
        all.addAll(bundled().specs);
      }
      all.addAll(specs);
      return new ModelRegistry(dedupe(all), allowList, Set.of());
    }
  }
}
