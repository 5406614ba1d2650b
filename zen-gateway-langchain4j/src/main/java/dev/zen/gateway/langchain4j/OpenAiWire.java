package dev.zen.gateway.langchain4j;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zen.gateway.internal.JsonMappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What OpenAI-compatible endpoints really send, checked and made readable before langchain4j's
 * parser sees it. langchain4j reads the documented shape; gateways in the wild send errors inside
 * a 200 answer, {@code content} as an array of parts, plain JSON where a stream was asked for, and
 * answers without text. Here an error becomes an {@link InBandErrorException}, an answer without
 * usable text an {@link UnusableAnswerException}, and a valid answer in an unusual form (parts,
 * a stream where JSON was asked for, JSON where a stream was) the documented one. What is not JSON at all passes through unchanged, so that a malformed body still
 * fails in langchain4j as before (retriable: it was never a readable answer).
 */
final class OpenAiWire {
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");

  private OpenAiWire() {}

  /**
   * Checks the body of a chat completion (status 200) and returns what langchain4j can parse.
   *
   * @throws InBandErrorException when the body is an error
   * @throws UnusableAnswerException when it holds no usable text, or is not an OpenAI answer
   */
  static byte[] completion(byte[] body, @Nullable String contentType) throws IOException {
    if (isEventStream(body, contentType)) {
      body = fromEvents(body);
      contentType = "application/json";
    }
    JsonNode root = parse(body, contentType);
    if (!(root instanceof ObjectNode object)) {
      return body;
    }
    Inspector inspector = new Inspector();
    boolean rewritten = inspector.completion(object);
    inspector.finish();
    return rewritten ? JSON.writeValueAsBytes(root) : body;
  }

  /**
   * The events of a stream that carry the JSON completion {@code body}, for an endpoint that
   * answered a stream request with plain JSON: one chunk with the whole text and finish reason, one
   * with the usage (as OpenAI sends it), without {@code [DONE]}.
   */
  static List<String> asStream(byte[] body, @Nullable String contentType) throws IOException {
    byte[] checked = completion(body, contentType);
    JsonNode root = JSON.readTree(checked);
    if (root == null || !root.isObject()) {
      // Not JSON after all: let langchain4j fail on it as it would on a malformed event.
      return List.of(new String(body, StandardCharsets.UTF_8));
    }
    JsonNode choice = root.path("choices").path(0);
    ObjectNode chunk = JSON.createObjectNode();
    copy(root, chunk, "id", "created", "model", "system_fingerprint");
    chunk.put("object", "chat.completion.chunk");
    ObjectNode delta = chunk.putArray("choices").addObject().put("index", 0).putObject("delta");
    delta.put("role", "assistant");
    delta.put("content", choice.path("message").path("content").asText(""));
    if (choice.hasNonNull("finish_reason")) {
      ((ObjectNode) chunk.path("choices").path(0)).set("finish_reason", choice.get("finish_reason"));
    }
    List<String> events = new ArrayList<>();
    events.add(JSON.writeValueAsString(chunk));
    if (root.hasNonNull("usage")) {
      ObjectNode usage = JSON.createObjectNode();
      copy(root, usage, "id", "created", "model");
      usage.put("object", "chat.completion.chunk");
      usage.putArray("choices");
      usage.set("usage", root.get("usage"));
      events.add(JSON.writeValueAsString(usage));
    }
    return events;
  }

  /** Whether a body is server-sent events: labelled so, or starting like them. */
  static boolean isEventStream(byte[] body, @Nullable String contentType) {
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("event-stream")) {
      return true;
    }
    int first = firstNonWhitespace(body);
    if (first < 0) {
      return false;
    }
    String start = new String(body, first, Math.min(body.length - first, 6), StandardCharsets.UTF_8);
    return start.startsWith("data:") || start.startsWith("event:") || start.startsWith(":");
  }

  /**
   * The JSON completion a whole event stream stands for, for an endpoint that streamed although
   * plain JSON was asked for: the text of every delta, the last finish reason, the usage.
   *
   * @throws InBandErrorException when an event reports an error
   * @throws TruncatedStreamException when the stream ends with neither {@code [DONE]} nor a finish reason
   */
  static byte[] fromEvents(byte[] body) throws IOException {
    Inspector inspector = new Inspector();
    StringBuilder text = new StringBuilder();
    ObjectNode completion = JSON.createObjectNode();
    JsonNode usage = null;
    boolean done = false;
    int events = 0;
    String name = null;
    StringBuilder data = new StringBuilder();
    boolean sawData = false;
    List<String> lines = new ArrayList<>(new String(body, StandardCharsets.UTF_8).lines().toList());
    lines.add("");
    for (String line : lines) {
      if (!line.isEmpty()) {
        if (line.startsWith("event:")) {
          name = line.substring("event:".length()).strip();
        } else if (line.startsWith("data:")) {
          String content = line.substring("data:".length());
          data.append(sawData ? "\n" : "").append(content.startsWith(" ") ? content.substring(1) : content);
          sawData = true;
        }
        continue;
      }
      if (!sawData) {
        name = null;
        continue;
      }
      String payload = data.toString();
      String eventName = name;
      data.setLength(0);
      sawData = false;
      name = null;
      events++;
      if (payload.strip().equals("[DONE]")) {
        done = true;
        break;
      }
      JsonNode chunk = JSON.readTree(inspector.event(eventName, payload));
      if (chunk == null || !chunk.isObject()) {
        continue;
      }
      for (String field : List.of("id", "created", "model", "system_fingerprint")) {
        if (!completion.has(field) && chunk.hasNonNull(field)) {
          completion.set(field, chunk.get(field));
        }
      }
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode content = choice.path("delta").path("content");
        if (content.isTextual()) {
          text.append(content.asText());
        }
      }
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
    }
    if (!done && !inspector.finished()) {
      throw new TruncatedStreamException(java.net.URI.create("about:event-stream"), events);
    }
    inspector.finish();
    completion.put("object", "chat.completion");
    ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", text.toString());
    choice.put("finish_reason", inspector.finishReason());
    if (usage != null) {
      completion.set("usage", usage);
    }
    return JSON.writeValueAsBytes(completion);
  }

  /**
   * The JSON of an answer body, or {@code null} when it is not JSON and should pass through.
   *
   * @throws UnusableAnswerException when the body is a page or other text, not an answer
   */
  static @Nullable JsonNode parse(byte[] body, @Nullable String contentType) throws IOException {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    int first = firstNonWhitespace(body);
    boolean looksJson = first >= 0 && (body[first] == '{' || body[first] == '[');
    if (!looksJson && (type.contains("html") || first >= 0 && body[first] == '<' || type.startsWith("text/plain"))) {
      throw notAnAnswer(body, contentType);
    }
    try {
      JsonNode root = JSON.readTree(body);
      return root != null && root.isObject() ? root : null;
    } catch (JsonProcessingException malformed) {
      return null;
    }
  }

  /** An {@link UnusableAnswerException} for a body that is a page or text rather than an answer. */
  static UnusableAnswerException notAnAnswer(byte[] body, @Nullable String contentType) {
    String text = new String(body, 0, Math.min(body.length, 64 * 1024), StandardCharsets.UTF_8);
    Matcher title = TITLE.matcher(text);
    String what = title.find() ? "an HTML page titled \"" + HttpStatusException.abbreviate(title.group(1)) + "\""
        : text.isBlank() ? "an empty body"
        : text.stripLeading().startsWith("<") ? "an HTML page starting \"" + snippet(text) + "\""
        : "text starting \"" + snippet(text) + "\"";
    return new UnusableAnswerException(UnusableAnswerException.Reason.NOT_AN_ANSWER,
        what + " (Content-Type " + (contentType == null ? "none" : contentType) + ")", null, 0);
  }

  static int firstNonWhitespace(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if (!Character.isWhitespace(body[i])) {
        return i;
      }
    }
    return -1;
  }

  private static String snippet(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 80) + "...";
  }

  private static void copy(JsonNode from, ObjectNode to, String... fields) {
    for (String field : fields) {
      if (from.hasNonNull(field)) {
        to.set(field, from.get(field));
      }
    }
  }

  /**
   * Follows one answer, whole or as stream events, remembering what it held; {@link #finish()}
   * decides whether it was an answer.
   */
  static final class Inspector {
    private boolean sawChoices;
    private long contentChars;
    private boolean sawText;
    private long reasoningChars;
    private final Set<String> tools = new LinkedHashSet<>();
    private boolean sawToolCalls;
    private @Nullable String finishReason;
    private boolean contentNull;

    /** Whether a final {@code finish_reason} arrived: the answer is complete without {@code [DONE]}. */
    boolean finished() {
      return finishReason != null;
    }

    long contentChars() {
      return contentChars;
    }

    @Nullable String finishReason() {
      return finishReason;
    }

    /**
     * Reads one stream event and returns the data to hand on (rewritten when its content was an
     * array of parts).
     *
     * @throws InBandErrorException when the event reports an error
     */
    String event(@Nullable String name, String data) throws IOException {
      if (name == null && scan(data)) {
        return data;
      }
      JsonNode root;
      try {
        root = JSON.readTree(data);
      } catch (JsonProcessingException notJson) {
        if ("error".equals(name)) {
          throw InBandErrorException.ofText(data, contentChars);
        }
        return data;
      }
      if (root == null || !root.isObject()) {
        if ("error".equals(name)) {
          throw InBandErrorException.ofText(data, contentChars);
        }
        return data;
      }
      if ("error".equals(name)) {
        throw InBandErrorException.of(root.has("error") ? root.get("error") : root, contentChars);
      }
      return chunk(root) ? JSON.writeValueAsString(root) : data;
    }

    /**
     * Reads an ordinary stream chunk with a streaming parser, without building its tree: what
     * {@link #read} would note of it, noted only when the chunk is ordinary (no error field, no
     * {@code "object": "error"}, content as a string or null, a finish reason other than
     * {@code error}) and well-formed JSON. Returns {@code false}, having noted nothing, for
     * anything else, which {@link #event} then reads as a tree. One of two JSON parses per chunk
     * (langchain4j's is the other), for every chunk of every streamed answer.
     */
    private boolean scan(String data) {
      boolean choices = false;
      long chars = 0;
      boolean text = false;
      boolean nullContent = false;
      long reasoning = 0;
      boolean toolCalls = false;
      List<String> toolNames = null;
      String reason = null;
      try (JsonParser parser = JSON.getFactory().createParser(data)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          return false;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          switch (field) {
            case "error" -> {
              if (value != JsonToken.VALUE_NULL) {
                return false;
              }
            }
            case "object" -> {
              if (value == JsonToken.VALUE_STRING && "error".equals(parser.getText())) {
                return false;
              }
              parser.skipChildren();
            }
            case "choices" -> {
              if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                continue;
              }
              while (parser.nextToken() != JsonToken.END_ARRAY) {
                choices = true;
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                  parser.skipChildren();
                  continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                  String key = parser.currentName();
                  JsonToken part = parser.nextToken();
                  if (key.equals("delta") && part == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                      String member = parser.currentName();
                      JsonToken content = parser.nextToken();
                      switch (member) {
                        case "content" -> {
                          if (content == JsonToken.VALUE_NULL) {
                            nullContent = true;
                          } else if (content.isScalarValue()) {
                            String piece = parser.getText();
                            chars += piece.length();
                            text |= !piece.isBlank();
                          } else {
                            return false;
                          }
                        }
                        case "reasoning_content", "reasoning" -> {
                          if (content == JsonToken.VALUE_STRING) {
                            reasoning += parser.getTextLength();
                          } else {
                            parser.skipChildren();
                          }
                        }
                        case "tool_calls" -> {
                          if (content != JsonToken.START_ARRAY) {
                            parser.skipChildren();
                            continue;
                          }
                          while (parser.nextToken() != JsonToken.END_ARRAY) {
                            toolCalls = true;
                            String tool = toolName(parser);
                            if (tool != null && !tool.isEmpty()) {
                              if (toolNames == null) {
                                toolNames = new ArrayList<>(1);
                              }
                              toolNames.add(tool);
                            }
                          }
                        }
                        default -> parser.skipChildren();
                      }
                    }
                  } else if (key.equals("finish_reason")) {
                    if (part == JsonToken.VALUE_STRING && !parser.getText().isEmpty()) {
                      reason = parser.getText();
                      if (reason.equalsIgnoreCase("error")) {
                        return false;
                      }
                    } else {
                      parser.skipChildren();
                    }
                  } else {
                    parser.skipChildren();
                  }
                }
              }
            }
            default -> parser.skipChildren();
          }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
          return false;
        }
      } catch (IOException malformed) {
        return false;
      }
      sawChoices |= choices;
      contentChars += chars;
      sawText |= text;
      contentNull |= nullContent;
      reasoningChars += reasoning;
      sawToolCalls |= toolCalls;
      if (toolNames != null) {
        tools.addAll(toolNames);
      }
      if (reason != null) {
        finishReason = reason;
      }
      return true;
    }

    /** The {@code function.name} of the tool call the parser is at (skipping the rest of it). */
    private static @Nullable String toolName(JsonParser parser) throws IOException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        parser.skipChildren();
        return null;
      }
      String name = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken value = parser.nextToken();
        if (key.equals("function") && value == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String member = parser.currentName();
            JsonToken inner = parser.nextToken();
            if (member.equals("name") && inner == JsonToken.VALUE_STRING) {
              name = parser.getText();
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      }
      return name;
    }

    /** Reads a whole completion; returns whether it was rewritten. */
    boolean completion(ObjectNode root) throws IOException {
      return read(root, "message");
    }

    private boolean chunk(JsonNode root) throws IOException {
      return read(root, "delta");
    }

    private boolean read(JsonNode root, String part) throws IOException {
      JsonNode error = root.get("error");
      if (error != null && !error.isNull()) {
        throw InBandErrorException.of(error, contentChars);
      }
      if ("error".equals(root.path("object").asText())) {
        // vLLM's error shape: the object itself is the error.
        throw InBandErrorException.of(root, contentChars);
      }
      JsonNode choices = root.get("choices");
      if (choices == null || !choices.isArray()) {
        return false;
      }
      boolean rewritten = false;
      for (JsonNode choice : choices) {
        sawChoices = true;
        JsonNode body = choice.get(part);
        if (body instanceof ObjectNode message) {
          rewritten |= content(message);
          reasoning(message.get("reasoning_content"));
          reasoning(message.get("reasoning"));
          JsonNode calls = message.get("tool_calls");
          if (calls != null && calls.isArray() && !calls.isEmpty()) {
            sawToolCalls = true;
            calls.forEach(call -> {
              String tool = call.path("function").path("name").asText("");
              if (!tool.isEmpty()) {
                tools.add(tool);
              }
            });
          }
        }
        JsonNode reason = choice.get("finish_reason");
        if (reason != null && reason.isTextual() && !reason.asText().isEmpty()) {
          finishReason = reason.asText();
          if (finishReason.equalsIgnoreCase("error")) {
            throw InBandErrorException.of(choice.hasNonNull("error") ? choice.get("error") : root.get("error"),
                contentChars);
          }
        }
      }
      return rewritten;
    }

    /** Counts the text of {@code content}; an array of parts becomes their joined text. */
    private boolean content(ObjectNode message) {
      JsonNode content = message.get("content");
      if (content == null) {
        return false;
      }
      if (content.isNull()) {
        contentNull = true;
        return false;
      }
      String text;
      boolean rewritten = false;
      if (content.isArray()) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode item : content) {
          if (item.isTextual()) {
            joined.append(item.asText());
          } else if (item.path("text").isTextual()) {
            joined.append(item.get("text").asText());
          }
        }
        text = joined.toString();
        message.put("content", text);
        rewritten = true;
      } else {
        text = content.asText("");
      }
      contentChars += text.length();
      sawText |= !text.isBlank();
      return rewritten;
    }

    private void reasoning(@Nullable JsonNode reasoning) {
      if (reasoning != null && reasoning.isTextual()) {
        reasoningChars += reasoning.asText().length();
      }
    }

    /**
     * Decides whether what was read is an answer.
     *
     * @throws UnusableAnswerException when it is not: filtered, or without text
     */
    void finish() throws UnusableAnswerException {
      if ("content_filter".equalsIgnoreCase(finishReason)) {
        throw new UnusableAnswerException(UnusableAnswerException.Reason.CONTENT_FILTER, "", finishReason,
            contentChars);
      }
      if (sawText) {
        return;
      }
      if (!sawChoices) {
        throw new UnusableAnswerException(UnusableAnswerException.Reason.NO_CHOICES, "", finishReason, 0);
      }
      if (sawToolCalls) {
        throw new UnusableAnswerException(UnusableAnswerException.Reason.TOOL_CALLS_ONLY, String.join(", ", tools),
            finishReason, 0);
      }
      if (reasoningChars > 0) {
        throw new UnusableAnswerException(UnusableAnswerException.Reason.REASONING_ONLY, "", finishReason,
            reasoningChars);
      }
      throw new UnusableAnswerException(UnusableAnswerException.Reason.NO_TEXT,
          contentNull && contentChars == 0 ? "content was null" : "content was empty", finishReason, 0);
    }
  }
}
