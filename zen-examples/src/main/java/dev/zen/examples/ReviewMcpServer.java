package dev.zen.examples;

import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.RunResult;
import dev.zen.mcp.GraphTool;
import dev.zen.mcp.McpAdapter;
import dev.zen.mcp.StdioSession;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.GatewayInterceptor;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import dev.zen.testkit.ScriptedModelGateway;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReviewAgent} as an MCP server on stdio: {@code java -jar review-mcp-server.jar}, no
 * arguments, no API key (the models are scripted). Two tools:
 *
 * <ul>
 *   <li>{@code review} runs the agent's graph on a change ({@link GraphTool}): one progress
 *       notification per node started, cancellation stops the run and its model call. The graph
 *       pauses for a human before publishing; the tool does not wait for one: it answers the
 *       review with {@code "status": "paused"} and the {@code thread_id} the review waits on.
 *   <li>{@code approve_review} is that human's answer: it resumes the paused thread and publishes
 *       (or rejects) the review. Threads live in memory, as long as this process.
 * </ul>
 *
 * <p>Each model call takes {@value #DEFAULT_LATENCY_MS} ms (system property
 * {@value #LATENCY_PROPERTY}) and is logged on stderr, so a client sees the critics run in
 * parallel and a cancelled call stop. Stdout carries only the protocol.
 */
public final class ReviewMcpServer {
  /** How long each scripted model call takes, in milliseconds. */
  public static final String LATENCY_PROPERTY = "review.modelLatencyMs";
  static final long DEFAULT_LATENCY_MS = 300;

  private static final Logger LOG = LoggerFactory.getLogger(ReviewMcpServer.class);
  private static final String SUBJECT_START = "Review of `";
  private static final ReviewAgent.Models MODELS = new ReviewAgent.Models("drafter", "security-critic", "style-critic");

  private static final Map<String, Object> REVIEW_INPUT = Map.of("type", "object",
      "properties", Map.of("change", Map.of("type", "string", "description", "the change to review: a diff or code")),
      "required", List.of("change"), "additionalProperties", false);
  private static final Map<String, Object> REVIEW_OUTPUT = Map.of("type", "object",
      "properties", Map.of(
          "status", Map.of("type", "string", "description", "paused: waits for approve_review; success: published"),
          "review", Map.of("type", "string"),
          "critiques", Map.of("type", "array", "items", Map.of("type", "string")),
          "thread_id", Map.of("type", "string", "description", "pass it to approve_review")),
      "required", List.of("status", "review", "thread_id"));
  private static final ToolSpec APPROVE = new ToolSpec("approve_review",
      "Publishes (approved: true) or rejects a review that waits for approval.", Map.of("type", "object",
          "properties", Map.of(
              "thread_id", Map.of("type", "string", "description", "the thread_id the review tool answered"),
              "approved", Map.of("type", "boolean")),
          "required", List.of("thread_id", "approved"), "additionalProperties", false));

  private ReviewMcpServer() {}

  public static void main(String[] args) {
    Duration latency = Duration.ofMillis(Long.getLong(LATENCY_PROPERTY, DEFAULT_LATENCY_MS));
    try (MemoryCheckpointStore store = MemoryCheckpointStore.create()) {
      ReviewAgent agent = ReviewAgent.create(loggedModels(latency), store, MODELS);
      McpAdapter adapter = McpAdapter.builder()
          .serverInfo("review-mcp-server", "1.0.0")
          .instructions("Code review by three models. Call review with a change; the review then waits for "
              + "a human: show it, and call approve_review with its thread_id once they decide.")
          .graph(GraphTool.builder("review", agent.graph())
              .description("Reviews a code change: a drafter model writes a review, a security and a style critic "
                  + "check it in parallel, the drafter revises. Answers the review, paused for approval.")
              .inputSchema(REVIEW_INPUT)
              .outputSchema(REVIEW_OUTPUT)
              .input(arguments -> Map.of("change", arguments.get("change")))
              .output(ReviewMcpServer::answer)
              .build())
          // Publishing is one quick step with nothing to abort, so thenApply's future will do here.
          .tool(APPROVE, call -> agent.approve((String) call.arguments().get("thread_id"),
              (Boolean) call.arguments().get("approved")).thenApply(ReviewMcpServer::answer))
          .build();
      try (StdioSession session = adapter.serveStdio()) {
        session.terminated().join();
      }
    }
  }

  /** The run's review for the client; a paused run says what it waits for. */
  static ToolResult answer(RunResult result) {
    String review = result.state().value("review", String.class).orElse("");
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("status", result.interrupted() ? "paused" : "success");
    structured.put("review", review);
    structured.put("critiques", result.state().value("critiques", List.class).orElse(List.of()));
    structured.put("thread_id", result.threadId());
    result.state().value("published", Boolean.class).ifPresent(published -> structured.put("published", published));
    String text = result.interrupted()
        ? review + "\n\n(Waiting for approval before publishing: call approve_review with thread_id "
            + result.threadId() + ".)"
        : review + "\n\n(" + (Boolean.TRUE.equals(structured.get("published")) ? "Published." : "Rejected.") + ")";
    return new ToolResult(text, structured, false, null);
  }

  /** Scripted models, as in {@link ReviewDemo}, each call logged on stderr. */
  static ModelGateway loggedModels(Duration latency) {
    ScriptedModelGateway scripted = ScriptedModelGateway.builder()
        .reply("drafter", "^Review this change", request -> SUBJECT_START + subjectOfDraft(request.lastUserText()) + "`:\n"
            + "1. The retry loop sleeps on the caller's thread.\n2. The API key is logged.")
        .reply("drafter", "^Revise", request -> SUBJECT_START + subjectOfRevision(request.lastUserText()) + "`:\n"
            + "1. Never log the API key: it leaks credentials (security).\n"
            + "2. Replace the sleeping retry loop with a timer.")
        .reply("security-critic", "API key is logged\\.$", "Say why logging the key matters: it is a security leak.")
        .reply("security-critic", ".", "LGTM")
        .reply("style-critic", ".", "LGTM")
        .latency("*", latency)
        .build();
    GatewayInterceptor logCalls = call -> {
      String model = call.request().model();
      LOG.info("{}: asked", model);
      CompletableFuture<ChatReply> reply = call.proceed(call.request());
      reply.whenComplete((value, error) -> LOG.info("{}: {}", model,
          reply.isCancelled() ? "cancelled" : error != null ? "failed (" + error + ")" : "answered"));
      return reply;
    };
    return ModelGateways.intercepted(scripted, List.of(logCalls));
  }

  /** The change's first line, from the draft prompt ("Review this change. ...\n\n" + change). */
  private static String subjectOfDraft(String prompt) {
    int start = prompt.indexOf("\n\n");
    String line = prompt.substring(start < 0 ? 0 : start + 2).strip().lines().findFirst().orElse("");
    return line.length() > 60 ? line.substring(0, 57) + "..." : line;
  }

  /** The same subject, from the revise prompt, which quotes the draft ("Review of `subject`:"). */
  private static String subjectOfRevision(String prompt) {
    int start = prompt.indexOf(SUBJECT_START);
    int end = start < 0 ? -1 : prompt.indexOf("`:", start + SUBJECT_START.length());
    return end < 0 ? "the change" : prompt.substring(start + SUBJECT_START.length(), end);
  }
}
