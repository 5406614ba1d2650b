package dev.zen.gateway;

import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import java.util.Objects;

/** What one model of a {@link ModelFanOut} did: answered, or failed. */
public sealed interface ModelOutcome permits ModelOutcome.Answered, ModelOutcome.Failed {

  /** The request this outcome belongs to. */
  ChatRequest request();

  /** The model that was asked, as the request named it. */
  default String model() {
    return request().model();
  }

  /** The model answered. */
  record Answered(ChatRequest request, ChatReply reply) implements ModelOutcome {
    public Answered {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(reply, "reply");
    }
  }

  /**
   * The model did not answer: usually a {@link dev.zen.ZenException}, a
   * {@link java.util.concurrent.CancellationException} when its call was cancelled.
   */
  record Failed(ChatRequest request, Throwable error) implements ModelOutcome {
    public Failed {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(error, "error");
    }
  }
}
