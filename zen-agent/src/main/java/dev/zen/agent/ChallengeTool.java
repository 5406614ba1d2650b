package dev.zen.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the client re-examine a statement instead of agreeing by reflex. No model is called: the
 * answer is the instruction for the client's own model, stored in the conversation like any turn.
 */
final class ChallengeTool extends ZenTool {
  ChallengeTool() {
    super("challenge", "Make the client critically re-examine a statement or claim instead of agreeing by reflex; "
        + "returns instructions, no model is called.", List.of(PROMPT, CONTINUATION));
  }

  @Override
  boolean usesModel() {
    return false;
  }

  @Override
  ToolNode node() {
    return (turn, node) -> {
      String statement = turn.prompt();
      String instructions = Prompts.fill(Prompts.get("challenge"), Map.of("prompt", statement));
      return CompletableFuture.completedFuture(new Outcome("challenge_accepted", instructions,
          Map.of("original_statement", statement), false, null, true));
    };
  }
}
