package dev.zen.agent.chat;

import dev.zen.agent.Prompts;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.ZenTool;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatReply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A second opinion: one model answers the prompt with the files and the conversation so far. */
public final class ChatTool extends ZenTool {
  public ChatTool() {
    super("chat", "A second opinion, explanation or brainstorm from another AI model, with optional files and images.",
        List.of(ToolParam.PROMPT, ToolParam.FILES, ToolParam.IMAGES, ToolParam.MODEL, ToolParam.TEMPERATURE,
            ToolParam.THINKING_MODE, ToolParam.CONTINUATION));
  }

  @Override
  protected ToolCategory category() {
    return ToolCategory.FAST;
  }

  @Override
  protected boolean usesModel() {
    return true;
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    ModelSpec model = context.model();
    CompletableFuture<ChatReply> call = context.stream(context.request(model,
        context.messages(Prompts.load(ChatTool.class, "chat.txt"), context.prompt())), "chat (" + model.name() + ")");
    return Futures.cancelling(call.handle((reply, error) -> {
      if (error != null) {
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof CancellationException) {
          throw new CompletionException(cause);
        }
        return ToolOutcome.modelFailure(model.name(), cause);
      }
      return ToolOutcome.answer(reply.text(), model.name()).withExtra(Map.of("latency_ms", reply.latency().toMillis()));
    }), call);
  }
}
