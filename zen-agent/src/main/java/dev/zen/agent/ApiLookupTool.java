package dev.zen.agent;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the client to current documentation. Models' training data lags behind releases; the
 * client has web search, Zen's models may not, so the answer is a research plan for the client.
 */
final class ApiLookupTool extends ZenTool {
  ApiLookupTool() {
    super("apilookup", "Get instructions to look up current API, SDK or library documentation and versions with your "
        + "web search, so answers do not rely on outdated training data.", List.of(PROMPT));
  }

  @Override
  boolean usesModel() {
    return false;
  }

  @Override
  ToolNode node() {
    return (turn, node) -> {
      String date = LocalDate.ofInstant(turn.engine.clock.instant(), ZoneOffset.UTC).toString();
      String text = Prompts.fill(Prompts.get("apilookup"), Map.of("date", date, "prompt", turn.prompt()));
      return CompletableFuture.completedFuture(Outcome.notice("success", text, Map.of("date", date)));
    };
  }
}
