package dev.zen.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer the SDK's session gives to {@code initialize}, built as a JSON tree without it, so
 * that the stdio transport can write it the moment the request is read.
 *
 * <p>Why: a client writes {@code initialize} as soon as it starts the server and waits for the
 * answer before anything else. The SDK's own answer costs a fresh process Jackson's first
 * introspection of the request's and result's records (their annotations parsed, a proxy class
 * made per annotation type), the longest single step from start to answer (BENCHMARKS.md,
 * "Issue 14 at a glance, third session"). The session still handles the request, right after; the transport
 * holds the next message until it has, and compares its answer with this one (they are the same
 * by construction; {@code InitializeAnswerTest} checks it against the SDK for every case here).
 *
 * <p>Only a request the session will read is answered here: params whose every member the SDK's
 * {@code InitializeRequest} knows has the JSON type its record wants (a string
 * {@code protocolVersion}; {@code capabilities} with objects for {@code roots}, {@code sampling},
 * {@code elicitation} and its {@code form} and {@code url}, {@code experimental} and each of
 * {@code extensions}, a boolean {@code roots.listChanged}; {@code clientInfo} with a string
 * {@code name} and {@code version}, strings or nothing for {@code title}, {@code description} and
 * {@code websiteUrl}, {@code icons} an array of objects with string fields; {@code _meta} an
 * object). Members it does not know are ignored, as the session ignores them. Anything else — which
 * the session might refuse with an error — is left to the session to answer.
 */
final class InitializeAnswer {
  private final ObjectMapper json;
  private final ObjectNode result;
  private final List<String> versions;

  private InitializeAnswer(ObjectMapper json, ObjectNode result, List<String> versions) {
    this.json = json;
    this.result = result;
    this.versions = List.copyOf(versions);
  }

  /**
   * The answer of a server configured as {@link McpStdioServer#configure} configures one: tools and
   * logging, prompts when it has any, {@code instructions} when not empty; {@code versions} are the
   * transport's protocol versions, oldest first, as the SDK negotiates them.
   */
  static InitializeAnswer of(ObjectMapper json, ServerIdentity identity, String instructions, boolean prompts,
      List<String> versions) {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("no protocol versions");
    }
    ObjectNode result = json.createObjectNode();
    ObjectNode capabilities = result.putObject("capabilities");
    capabilities.putObject("logging");
    if (prompts) {
      capabilities.putObject("prompts").put("listChanged", false);
    }
    capabilities.putObject("tools").put("listChanged", false);
    ObjectNode info = result.putObject("serverInfo").put("name", identity.name());
    if (identity.title() != null) {
      info.put("title", identity.title());
    }
    info.put("version", identity.version());
    if (!instructions.isEmpty()) {
      result.put("instructions", instructions);
    }
    return new InitializeAnswer(json, result, versions);
  }

  /** The whole response to a request with {@code id} and {@code params}; null when the SDK must answer. */
  @Nullable ObjectNode answer(Object id, @Nullable JsonNode params) {
    if (!readable(params)) {
      return null;
    }
    String requested = params.get("protocolVersion").asText();
    // The SDK's negotiation: the client's version when supported, else the newest supported.
    String version = versions.contains(requested) ? requested : versions.get(versions.size() - 1);
    ObjectNode response = json.createObjectNode().put("jsonrpc", McpSchema.JSONRPC_VERSION);
    // The same node types the session's answer has (its record's Integer, Long or String id).
    if (id instanceof Integer number) {
      response.put("id", number.intValue());
    } else if (id instanceof Long number) {
      response.put("id", number.longValue());
    } else {
      response.put("id", String.valueOf(id));
    }
    ObjectNode body = response.putObject("result").put("protocolVersion", version);
    body.setAll(result.deepCopy());
    return response;
  }

  /** Whether the session reads {@code params} into its {@code InitializeRequest} (see the class comment). */
  private static boolean readable(@Nullable JsonNode params) {
    if (params == null || !params.isObject() || !params.path("protocolVersion").isTextual()
        || !objectOrAbsent(params.get("_meta"))) {
      return false;
    }
    JsonNode capabilities = params.get("capabilities");
    if (!objectOrAbsent(capabilities)) {
      return false;
    }
    if (capabilities != null && !capabilities.isNull()) {
      JsonNode roots = capabilities.get("roots");
      JsonNode elicitation = capabilities.get("elicitation");
      if (!objectOrAbsent(roots) || !objectOrAbsent(capabilities.get("sampling"))
          || !objectOrAbsent(capabilities.get("experimental")) || !objectOrAbsent(elicitation)
          || !objectOrAbsent(capabilities.get("extensions"))) {
        return false;
      }
      if (roots != null && !roots.isNull() && !(absent(roots.get("listChanged")) || roots.get("listChanged").isBoolean())) {
        return false;
      }
      if (elicitation != null && !elicitation.isNull()
          && !(objectOrAbsent(elicitation.get("form")) && objectOrAbsent(elicitation.get("url")))) {
        return false;
      }
      JsonNode extensions = capabilities.get("extensions");
      if (extensions != null && !extensions.isNull()) {
        for (JsonNode extension : extensions) {
          if (!objectOrAbsent(extension)) {
            return false;
          }
        }
      }
    }
    JsonNode client = params.get("clientInfo");
    if (client == null || !client.isObject() || !client.path("name").isTextual() || !client.path("version").isTextual()
        || !textOrAbsent(client.get("title")) || !textOrAbsent(client.get("description"))
        || !textOrAbsent(client.get("websiteUrl"))) {
      return false;
    }
    JsonNode icons = client.get("icons");
    if (absent(icons)) {
      return true;
    }
    if (!icons.isArray()) {
      return false;
    }
    for (JsonNode icon : icons) {
      if (!icon.isObject() || !textOrAbsent(icon.get("src")) || !textOrAbsent(icon.get("mimeType"))
          || !textOrAbsent(icon.get("theme"))) {
        return false;
      }
      JsonNode sizes = icon.get("sizes");
      if (!absent(sizes)) {
        if (!sizes.isArray()) {
          return false;
        }
        for (JsonNode size : sizes) {
          if (!size.isTextual()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static boolean absent(@Nullable JsonNode node) {
    return node == null || node.isNull();
  }

  private static boolean objectOrAbsent(@Nullable JsonNode node) {
    return absent(node) || node.isObject();
  }

  private static boolean textOrAbsent(@Nullable JsonNode node) {
    return absent(node) || node.isTextual();
  }
}
