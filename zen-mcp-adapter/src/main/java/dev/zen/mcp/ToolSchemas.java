package dev.zen.mcp;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;

/**
 * The SDK's schema validator hook, kept small on purpose. The SDK's default (networknt's
 * validator, some 250 classes) is loaded at start to check tool schemas and would add a visible
 * share of the server's start-up; here the agent owns its schemas and checks arguments itself, so
 * the server needs only a sanity check of what it publishes.
 *
 * <p>{@link #validate} is never reached: tools declare no output schema, and the SDK's input
 * validation is switched off ({@code validateToolInputs(false)}). It fails loudly rather than
 * pretend to validate, should a later change route data through it.
 */
final class ToolSchemas implements JsonSchemaValidator {
  @Override
  public ValidationResponse validateSchema(Map<String, Object> schema) {
    if (!"object".equals(schema.get("type"))) {
      return ValidationResponse.asInvalid("a tool's input schema must have \"type\": \"object\"");
    }
    Object properties = schema.get("properties");
    if (properties != null && !(properties instanceof Map)) {
      return ValidationResponse.asInvalid("\"properties\" must be an object");
    }
    return ValidationResponse.asValid(null);
  }

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
    throw new UnsupportedOperationException("Zen's server validates no content against schemas: "
        + "the agent checks tool arguments itself and tools declare no output schema");
  }
}
