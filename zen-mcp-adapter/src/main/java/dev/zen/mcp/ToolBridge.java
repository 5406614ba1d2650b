package dev.zen.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.ZenException;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolProgress;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.UnknownToolException;
import dev.zen.internal.Futures;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Turns the host's tools into MCP tools and runs calls.
 *
 * <p>A call's handler returns at once: the host's {@code call} is started on the call executor
 * (so whatever it does before going asynchronous never holds the stdin reader or a Reactor
 * thread), and its future completes the MCP answer from whichever thread finishes it. Disposing
 * the answer (the transport does so on {@code notifications/cancelled}) cancels that future,
 * which cancels the run and aborts its model calls.
 *
 * <p>Failures never reach the SDK, which would turn them into {@code -32603}: a failed future, a
 * thrown exception or a cancelled run becomes an {@code isError} result whose text says what
 * happened and what to do. Unknown tools and malformed {@code tools/call} params are refused
 * before the SDK sees them ({@link #check}), with {@code -32602} and the tool's name.
 *
 * <p>Each call is a span ({@link ToolTracer}; a child of the trace context in the request's
 * {@code _meta} when the client sent one) under which the agent's run and model calls record theirs,
 * and its log lines carry the tool and the conversation in the MDC ({@value #MDC_TOOL},
 * {@value #MDC_CONVERSATION}) on the thread that starts it.
 */
final class ToolBridge {
  private static final Logger LOG = LoggerFactory.getLogger(ToolBridge.class);

  /** The transport context key under which a transport passes the caller's principal (a String). */
  static final String PRINCIPAL = "dev.zen.mcp.principal";
  /** The transport context key under which a transport passes the JSON-RPC request's id. */
  static final String REQUEST_ID = "dev.zen.mcp.requestId";
  /** The transport context key of the HTTP request's {@code traceparent}/{@code tracestate} headers (a Map). */
  static final String TRACE_HEADERS = "dev.zen.mcp.traceHeaders";
  /** MDC key: the tool a log line's call runs. */
  static final String MDC_TOOL = "tool";
  /** MDC key: the conversation ({@code continuation_id}) a log line's call continues, when it does. */
  static final String MDC_CONVERSATION = "conversation_id";

  private final ToolHost host;
  private final Executor executor;
  private final String loggerPrefix;
  private final Map<String, ToolSpec> tools;
  private final @Nullable Duration callTimeout;
  private final Set<Run> running = ConcurrentHashMap.newKeySet();
  private final ToolTracer tracer = ToolTracer.automatic();

  /** {@code serverName} names the log notifications of each tool: {@code <serverName>.<tool>}. */
  ToolBridge(ToolHost host, Executor executor, String serverName) {
    this(host, executor, serverName, null);
  }

  /** As above; a call still running after {@code callTimeout} is stopped and answered with an error. */
  ToolBridge(ToolHost host, Executor executor, String serverName, @Nullable Duration callTimeout) {
    this.host = host;
    this.executor = executor;
    this.callTimeout = callTimeout;
    this.loggerPrefix = serverName + ".";
    Map<String, ToolSpec> byName = new LinkedHashMap<>();
    for (ToolSpec spec : host.tools()) {
      byName.put(spec.name(), spec);
    }
    this.tools = byName;
  }

  List<McpServerFeatures.AsyncToolSpecification> specifications() {
    List<McpServerFeatures.AsyncToolSpecification> specifications = new ArrayList<>();
    for (ToolSpec spec : tools.values()) {
      McpSchema.Tool.Builder tool = McpSchema.Tool.builder(spec.name(), spec.inputSchema())
          .description(spec.description());
      // With an output schema the SDK checks each non-error answer's structured content through
      // ToolSchemas before sending it.
      spec.outputSchemaIfDeclared().ifPresent(tool::outputSchema);
      ToolSpec.Hints hints = spec.hints();
      if (hints != null) {
        // Only the hints that differ from MCP's defaults are sent: the tool list has a size budget.
        tool.annotations(new McpSchema.ToolAnnotations(hints.title(), hints.readOnly() ? true : null,
            !hints.readOnly() && hints.destructive() ? true : null, hints.idempotent() ? true : null,
            hints.openWorld() ? true : null, null));
      }
      specifications.add(McpServerFeatures.AsyncToolSpecification.builder()
          .tool(tool.build())
          .callHandler((exchange, request) -> Mono.create(sink -> new Run(spec.name(), exchange, request, sink).start()))
          .build());
    }
    return specifications;
  }

  /** Checks {@code tools/call} params before the SDK does; {@code null} lets the call through. */
  @Nullable JSONRPCError check(@Nullable JsonNode params) {
    List<String> names = List.copyOf(tools.keySet());
    JsonNode name = params == null ? null : params.get("name");
    if (params == null || name == null || !name.isTextual()) {
      return invalidParams("Invalid params: tools/call needs \"name\", the tool to run (" + String.join(", ", names) + ")",
          null);
    }
    String tool = name.asText();
    if (!tools.containsKey(tool)) {
      boolean disabled = host.disabledTools().contains(tool.toLowerCase(Locale.ROOT));
      // The agent's own wording, so an embedder and an MCP client read the same sentence.
      String message = new UnknownToolException(tool, names, disabled).getMessage();
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("tool", tool);
      data.put("available", names);
      return invalidParams(Character.toUpperCase(message.charAt(0)) + message.substring(1), data);
    }
    JsonNode arguments = params.get("arguments");
    if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
      return invalidParams("Invalid params: \"arguments\" of " + tool + " must be a JSON object of named "
          + "arguments, not a " + arguments.getNodeType().name().toLowerCase(Locale.ROOT), null);
    }
    JsonNode meta = params.get("_meta");
    if (meta != null && !meta.isNull()) {
      JsonNode token = meta.isObject() ? meta.get("progressToken") : null;
      if (!meta.isObject() || token != null && !token.isNull() && Inbound.id(token) == null) {
        return invalidParams("Invalid params: \"_meta\" must be an object whose progressToken is a string or "
            + "an integer", null);
      }
    }
    return null;
  }

  /** Calls running now. */
  int running() {
    return running.size();
  }

  /**
   * Stops every running call and answers each with an error result saying why (a server that
   * shuts down answers what it cannot finish, rather than leaving the client waiting).
   */
  void stopAll(String reason) {
    for (Run run : List.copyOf(running)) {
      run.stop(reason);
    }
  }

  private static JSONRPCError invalidParams(String message, @Nullable Object data) {
    return new JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, message, data);
  }

  /** One call in progress, from the handler's subscription to the answer. */
  private final class Run {
    private final String tool;
    private final McpAsyncServerExchange exchange;
    private final McpSchema.CallToolRequest request;
    private final MonoSink<CallToolResult> sink;
    private final long startNanos = System.nanoTime();
    private @Nullable CompletableFuture<ToolResult> future;
    private boolean cancelled;
    private boolean finished;
    private @Nullable String stopReason;
    private ToolTracer.CallSpan span = ToolTracer.Noop.INSTANCE;
    private @Nullable String conversation;

    Run(String tool, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request, MonoSink<CallToolResult> sink) {
      this.tool = tool;
      this.exchange = exchange;
      this.request = request;
      this.sink = sink;
    }

    void start() {
      sink.onCancel(this::cancel);
      log(LoggingLevel.DEBUG, tool + ": started");
      ToolCall.Builder call = ToolCall.builder(tool);
      try {
        call.arguments(request.arguments() == null ? Map.of() : request.arguments());
      } catch (RuntimeException e) {
        finish(null, e);
        return;
      }
      Object token = request.progressToken();
      if (token != null) {
        call.progressListener(progress -> progress(token, progress));
      }
      if (exchange.transportContext() != null
          && exchange.transportContext().get(PRINCIPAL) instanceof String principal) {
        call.principal(principal);
      }
      ToolCall built = call.build();
      if (built.arguments().get("continuation_id") instanceof String id && !id.isBlank()) {
        conversation = id;
      }
      Object requestId = exchange.transportContext() == null ? null : exchange.transportContext().get(REQUEST_ID);
      span = tracer.start(tool, exchange.sessionId(), requestId == null ? null : String.valueOf(requestId),
          traceCarrier(), conversation);
      running.add(this);
      try {
        span.propagating(executor).execute(() -> run(built));
      } catch (RejectedExecutionException e) {
        finish(null, new CancellationException("the server is shutting down"));
        return;
      }
      Duration timeout = callTimeout;
      if (timeout != null) {
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run)
            .execute(() -> stop("it ran longer than the server's limit of " + human(timeout) + " per call"));
      }
    }

    /** The request's {@code _meta} when it carries a traceparent; else the HTTP request's trace headers. */
    @SuppressWarnings("unchecked")
    private @Nullable Map<String, Object> traceCarrier() {
      Map<String, Object> meta = request.meta();
      if (meta != null && meta.get("traceparent") instanceof String) {
        return meta;
      }
      Object headers = exchange.transportContext() == null ? null : exchange.transportContext().get(TRACE_HEADERS);
      return headers instanceof Map<?, ?> map ? (Map<String, Object>) map : meta;
    }

    /** Cancels the host's work but, unlike a client's cancellation, answers: with an error naming {@code reason}. */
    void stop(String reason) {
      CompletableFuture<ToolResult> current;
      synchronized (this) {
        if (finished || cancelled) {
          return;
        }
        stopReason = reason;
        current = future;
      }
      if (current != null) {
        current.cancel(true);
      }
      finish(null, new CancellationException(reason));
    }

    private void run(ToolCall call) {
      synchronized (this) {
        if (cancelled) {
          return;
        }
      }
      CompletableFuture<ToolResult> future;
      MDC.put(MDC_TOOL, tool);
      if (conversation != null) {
        MDC.put(MDC_CONVERSATION, conversation);
      }
      try {
        future = host.call(call);
      } catch (RuntimeException e) {
        finish(null, e);
        return;
      } finally {
        MDC.remove(MDC_TOOL);
        MDC.remove(MDC_CONVERSATION);
      }
      boolean cancelNow;
      synchronized (this) {
        this.future = future;
        cancelNow = cancelled || stopReason != null;
      }
      if (cancelNow) {
        future.cancel(true);
        return;
      }
      future.whenComplete(this::finish);
    }

    private void cancel() {
      CompletableFuture<ToolResult> future;
      synchronized (this) {
        if (finished) {
          return;
        }
        cancelled = true;
        future = this.future;
      }
      running.remove(this);
      span.end("cancelled");
      LOG.debug("{}: cancelled by the client after {} ms", tool, elapsedMillis());
      if (future != null) {
        future.cancel(true);
      }
    }

    private void progress(Object token, ToolProgress progress) {
      McpSchema.ProgressNotification notification = new McpSchema.ProgressNotification(token,
          (double) progress.progress(), progress.total() == null ? null : progress.total().doubleValue(),
          progress.message(), null);
      // Under the lock so no report can be queued after the answer: MCP allows progress only
      // while the request is active.
      synchronized (this) {
        if (finished || cancelled) {
          return;
        }
        exchange.progressNotification(notification)
            .subscribe(null, error -> LOG.debug("could not send progress of {}", tool, error));
      }
    }

    private void finish(@Nullable ToolResult result, @Nullable Throwable failure) {
      running.remove(this);
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
        if (cancelled) {
          return;
        }
        if (stopReason != null && result == null) {
          failure = new CancellationException(stopReason);
        }
      }
      if (result != null && result.continuationId() != null) {
        span.answered(result.continuationId());
      }
      span.end(errorType(result, failure));
      CallToolResult answer = result != null ? answer(result) : failed(failure);
      sink.success(answer);
    }

    /**
     * {@code error.type} of the call's span and duration: {@code tool_error} for an error result
     * (as the MCP conventions say), {@code cancelled} for a call stopped before it finished, the
     * exception's simple class name for a failure (as the GenAI spans name it); none for an answer.
     */
    private static @Nullable String errorType(@Nullable ToolResult result, @Nullable Throwable failure) {
      if (result != null) {
        return result.isError() ? "tool_error" : null;
      }
      Throwable cause = failure == null ? null : Futures.unwrap(failure);
      return cause == null || cause instanceof CancellationException ? "cancelled" : cause.getClass().getSimpleName();
    }

    private CallToolResult answer(ToolResult result) {
      if (result.isError()) {
        log(LoggingLevel.WARNING, tool + ": error result after " + elapsedMillis() + " ms: " + firstLine(result.text()));
      } else {
        log(LoggingLevel.DEBUG, tool + ": answered in " + elapsedMillis() + " ms");
      }
      return CallToolResult.builder()
          .addTextContent(result.text())
          .structuredContent(result.structuredContent())
          .isError(result.isError())
          .build();
    }

    private CallToolResult failed(@Nullable Throwable failure) {
      Throwable cause = failure == null ? new IllegalStateException("no result and no failure") : Futures.unwrap(failure);
      String message;
      if (cause instanceof CancellationException) {
        message = tool + " was stopped before it finished (" + (cause.getMessage() == null ? "cancelled"
            : cause.getMessage()) + "); call it again";
      } else if (cause instanceof ZenException zen) {
        LOG.warn("{} failed: {}", tool, zen.getMessage(), LOG.isDebugEnabled() ? zen : null);
        message = tool + " failed: " + zen.getMessage()
            + (zen.isRetriable() ? " (this is likely temporary: call the tool again)" : "");
      } else {
        LOG.error("{} failed with an unexpected exception", tool, cause);
        message = tool + " failed with an internal error (" + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
            + "); the server's log on stderr has the details";
      }
      log(LoggingLevel.ERROR, message);
      Map<String, Object> structured = new LinkedHashMap<>();
      structured.put("status", "error");
      structured.put("content", message);
      return CallToolResult.builder().addTextContent(message).structuredContent(structured).isError(true).build();
    }

    private void log(LoggingLevel level, String text) {
      exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder(level, text)
          .logger(loggerPrefix + tool).build()).subscribe(null, error -> LOG.debug("could not send a log notification", error));
    }

    private long elapsedMillis() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }
  }

  private static String human(Duration duration) {
    if (duration.toMillis() < 1_000) {
      return duration.toMillis() + " ms";
    }
    long seconds = duration.toSeconds();
    return seconds >= 120 && seconds % 60 == 0 ? seconds / 60 + " minutes" : Math.max(1, seconds) + " s";
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }
}
