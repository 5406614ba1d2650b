package dev.zen.mcp;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SDK's schema validator hook, kept small on purpose. The SDK's default (networknt's
 * validator, some 250 classes) is loaded at start to check tool schemas and would add a visible
 * share of the server's start-up; here tools own their schemas and arguments are checked by the
 * agent or by {@link ToolArguments}, so the server needs only a sanity check of what it publishes.
 *
 * <p>{@link #validate} runs for tools that declare an output schema, on each non-error answer
 * before it is sent: it checks that the structured content is a JSON object holding every
 * {@code required} property. Deeper checks are the tool's business: its output mapping builds the
 * content and knows its shape. A misfit makes the SDK answer an {@code isError} result naming the
 * missing property, and log a warning.
 */
final class ToolSchemas implements JsonSchemaValidator {
  @Override
  public ValidationResponse validateSchema(Map<String, Object> schema) {
    if (!"object".equals(schema.get("type"))) {
      return ValidationResponse.asInvalid("a tool's schema must have \"type\": \"object\"");
    }
    Object properties = schema.get("properties");
    if (properties != null && !(properties instanceof Map)) {
      return ValidationResponse.asInvalid("\"properties\" must be an object");
    }
    return ValidationResponse.asValid(null);
  }

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
    if (!(structuredContent instanceof Map<?, ?> content)) {
      return ValidationResponse.asInvalid("the tool's structured content must be a JSON object, was "
          + structuredContent.getClass().getSimpleName());
    }
    List<String> missing = new ArrayList<>();
    if (schema.get("required") instanceof List<?> required) {
      for (Object name : required) {
        if (content.get(name) == null) {
          missing.add(String.valueOf(name));
        }
      }
    }
    if (!missing.isEmpty()) {
      return ValidationResponse.asInvalid("the tool's structured content lacks what its output schema requires: "
          + String.join(", ", missing));
    }
    // The text content is the tool's own; the SDK uses this string only for answers without any.
    return ValidationResponse.asValid(null);
  }
}
