package dev.zen.agent.badfixture;

import dev.langchain4j.model.chat.ChatModel;

/** Deliberately bad: an agent tool talking to a langchain4j model instead of the ModelGateway SPI. */
public final class ToolCallingLangChain4j {
  static String ask(ChatModel model) {
    return String.valueOf(model);
  }
}
