package dev.zen.mcp;

import dev.zen.agent.PromptSpec;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** The host's {@link PromptSpec}s as MCP prompts: {@code prompts/get} answers one user message. */
final class Prompts {
  private Prompts() {}

  static List<McpServerFeatures.AsyncPromptSpecification> specifications(List<PromptSpec> prompts) {
    return prompts.stream().map(Prompts::specification).toList();
  }

  private static McpServerFeatures.AsyncPromptSpecification specification(PromptSpec spec) {
    List<McpSchema.PromptArgument> arguments = spec.arguments().stream()
        .map(argument -> new McpSchema.PromptArgument(argument.name(), argument.description()
            + " (default " + argument.defaultValue() + ")", false))
        .toList();
    McpSchema.Prompt prompt = new McpSchema.Prompt(spec.name(), spec.description(), arguments);
    return new McpServerFeatures.AsyncPromptSpecification(prompt, (exchange, request) -> {
      Map<String, String> values = new LinkedHashMap<>();
      if (request.arguments() != null) {
        // Clients send strings; anything else is rendered as text rather than refused.
        request.arguments().forEach((key, value) -> values.put(key, value == null ? "" : String.valueOf(value)));
      }
      String text = spec.render(values);
      return Mono.just(new McpSchema.GetPromptResult(spec.description(),
          List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text)))));
    });
  }
}
