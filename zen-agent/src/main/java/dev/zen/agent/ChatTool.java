package dev.zen.agent;

import dev.zen.internal.Futures;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import dev.zen.spi.ChatReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A second opinion: one model answers the prompt with the files and the conversation so far. */
final class ChatTool extends ZenTool {
  ChatTool() {
    super("chat", "Ask another AI model for a second opinion, an explanation or a brainstorm, with optional files "
        + "and images; continue the conversation with continuation_id.",
        List.of(PROMPT, FILES, IMAGES, MODEL, TEMPERATURE, CONTINUATION));
  }

  @Override
  ToolCategory category() {
    return ToolCategory.FAST;
  }

  @Override
  boolean usesModel() {
    return true;
  }

  @Override
  ToolNode node() {
    return (turn, node) -> {
      ModelSpec model = turn.model();
      CompletableFuture<ChatReply> call = ModelCalls.stream(turn,
          ModelCalls.request(model, turn.messages(Prompts.get("chat"), turn.prompt()), turn.number("temperature")),
          "chat (" + model.name() + ")");
      return Futures.cancelling(call.handle((reply, error) -> {
        if (error != null) {
          Throwable cause = Futures.unwrap(error);
          if (cause instanceof CancellationException) {
            throw new CompletionException(cause);
          }
          return Outcome.error(ModelCalls.failure(model.name(), cause));
        }
        return Outcome.answer(reply.text(), model.name(), usage(reply));
      }), call);
    };
  }

  static Map<String, Object> usage(ChatReply reply) {
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("input_tokens", reply.usage().inputTokens());
    usage.put("output_tokens", reply.usage().outputTokens());
    usage.put("latency_ms", reply.latency().toMillis());
    return Map.of("usage", usage);
  }
}
