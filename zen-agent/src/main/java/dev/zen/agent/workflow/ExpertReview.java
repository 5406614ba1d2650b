package dev.zen.agent.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.InvalidRequestException;
import dev.zen.ZenException;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.internal.JsonMappers;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ContentPart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * The final step's one expert call (the reference's A.4.4): everything the workflow gathered, the
 * files of the whole thread within the model's budget, and the conversation's turns from other
 * tools, sent to the model; its reply parsed when it is JSON, special statuses promoted. A reply
 * to an identical request is served from the thread's cache instead of paying for it again.
 */
final class ExpertReview {
  private static final ObjectMapper JSON = JsonMappers.create();
  /** Expert statuses that become the answer's status: the workflow is not done, the agent must act. */
  static final Set<String> PROMOTED = Set.of("files_required_to_continue", "investigation_paused",
      "refactoring_paused", "focused_review_required", "full_codereview_required", "test_sample_needed",
      "more_tests_required", "no_bug_found");

  private final WorkflowTool tool;
  private final ToolContext context;
  private final WorkflowState state;
  private final WorkflowStep step;
  private final Consolidated work;

  ExpertReview(WorkflowTool tool, ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    this.tool = tool;
    this.context = context;
    this.state = state;
    this.step = step;
    this.work = work;
  }

  CompletableFuture<ToolOutcome> run() {
    CompletableFuture<String> requesting = tool.expertContext(context, state).thenApply(this::request);
    CompletableFuture<String> files = requesting.thenCompose(request ->
        context.attachFiles(List.copyOf(work.relevantFiles), request)
            .thenCompose(loaded -> context.attachImages(List.copyOf(work.images)))
            .thenApply(loaded -> request));
    // On the node's executor (ToolContext#executor): files may load on an I/O thread without the
    // node's trace context, and the expert's model call belongs under the node.
    CompletableFuture<ToolOutcome> outcome = files.handleAsync((request, error) -> {
      if (error == null) {
        return ask(request);
      }
      Throwable cause = Futures.unwrap(error);
      return cause instanceof InvalidRequestException invalid
          ? CompletableFuture.completedFuture(ToolOutcome.error(invalid.getMessage()))
          : CompletableFuture.<ToolOutcome>failedFuture(cause);
    }, context.executor()).thenCompose(next -> next);
    return Futures.cancelling(outcome, files);
  }

  private CompletableFuture<ToolOutcome> ask(String request) {
    ModelSpec model = context.model();
    String system = tool.prompt(tool.definition.expertPrompt()) + "\n\n" + tool.prompt("expert_common.txt");
    // The workflow's own steps are in the request already; other tools' turns are context the expert lacks.
    List<ChatMessage> messages = context.messages(system, request, turn -> !turn.tool().equals(tool.name()));
    ChatRequest chat = context.request(model, messages);
    String hash = hash(chat);
    WorkflowState.CachedExpert cached = state.expertCache().get(hash);
    if (cached != null) {
      context.progress(tool.name() + ": the expert already answered this exact request; using that answer");
      return CompletableFuture.completedFuture(answer(cached.model(), cached.reply(), hash, true));
    }
    CompletableFuture<dev.zen.spi.ChatReply> call = context.stream(chat, tool.name() + " expert (" + model.name() + ")");
    return Futures.cancelling(call.handle((reply, error) -> {
      if (error != null) {
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof CancellationException) {
          throw new CompletionException(cause);
        }
        return ToolOutcome.error("The expert model '" + model.name() + "' failed: " + Futures.describe(cause)
            + ". The " + tool.name() + " workflow is unchanged: " + (ZenException.isRetriable(cause)
                ? "this is likely temporary, send the final step again to retry"
                : "sending the final step again the same way will not help; choose another model")
            + ", or set use_assistant_model to false to finish without an expert.");
      }
      return answer(model.name(), reply.text(), hash, false);
    }), call);
  }

  private ToolOutcome answer(String model, String reply, String hash, boolean fromCache) {
    Vocabulary words = tool.definition.vocabulary();
    if (reply.isBlank()) {
      return ToolOutcome.error("The expert model '" + model + "' returned an empty answer (empty_response). Send the "
          + "final step again to retry, or choose another model.");
    }
    Map<String, Object> parsed = parse(reply);
    String expertStatus = parsed == null ? null : parsed.get("status") instanceof String s ? s : null;
    if ("analysis_error".equals(expertStatus)) {
      return ToolOutcome.error("The expert model '" + model + "' could not analyse the work: "
          + parsed.getOrDefault("error", parsed.getOrDefault("message", reply)) + ". Send the final step again to retry.");
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("model", model);
    meta.put("request_hash", hash);
    meta.put("cached", fromCache);
    Map<String, Object> more = new LinkedHashMap<>();
    String status;
    String nextSteps;
    if (expertStatus != null && PROMOTED.contains(expertStatus)) {
      status = expertStatus;
      nextSteps = expertStatus.equals("files_required_to_continue")
          ? "Provide the requested files (add them to relevant_files) and send the final step again to continue the "
              + "analysis."
          : "The expert paused the " + tool.name() + " (" + expertStatus + "): do what its answer asks, then send the "
              + "final step again.";
    } else {
      status = words.complete();
      nextSteps = tool.name().toUpperCase(Locale.ROOT) + " IS COMPLETE. You MUST now summarize and present the "
          + "results to the user: the expert's analysis and your own findings, the issues by severity with file and "
          + "line references, and the recommended next actions.";
      more.put("important_considerations", "The expert saw only what this workflow gathered. Validate its "
          + "conclusions against the code before acting on them; where it disagrees with your findings, check both.");
    }
    if (parsed != null) {
      more.put("expert_analysis", parsed);
    } else {
      more.put("expert_analysis", Map.of("status", "analysis_complete", "format", "text",
          "note", "the analysis is the text of this result"));
    }
    more.put("expert", meta);
    ToolOutcome done = Responses.complete(tool, state, step, work, status, nextSteps, more);
    String headline = status + ": " + (fromCache ? "the expert's earlier answer to this same request (from the cache)"
        : "the expert (" + model + ") reviewed " + work.steps.size() + " steps") + ".";
    String analysis = parsed != null ? pretty(parsed) : reply.strip();
    String text = headline + "\n\n## Expert analysis\n" + analysis + "\n\n## Next steps\n" + nextSteps;
    WorkflowState kept = fromCache ? state
        : state.withExpert(hash, new WorkflowState.CachedExpert(model, reply, context.clock().millis()));
    // A parsed analysis is in expert_analysis already; a text one is said once, here.
    return ToolOutcome.notice(status, text).remembered(true).withExtra(done.extra())
        .withStructuredText(parsed != null ? headline : headline + "\n\n" + analysis)
        .withState(kept, WorkflowStateCodec.INSTANCE);
  }

  /** The expert's request: the work summary, the tool's extra sections, its closing instruction. */
  String request(String extra) {
    StringBuilder text = new StringBuilder(Responses.workSummary(tool.name(), state, work)).append(extra);
    if ("almost_certain".equals(work.confidence) && tool.name().equals("debug")) {
      text.append("=== ALMOST CERTAIN ===\nThe agent is almost certain of its hypothesis. Confirm or refute it with "
          + "evidence from the code; do not simply agree.\n\n");
    }
    return text.append(tool.definition.closing()).toString();
  }

  static @Nullable Map<String, Object> parse(String reply) {
    String text = reply.strip();
    if (text.startsWith("```")) {
      int firstLine = text.indexOf('\n');
      int fence = text.lastIndexOf("```");
      if (firstLine > 0 && fence > firstLine) {
        text = text.substring(firstLine + 1, fence).strip();
      }
    }
    if (!text.startsWith("{")) {
      return null;
    }
    try {
      return JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException notJson) {
      return null;
    }
  }

  private static String pretty(Map<String, Object> parsed) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(parsed);
    } catch (JsonProcessingException e) {
      return parsed.toString();
    }
  }

  /** What makes two expert requests the same: model, sampling, and every message's text and images. */
  static String hash(ChatRequest request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      update(digest, request.model());
      update(digest, request.temperature().map(String::valueOf).orElse(""));
      for (ChatMessage message : request.messages()) {
        update(digest, message.role().name());
        for (ContentPart part : message.parts()) {
          update(digest, part instanceof ContentPart.Text t ? t.text() : ((ContentPart.Image) part).url().toString());
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void update(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update((byte) (bytes.length >>> 24));
    digest.update((byte) (bytes.length >>> 16));
    digest.update((byte) (bytes.length >>> 8));
    digest.update((byte) bytes.length);
    digest.update(bytes);
  }
}
