package dev.zen.agent.badfixture;

import dev.zen.gateway.langchain4j.OpenAiCompatibleGateway;

/** Deliberately bad: an agent tool naming one gateway implementation instead of the SPI. */
public final class ToolUsingTheOpenAiGateway {
  static String ask(OpenAiCompatibleGateway gateway) {
    return String.valueOf(gateway);
  }
}
