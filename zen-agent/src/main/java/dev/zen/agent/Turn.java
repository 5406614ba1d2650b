package dev.zen.agent;

import dev.zen.gateway.ModelSpec;
import dev.zen.spi.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * One call while its graph runs: the checked arguments, what the nodes prepared (models, files,
 * history budget), the outcome and the final result. It lives in memory only, beside the graph
 * state, so file contents and listeners never reach a checkpoint. Nodes run one after another and
 * hand it over through futures; the fields are volatile for the progress and cancel paths, which
 * run on other threads.
 */
final class Turn {
  final String callId;
  final ZenTool tool;
  final Map<String, Object> args;
  final String threadId;
  /** Whether the call belongs to a stored conversation (continuable tools). */
  final boolean persistent;
  /** Whether the call continues an existing conversation. */
  final boolean continued;
  final Progress progress;
  final AgentEngine engine;
  private final ConcurrentLinkedQueue<Future<?>> inFlight = new ConcurrentLinkedQueue<>();
  private volatile boolean cancelled;

  volatile List<Map<String, Object>> history = List.of();
  /** What this tool kept on the thread after its previous call ({@link Outcome#toolState()}). */
  volatile Map<String, Object> toolState = Map.of();
  volatile List<ModelSpec> models = List.of();
  volatile FileBundle files = FileBundle.EMPTY;
  volatile int historyBudget;
  volatile @Nullable Outcome outcome;
  volatile @Nullable ToolResult result;

  Turn(String callId, ZenTool tool, Map<String, Object> args, String threadId, boolean persistent, boolean continued,
      Progress progress, AgentEngine engine) {
    this.callId = callId;
    this.tool = tool;
    this.args = Map.copyOf(args);
    this.threadId = threadId;
    this.persistent = persistent;
    this.continued = continued;
    this.progress = progress;
    this.engine = engine;
  }

  @Nullable String string(String name) {
    return args.get(name) instanceof String text ? text : null;
  }

  @Nullable Double number(String name) {
    return args.get(name) instanceof Double number ? number : null;
  }

  List<String> strings(String name) {
    if (args.get(name) instanceof List<?> list) {
      return list.stream().map(String.class::cast).toList();
    }
    return List.of();
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> objects(String name) {
    return args.get(name) instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  /** The prompt the model answers: a {@code prompt.txt} the client passed, then the prompt argument. */
  String prompt() {
    String inline = string("prompt");
    String fromFile = files.promptFromFile();
    if (fromFile == null) {
      return inline == null ? "" : inline;
    }
    return inline == null || inline.isBlank() ? fromFile : fromFile + "\n\n" + inline;
  }

  ModelSpec model() {
    if (models.isEmpty()) {
      throw new IllegalStateException("the model router did not run for tool " + tool.name());
    }
    return models.get(0);
  }

  /**
   * The messages for one model request: the system prompt, the conversation so far (within the
   * history budget), then one user message with the files and {@code request}.
   */
  List<ChatMessage> messages(String systemPrompt, String request) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(ChatMessage.system(systemPrompt));
    Conversation.History history = Conversation.history(this.history, historyBudget);
    messages.addAll(history.messages());
    StringBuilder user = new StringBuilder();
    if (history.omittedTurns() > 0) {
      user.append("(").append(history.omittedTurns()).append(" earlier turns of this conversation were left out "
          + "for lack of context space.)\n\n");
    }
    user.append(files.block());
    String notes = files.notes();
    if (!notes.isEmpty()) {
      user.append(notes);
    }
    List<String> images = strings("images");
    if (!images.isEmpty()) {
      user.append("Images the user referred to (not attached: this gateway sends text only): ")
          .append(String.join(", ", images)).append('\n');
    }
    if (user.length() > 0) {
      user.append("\n=== REQUEST ===\n");
    }
    user.append(request);
    messages.add(ChatMessage.user(user.toString()));
    return messages;
  }

  /** Registers a model call so cancelling the call reaches it even if the graph has moved on. */
  <T> CompletableFuture<T> track(CompletableFuture<T> future) {
    inFlight.add(future);
    future.whenComplete((value, error) -> inFlight.remove(future));
    if (cancelled) {
      future.cancel(true);
    }
    return future;
  }

  void cancel() {
    cancelled = true;
    Future<?> future;
    while ((future = inFlight.poll()) != null) {
      future.cancel(true);
    }
  }
}
