package dev.zen.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One call of a tool: its name, its arguments as a protocol decoded them from JSON (strings,
 * booleans, numbers, lists, maps, nulls; nothing is checked here: the agent validates and answers
 * an error result), and an optional progress listener.
 */
public final class ToolCall {
  private final String tool;
  private final Map<String, @Nullable Object> arguments;
  private final @Nullable Consumer<ToolProgress> progressListener;
  private final @Nullable String principal;

  private ToolCall(Builder builder) {
    this.tool = builder.tool;
    this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(builder.arguments));
    this.progressListener = builder.progressListener;
    this.principal = builder.principal;
  }

  /** A call of {@code tool} with {@code arguments} and no progress listener. */
  public static ToolCall of(String tool, Map<String, ?> arguments) {
    return builder(tool).arguments(arguments).build();
  }

  public static Builder builder(String tool) {
    return new Builder(tool);
  }

  public String tool() {
    return tool;
  }

  /** The raw arguments (a shallow unmodifiable copy). */
  public Map<String, @Nullable Object> arguments() {
    return arguments;
  }

  public Optional<Consumer<ToolProgress>> progressListener() {
    return Optional.ofNullable(progressListener);
  }

  /**
   * Who makes the call, as the protocol authenticated them (an HTTP token's name); empty for a
   * caller that is not told apart (stdio, an embedding application). A conversation belongs to
   * the principal that started it: another principal's {@code continuation_id} is answered as
   * not found, exactly like an unknown one.
   */
  public Optional<String> principal() {
    return Optional.ofNullable(principal);
  }

  @Override
  public String toString() {
    return "ToolCall[" + tool + ", arguments=" + arguments.keySet() + "]";
  }

  /** Builds a {@link ToolCall}; setters validate at once. */
  public static final class Builder {
    private final String tool;
    private final Map<String, @Nullable Object> arguments = new LinkedHashMap<>();
    private @Nullable Consumer<ToolProgress> progressListener;
    private @Nullable String principal;

    private Builder(String tool) {
      Objects.requireNonNull(tool, "tool");
      this.tool = tool;
    }

    /** Replaces the arguments; {@code null} values are kept (and treated as absent). */
    public Builder arguments(Map<String, ?> arguments) {
      Objects.requireNonNull(arguments, "arguments");
      this.arguments.clear();
      arguments.forEach((key, value) -> this.arguments.put(Objects.requireNonNull(key, "argument name"), value));
      return this;
    }

    public Builder argument(String name, @Nullable Object value) {
      arguments.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Receives progress reports in order, on whatever thread produced them (possibly an HTTP
     * client's event loop): it must be quick and must not block. A listener that throws is logged
     * and ignored.
     */
    public Builder progressListener(Consumer<ToolProgress> progressListener) {
      this.progressListener = Objects.requireNonNull(progressListener, "progressListener");
      return this;
    }

    /** Who makes the call (see {@link ToolCall#principal()}); not blank. */
    public Builder principal(String principal) {
      if (Objects.requireNonNull(principal, "principal").isBlank()) {
        throw new IllegalArgumentException("principal must not be blank");
      }
      this.principal = principal;
      return this;
    }

    public ToolCall build() {
      return new ToolCall(this);
    }
  }
}
