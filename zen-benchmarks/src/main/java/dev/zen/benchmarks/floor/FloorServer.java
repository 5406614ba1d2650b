package dev.zen.benchmarks.floor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The floor for issue 14: the least any MCP stdio server must do for a {@code chat} call, to
 * measure Zen's server against (CPU per call, wall time and threads under 1,000 concurrent calls).
 * Per {@code tools/call}: parse one JSON-RPC line, one POST to the OpenAI-compatible endpoint at
 * {@code CUSTOM_API_URL} (the JDK HttpClient, asynchronous), read the answer, put the turn into an
 * in-memory map (the checkpoint), write one JSON line. The answer is streamed (SSE, deltas joined)
 * only when the call carries a {@code progressToken}, as a server needs a stream only to report
 * progress (Zen does the same); otherwise it is asked for whole. {@code FLOOR_STREAM=always}
 * streams every answer (the floor before issue 14's whole-answer change). No graph, no
 * resilience, no conversation history, no progress notifications: what is left is what no server
 * can skip. It answers {@code initialize} and ignores notifications, which is all the load harness
 * ({@code McpBench load}) sends besides calls.
 *
 * <pre>{@code
 * CUSTOM_API_URL=http://127.0.0.1:PORT/v1 java -cp zen-benchmarks/target/zen-benchmarks.jar \
 *     dev.zen.benchmarks.floor.FloorServer
 * }</pre>
 */
public final class FloorServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * HTTP/1.1 (no h2c upgrade offer to a plain-HTTP endpoint) and a small executor for the
   * client's completions instead of its default cached pool, which starts a thread per
   * concurrent exchange: one line each, and what a lean server would write.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .executor(Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "floor-http");
        thread.setDaemon(true);
        return thread;
      })).build();
  private static final Map<String, String> CHECKPOINTS = new ConcurrentHashMap<>();
  private static final boolean ALWAYS_STREAM = "always".equals(System.getenv("FLOOR_STREAM"));

  private FloorServer() {}

  public static void main(String[] args) throws IOException {
    URI endpoint = URI.create(System.getenv().getOrDefault("CUSTOM_API_URL", "http://127.0.0.1:8080/v1")
        .replaceAll("/+$", "") + "/chat/completions");
    OutputStream stdout = System.out;
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = stdin.readLine()) != null) {
      JsonNode message = JSON.readTree(line);
      JsonNode id = message.get("id");
      if (id == null) {
        continue; // a notification
      }
      switch (message.path("method").asText()) {
        case "initialize" -> {
          ObjectNode result = JSON.createObjectNode().put("protocolVersion",
              message.path("params").path("protocolVersion").asText("2025-11-25"));
          result.putObject("capabilities").putObject("tools");
          result.putObject("serverInfo").put("name", "floor").put("version", "1");
          write(stdout, id, result);
        }
        case "tools/call" -> chat(stdout, endpoint, id, message.path("params").path("arguments").path("prompt").asText(),
            ALWAYS_STREAM || message.path("params").path("_meta").hasNonNull("progressToken"));
        default -> write(stdout, id, JSON.createObjectNode());
      }
    }
    System.exit(0);
  }

  private static void chat(OutputStream stdout, URI endpoint, JsonNode id, String prompt, boolean stream) {
    ObjectNode body = JSON.createObjectNode().put("model", "floor").put("stream", stream);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    HttpRequest request = HttpRequest.newBuilder(endpoint).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
      ObjectNode result = JSON.createObjectNode();
      String text;
      try {
        text = failure != null ? "failed: " + failure : response.statusCode() != 200
            ? "failed: HTTP " + response.statusCode() : stream ? sse(response.body())
            : JSON.readTree(response.body()).path("choices").path(0).path("message").path("content").asText("");
      } catch (IOException e) {
        text = "failed: " + e;
      }
      String thread = UUID.randomUUID().toString();
      CHECKPOINTS.put(thread, prompt + "\n" + text);
      result.putArray("content").addObject().put("type", "text").put("text", text);
      result.put("isError", text.startsWith("failed: "));
      write(stdout, id, result);
    });
  }

  /** Joins the {@code choices[0].delta.content} of every {@code data:} event up to {@code [DONE]}. */
  private static String sse(String stream) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String event : stream.split("\n")) {
      if (!event.startsWith("data:")) {
        continue;
      }
      String data = event.substring(5).trim();
      if (data.equals("[DONE]")) {
        break;
      }
      text.append(JSON.readTree(data).path("choices").path(0).path("delta").path("content").asText(""));
    }
    return text.toString();
  }

  private static void write(OutputStream stdout, JsonNode id, JsonNode result) {
    ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
    answer.set("id", id);
    answer.set("result", result);
    byte[] bytes = (answer + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (stdout) {
      try {
        stdout.write(bytes);
        stdout.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
