package dev.zen.agent;

import dev.zen.spi.StateValues;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a client needs to offer a tool: its name, a description of one or two sentences, and a
 * compact JSON Schema of its arguments. Fields every tool shares ({@code prompt},
 * {@code absolute_file_paths}, {@code model}, {@code continuation_id}, ...) are described once, in
 * {@link ZenAgent#instructions()}, to keep tool lists small.
 *
 * @param name the tool's name, lower case ({@code chat}, {@code consensus}, ...)
 * @param description one or two sentences
 * @param inputSchema a JSON Schema object ({@code "type": "object"}) as JSON-like maps and lists;
 *     deeply immutable
 * @param outputSchema the JSON Schema of the result's structured content, when the tool declares
 *     one (MCP clients may validate against it); deeply immutable
 * @param hints what a client may assume about the tool's effects (MCP's tool annotations), when
 *     declared
 */
public record ToolSpec(String name, String description, Map<String, Object> inputSchema,
    @Nullable Map<String, Object> outputSchema, @Nullable Hints hints) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public ToolSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("tool name must match " + NAME + ", was '" + name + "'");
    }
    Objects.requireNonNull(description, "description");
    if (description.isBlank()) {
      throw new IllegalArgumentException("tool '" + name + "' needs a description");
    }
    Objects.requireNonNull(inputSchema, "inputSchema");
    if (!"object".equals(inputSchema.get("type"))) {
      throw new IllegalArgumentException("tool '" + name + "': inputSchema must have \"type\": \"object\"");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(inputSchema);
    inputSchema = frozen;
    if (outputSchema != null) {
      if (!"object".equals(outputSchema.get("type"))) {
        throw new IllegalArgumentException("tool '" + name + "': outputSchema must have \"type\": \"object\"");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> frozenOutput = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(outputSchema);
      outputSchema = frozenOutput;
    }
  }

  /** A tool without hints. */
  public ToolSpec(String name, String description, Map<String, Object> inputSchema,
      @Nullable Map<String, Object> outputSchema) {
    this(name, description, inputSchema, outputSchema, null);
  }

  /** A tool without an output schema or hints. */
  public ToolSpec(String name, String description, Map<String, Object> inputSchema) {
    this(name, description, inputSchema, null, null);
  }

  /**
   * What a client may assume about a tool's effects, for people and for clients that ask before
   * running tools that change things. Hints, not guarantees: clients must not trust them from
   * servers they do not trust.
   *
   * @param title a human-readable name ("Code review")
   * @param readOnly the tool changes nothing in its environment
   * @param destructive the tool may destroy or overwrite data (meaningful when not read-only)
   * @param idempotent calling it again with the same arguments has no further effect
   * @param openWorld the tool reaches outside the server (model providers, other hosts)
   */
  public record Hints(String title, boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
    public Hints {
      Objects.requireNonNull(title, "title");
    }
  }

  /** {@link #outputSchema()} as an Optional. */
  public Optional<Map<String, Object>> outputSchemaIfDeclared() {
    return Optional.ofNullable(outputSchema);
  }
}
