package dev.zen.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The slash commands of Zen's tools, as the anchor names them ({@code thinkdeeper},
 * {@code review}, {@code continue}, ...): each asks the client's model to use one tool.
 */
final class BuiltInPrompts {
  private static final PromptSpec.Argument MODEL = new PromptSpec.Argument("model",
      "the model to use, or auto", "auto");
  private static final PromptSpec.Argument THINKING = new PromptSpec.Argument("thinking_mode",
      "minimal, low, medium, high or max", "medium");

  /** Prompt name, tool, text. */
  private record Entry(String name, String tool, boolean usesModel, String text) {}

  private static final List<Entry> ENTRIES = List.of(
      new Entry("chat", "chat", true, "Use the chat tool with model {model} (thinking mode {thinking_mode}) to discuss "
          + "this with another model as a thinking partner."),
      new Entry("clink", "clink", false, "Use the clink tool to ask another AI command-line tool about this."),
      new Entry("thinkdeeper", "thinkdeep", true, "Use the thinkdeep tool with model {model} (thinking mode "
          + "{thinking_mode}) to think this through step by step and have the result validated."),
      new Entry("planner", "planner", false, "Use the planner tool to plan this step by step."),
      new Entry("consensus", "consensus", true, "Use the consensus tool to get several models' views on this, each "
          + "with a stance, and a synthesis by model {model}."),
      new Entry("review", "codereview", true, "Use the codereview tool with model {model} (thinking mode "
          + "{thinking_mode}) to perform a comprehensive code review."),
      new Entry("precommit", "precommit", true, "Use the precommit tool with model {model} (thinking mode "
          + "{thinking_mode}) to validate the pending changes before committing."),
      new Entry("debug", "debug", true, "Use the debug tool with model {model} (thinking mode {thinking_mode}) to "
          + "find the root cause of this problem step by step."),
      new Entry("secaudit", "secaudit", true, "Use the secaudit tool with model {model} (thinking mode "
          + "{thinking_mode}) to perform a security audit."),
      new Entry("docgen", "docgen", false, "Use the docgen tool to document the code file by file."),
      new Entry("analyze", "analyze", true, "Use the analyze tool with model {model} (thinking mode {thinking_mode}) "
          + "to analyse the code."),
      new Entry("refactor", "refactor", true, "Use the refactor tool with model {model} (thinking mode "
          + "{thinking_mode}) to find refactoring opportunities."),
      new Entry("tracer", "tracer", false, "Use the tracer tool to trace the code's call flow or dependencies."),
      new Entry("testgen", "testgen", true, "Use the testgen tool with model {model} (thinking mode {thinking_mode}) "
          + "to plan and write tests."),
      new Entry("challenge", "challenge", false, "Use the challenge tool to re-examine the last claim critically "
          + "instead of agreeing with it."),
      new Entry("apilookup", "apilookup", false, "Use the apilookup tool to look up the current documentation of the "
          + "API in question."),
      new Entry("listmodels", "listmodels", false, "Use the listmodels tool to show the models Zen can use."),
      new Entry("version", "version", false, "Use the version tool to show Zen's version and configuration."));

  private BuiltInPrompts() {}

  /** The prompts of the offered tools, in the tools' order, then {@code continue} when chat is offered. */
  static List<PromptSpec> forTools(Set<String> offered) {
    Map<String, PromptSpec> prompts = new LinkedHashMap<>();
    for (Entry entry : ENTRIES) {
      if (offered.contains(entry.tool())) {
        prompts.put(entry.name(), new PromptSpec(entry.name(), "Use Zen's " + entry.tool() + " tool",
            entry.usesModel() ? List.of(MODEL, THINKING) : List.of(), entry.text()));
      }
    }
    List<PromptSpec> all = new ArrayList<>(prompts.values());
    if (offered.contains("chat")) {
      all.add(new PromptSpec("continue", "Continue the previous Zen conversation", List.of(MODEL),
          "Continue the previous Zen conversation: use the chat tool with the most recent continuation_id from Zen's "
              + "answers and model {model} (auto keeps the model of the previous turn)."));
    }
    return List.copyOf(all);
  }
}
