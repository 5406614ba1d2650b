package dev.zen.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Checks of request params that the SDK's handlers take on trust: they convert params into
 * records and read fields, so a missing or mistyped field becomes a {@code NullPointerException}
 * answered as {@code -32603} (or, for {@code logging/setLevel}, an unknown level accepted as
 * none). Every transport applies them before the SDK session sees a request, so a client gets
 * {@code -32602} naming the field on stdio and HTTP alike.
 */
final class RequestChecks {
  private static final String LEVELS = Arrays.stream(McpSchema.LoggingLevel.values())
      .map(level -> level.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

  private RequestChecks() {}

  /** The checks by method, {@code tools/call} going to {@code toolsCall} (the tool bridge's check). */
  static Map<String, StdioTransport.RequestCheck> all(StdioTransport.RequestCheck toolsCall) {
    return Map.of(McpSchema.METHOD_TOOLS_CALL, toolsCall,
        McpSchema.METHOD_INITIALIZE, RequestChecks::initialize,
        McpSchema.METHOD_LOGGING_SET_LEVEL, RequestChecks::setLevel,
        McpSchema.METHOD_PROMPT_GET, RequestChecks::promptsGet);
  }

  static @Nullable JSONRPCError initialize(@Nullable JsonNode params) {
    if (params == null) {
      return invalid("initialize needs params with \"protocolVersion\" (for example \"2025-11-25\"), "
          + "\"capabilities\" (an object) and \"clientInfo\" ({\"name\": ..., \"version\": ...})");
    }
    JsonNode version = params.get("protocolVersion");
    if (version == null || !version.isTextual() || version.asText().isBlank()) {
      return invalid("\"protocolVersion\" of initialize must be a version string such as \"2025-11-25\"");
    }
    JsonNode capabilities = params.get("capabilities");
    if (capabilities == null || !capabilities.isObject()) {
      return invalid("\"capabilities\" of initialize must be an object (empty when the client offers none)");
    }
    JsonNode info = params.get("clientInfo");
    if (info == null || !info.isObject() || !info.path("name").isTextual()
        || info.has("version") && !info.get("version").isTextual()) {
      return invalid("\"clientInfo\" of initialize must be an object with a string \"name\" and \"version\"");
    }
    return null;
  }

  static @Nullable JSONRPCError setLevel(@Nullable JsonNode params) {
    JsonNode level = params == null ? null : params.get("level");
    if (level == null || !level.isTextual()) {
      return invalid("logging/setLevel needs \"level\", one of " + LEVELS);
    }
    try {
      McpSchema.LoggingLevel.valueOf(level.asText().toUpperCase(Locale.ROOT));
      if (!level.asText().equals(level.asText().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("levels are lower case");
      }
    } catch (IllegalArgumentException e) {
      return invalid("'" + level.asText() + "' is not a logging level; use one of " + LEVELS);
    }
    return null;
  }

  static @Nullable JSONRPCError promptsGet(@Nullable JsonNode params) {
    JsonNode name = params == null ? null : params.get("name");
    if (name == null || !name.isTextual()) {
      return invalid("prompts/get needs \"name\", a prompt from prompts/list");
    }
    JsonNode arguments = params.get("arguments");
    if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
      return invalid("\"arguments\" of prompts/get must be an object of named string arguments");
    }
    return null;
  }

  private static JSONRPCError invalid(String message) {
    return new JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + message, null);
  }
}
