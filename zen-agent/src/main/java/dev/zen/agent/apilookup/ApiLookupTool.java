package dev.zen.agent.apilookup;

import dev.zen.agent.Prompts;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.ZenTool;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the client to current documentation. Models' training data lags behind releases; the
 * client has web search, Zen's models may not, so the answer is a research plan for the client.
 */
public final class ApiLookupTool extends ZenTool {
  public ApiLookupTool() {
    super("apilookup", "Get instructions to look up current API, SDK or library documentation and versions with your "
        + "web search, so answers do not rely on outdated training data.", List.of(ToolParam.PROMPT));
  }

  @Override
  protected String title() {
    return "API lookup";
  }

  @Override
  protected boolean usesModel() {
    return false;
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    String date = LocalDate.ofInstant(context.clock().instant(), ZoneOffset.UTC).toString();
    String text = Prompts.fill(Prompts.load(ApiLookupTool.class, "apilookup.txt"),
        Map.of("date", date, "prompt", context.prompt()));
    return CompletableFuture.completedFuture(ToolOutcome.notice("success", text).withExtra(Map.of("date", date)));
  }
}
