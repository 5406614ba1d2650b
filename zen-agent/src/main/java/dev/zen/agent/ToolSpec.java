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
 */
public record ToolSpec(String name, String description, Map<String, Object> inputSchema,
    @Nullable Map<String, Object> outputSchema) {
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

  /** A tool without an output schema. */
  public ToolSpec(String name, String description, Map<String, Object> inputSchema) {
    this(name, description, inputSchema, null);
  }

  /** {@link #outputSchema()} as an Optional. */
  public Optional<Map<String, Object>> outputSchemaIfDeclared() {
    return Optional.ofNullable(outputSchema);
  }
}
