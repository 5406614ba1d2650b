package dev.zen.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A deliberately dumb MCP client for tests that must put exact bytes on the wire (garbage lines,
 * broken messages, {@code notifications/cancelled}), which no SDK client sends. It writes lines
 * and collects what comes back, checking that every line the server writes is one JSON object.
 */
public final class RawClient implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final OutputStream toServer;
  private final Map<String, CompletableFuture<JsonNode>> responses = new ConcurrentHashMap<>();
  private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
  private final List<JsonNode> duplicateResponses = new CopyOnWriteArrayList<>();
  private final List<JsonNode> idlessErrors = new CopyOnWriteArrayList<>();
  private final List<String> notJson = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> closedByServer = new CompletableFuture<>();
  private final AtomicLong ids = new AtomicLong(1000);

  public RawClient(OutputStream toServer, InputStream fromServer) {
    this.toServer = toServer;
    Thread reader = new Thread(() -> read(fromServer), "raw-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(InputStream fromServer) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          notJson.add(line);
          continue;
        }
        if (!node.isObject()) {
          notJson.add(line);
        } else if (node.has("method")) {
          notifications.add(node);
        } else if (node.path("id").isNull()) {
          idlessErrors.add(node);
        } else {
          if (!responses.computeIfAbsent(key(node.get("id")), k -> new CompletableFuture<>()).complete(node)) {
            duplicateResponses.add(node);
          }
        }
      }
    } catch (IOException e) {
      // the server went away
    } finally {
      closedByServer.complete(null);
    }
  }

  private static String key(JsonNode id) {
    return id.isTextual() ? "s:" + id.asText() : "n:" + id.asText();
  }

  public synchronized void sendLine(String line) {
    try {
      toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      toServer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void send(JsonNode message) {
    sendLine(message.toString());
  }

  /** Sends a request with a fresh numeric id and returns that id. */
  public long sendRequest(String method, JsonNode params) {
    long id = ids.incrementAndGet();
    ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      request.set("params", params);
    }
    send(request);
    return id;
  }

  public JsonNode request(String method, JsonNode params) {
    return awaitResponse(sendRequest(method, params));
  }

  public JsonNode awaitResponse(long id) {
    return await(responseFuture(id), "the response to request " + id);
  }

  public JsonNode awaitResponse(String id) {
    return await(responses.computeIfAbsent("s:" + id, k -> new CompletableFuture<>()), "the response to request " + id);
  }

  public CompletableFuture<JsonNode> responseFuture(long id) {
    return responses.computeIfAbsent("n:" + id, k -> new CompletableFuture<>());
  }

  /**
   * Forgets the answer to {@code id}, whose request is done, so the client may use the id again as
   * JSON-RPC allows: the next answer to it is a new answer, not a duplicate.
   */
  public void reuse(long id) {
    CompletableFuture<JsonNode> answered = responses.remove("n:" + id);
    if (answered == null || !answered.isDone()) {
      throw new IllegalStateException("request " + id + " has not been answered; its id is still in use");
    }
  }

  public boolean hasResponse(long id) {
    CompletableFuture<JsonNode> response = responses.get("n:" + id);
    return response != null && response.isDone();
  }

  public void notify(String method, JsonNode params) {
    ObjectNode notification = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
    if (params != null) {
      notification.set("params", params);
    }
    send(notification);
  }

  public void cancel(long id) {
    notify("notifications/cancelled", JSON.createObjectNode().put("requestId", id).put("reason", "test cancels"));
  }

  /** initialize + notifications/initialized; returns the initialize result. */
  public JsonNode initialize(String protocolVersion) {
    ObjectNode params = JSON.createObjectNode().put("protocolVersion", protocolVersion);
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "raw-test-client").put("version", "1");
    JsonNode response = request("initialize", params);
    notify("notifications/initialized", null);
    return response;
  }

  public JsonNode callTool(String tool, Map<String, ?> arguments, Object progressToken) {
    return awaitResponse(sendCall(tool, arguments, progressToken));
  }

  public long sendCall(String tool, Map<String, ?> arguments, Object progressToken) {
    ObjectNode params = JSON.createObjectNode().put("name", tool);
    params.set("arguments", JSON.valueToTree(arguments));
    if (progressToken != null) {
      params.putObject("_meta").set("progressToken", JSON.valueToTree(progressToken));
    }
    return sendRequest("tools/call", params);
  }

  public List<JsonNode> notifications() {
    return List.copyOf(notifications);
  }

  public List<JsonNode> notifications(String method) {
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode notification : notifications) {
      if (notification.path("method").asText().equals(method)) {
        matching.add(notification);
      }
    }
    return matching;
  }

  public JsonNode awaitNotification(Predicate<JsonNode> matching) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode notification : notifications) {
        if (matching.test(notification)) {
          return notification;
        }
      }
      await(CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)), "a pause");
    }
    throw new AssertionError("no matching notification within " + TIMEOUT + "; got " + notifications);
  }

  /** Errors the server answered with a null id (lines it could not attribute to a request). */
  public List<JsonNode> idlessErrors() {
    return List.copyOf(idlessErrors);
  }

  public JsonNode awaitIdlessErrors(int count) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (idlessErrors.size() < count && System.nanoTime() < deadline) {
      await(CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)), "a pause");
    }
    if (idlessErrors.size() < count) {
      throw new AssertionError("expected " + count + " errors without id, got " + idlessErrors);
    }
    return idlessErrors.get(count - 1);
  }

  /** Lines the server wrote to stdout that were not a JSON object: must stay empty. */
  /** Responses to an id that had been answered already: JSON-RPC allows one answer per request. */
  public List<JsonNode> duplicateResponses() {
    return List.copyOf(duplicateResponses);
  }

  public List<String> notJson() {
    return List.copyOf(notJson);
  }

  public CompletableFuture<Void> closedByServer() {
    return closedByServer;
  }

  /** Closes the server's stdin, MCP's way of ending a stdio session. */
  @Override
  public void close() {
    try {
      toServer.close();
    } catch (IOException e) {
      // already closed
    }
  }

  public static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what, e);
    } catch (Exception e) {
      throw new AssertionError("failed waiting for " + what, e);
    }
  }
}
