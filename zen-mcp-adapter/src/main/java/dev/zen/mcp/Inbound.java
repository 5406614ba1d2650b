package dev.zen.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One line read from stdin, sorted into what the transport does with it.
 *
 * <p>The SDK converts lines with {@code McpSchema.deserializeJsonRpcMessage}, whose failures end
 * its session; here every line is checked against JSON-RPC 2.0 and MCP first, so a bad line gets
 * an error answer (or, for a broken notification or response, a log line) and nothing else.
 */
sealed interface Inbound {

  /** A well-formed request ({@code id} and {@code method}). */
  record Request(Object id, String method, @Nullable JsonNode params) implements Inbound {}

  /** A well-formed notification ({@code method}, no {@code id}). */
  record Notification(String method, @Nullable JsonNode params) implements Inbound {}

  /** A well-formed response to a request the server sent (such as a ping). */
  record Response(Object id) implements Inbound {}

  /**
   * A line that must be answered with an error. {@code id} is the request's id when it could be
   * read, else {@code null} (JSON-RPC's answer when the id is unknown).
   */
  record Invalid(@Nullable Object id, int code, String message) implements Inbound {}

  /** A broken message that JSON-RPC forbids answering (a notification or a response). */
  record Ignored(String reason) implements Inbound {}

  static Inbound classify(JsonNode node) {
    if (node.isArray()) {
      return new Invalid(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: JSON-RPC batches (arrays) "
          + "are not part of MCP since 2025-06-18; send one message per line");
    }
    if (!node.isObject()) {
      return new Invalid(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: a JSON-RPC message is a "
          + "JSON object, this line holds a " + describe(node.getNodeType()));
    }
    JsonNode idNode = node.get("id");
    Object id = idNode == null ? null : id(idNode);
    JsonNode version = node.get("jsonrpc");
    JsonNode method = node.get("method");
    if (method != null) {
      if (version == null || !version.isTextual() || !version.asText().equals("2.0")) {
        return new Invalid(id, McpSchema.ErrorCodes.INVALID_REQUEST,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"");
      }
      if (!method.isTextual() || method.asText().isEmpty()) {
        return new Invalid(id, McpSchema.ErrorCodes.INVALID_REQUEST,
            "Invalid Request: \"method\" must be a non-empty string");
      }
      JsonNode params = node.get("params");
      boolean paramsOk = params == null || params.isObject() || params.isNull();
      if (idNode == null) {
        return paramsOk ? new Notification(method.asText(), nullIfNull(params))
            : new Ignored("notification " + method.asText() + " has params that are not an object");
      }
      if (id == null) {
        return new Invalid(null, McpSchema.ErrorCodes.INVALID_REQUEST,
            "Invalid Request: \"id\" must be a string or an integer (MCP forbids null ids)");
      }
      if (!paramsOk) {
        return new Invalid(id, McpSchema.ErrorCodes.INVALID_PARAMS,
            "Invalid params: \"params\" of " + method.asText() + " must be a JSON object");
      }
      return new Request(id, method.asText(), nullIfNull(params));
    }
    boolean result = node.has("result");
    boolean error = node.has("error");
    if (result || error) {
      if (id == null) {
        return new Ignored("a response without a valid id");
      }
      if (result == error) {
        return new Ignored("response " + id + " has both \"result\" and \"error\"");
      }
      return new Response(id);
    }
    return new Invalid(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: a message needs \"method\" "
        + "(a request or notification) or \"result\"/\"error\" (a response)");
  }

  /** The id as the SDK's records accept it (String, Integer or Long), or null when it is none of these. */
  static @Nullable Object id(JsonNode idNode) {
    if (idNode.isTextual()) {
      return idNode.asText();
    }
    if (idNode.isIntegralNumber() && idNode.canConvertToLong()) {
      return idNode.canConvertToInt() ? (Object) idNode.intValue() : (Object) idNode.longValue();
    }
    return null;
  }

  /** A top-level {@code "id"} that is the last member of the object: {@code ,"id":7}} at the very end. */
  Pattern TRAILING_ID = Pattern.compile("\"id\"\\s*:\\s*(-?\\d+|\"(?:[^\"\\\\]|\\\\.)*\")\\s*}\\s*$");

  /**
   * The id of a message too long to parse, from its two ends: a top-level {@code "id"} read by a
   * streaming parser from the head (members before it are skipped without being built), else one
   * that closes the object at the tail. {@code null} when neither end shows one; JSON-RPC then
   * answers with a null id.
   */
  static @Nullable Object idOfTruncated(ObjectMapper json, String head, String tail) {
    try (JsonParser parser = json.getFactory().createParser(head)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if ("id".equals(name)) {
            return value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT ? id(json.readTree(parser))
                : null;
          }
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      // The head ends inside the bulk of the message: the id, if any, comes after it.
    }
    Matcher trailing = TRAILING_ID.matcher(tail);
    if (trailing.find()) {
      try {
        return id(json.readTree(trailing.group(1)));
      } catch (IOException e) {
        return null;
      }
    }
    return null;
  }

  private static @Nullable JsonNode nullIfNull(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }

  private static String describe(JsonNodeType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
