package dev.zen.gateway;

import dev.langchain4j.model.chat.ChatModel;

/**
 * Deliberately bad (test sources only): zen-gateway's own package naming a langchain4j type. It
 * lives in dev.zen.gateway itself because that rule guards exactly that package.
 */
public final class GatewayHelperUsingLangChain4j {
  static String describe(ChatModel model) {
    return String.valueOf(model);
  }
}
