package dev.zen.agent.challenge;

import dev.zen.agent.Prompts;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.ZenTool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the client re-examine a statement instead of agreeing by reflex. No model is called: the
 * answer is the instruction for the client's own model, stored in the conversation like any turn.
 */
public final class ChallengeTool extends ZenTool {
  public ChallengeTool() {
    super("challenge", "Make the client critically re-examine a statement or claim instead of agreeing by reflex; "
        + "returns instructions, no model is called.", List.of(ToolParam.PROMPT, ToolParam.CONTINUATION));
  }

  @Override
  protected boolean usesModel() {
    return false;
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    String statement = context.prompt();
    String instructions = Prompts.fill(Prompts.load(ChallengeTool.class, "challenge.txt"), Map.of("prompt", statement));
    return CompletableFuture.completedFuture(ToolOutcome.notice("challenge_accepted", instructions)
        .remembered(true)
        .withExtra(Map.of("original_statement", statement)));
  }
}
