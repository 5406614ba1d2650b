package dev.zen.agent.workflow;

import dev.zen.agent.ToolOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The answers of the step protocol (the reference's A.4.3) with the tool's own status strings.
 * Structured content carries the fields agents branch on; the text says the same for people and
 * agents that read text only, without repeating long lists.
 */
final class Responses {
  private Responses() {}

  /** An intermediate step: recorded, and what to do before the next one. */
  static ToolOutcome pause(WorkflowTool tool, WorkflowStep step, Consolidated work, List<String> actions) {
    return pause(tool, step, work, actions, tool.definition.vocabulary().pause(), Map.of());
  }

  static ToolOutcome pause(WorkflowTool tool, WorkflowStep step, Consolidated work, List<String> actions, String status,
      Map<String, Object> more) {
    Vocabulary words = tool.definition.vocabulary();
    int next = step.number() + 1;
    String nextSteps = "MANDATORY: DO NOT call the " + tool.name() + " tool again immediately. You MUST first "
        + tool.definition.work() + " with your own tools, doing the required actions. Only then call " + tool.name()
        + " with step_number " + next + " and the continuation_id, reporting what you found (findings), the files "
        + "you checked and the relevant ones (absolute paths) and your confidence.";
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("step_number", step.number());
    extra.put("total_steps", step.totalSteps());
    extra.put("next_step_required", true);
    extra.put(words.counters(), counters(tool, work, words.inProgress()));
    extra.put(words.required(), true);
    extra.put("required_actions", actions);
    extra.put("next_steps", nextSteps);
    extra.put("file_context", Map.of("type", "reference_only", "note", step.relevantFiles().isEmpty()
        ? "No files referenced in this step; files are read on the final step."
        : "Files referenced in this step: " + String.join(", ", step.relevantFiles())
            + ". They are read on the final step."));
    extra.putAll(more);
    String headline = status + ": step " + step.number() + " of " + step.totalSteps() + " recorded.";
    StringBuilder text = new StringBuilder(headline).append("\n\nRequired actions before step ").append(next)
        .append(":\n");
    for (int i = 0; i < actions.size(); i++) {
      text.append(i + 1).append(". ").append(actions.get(i)).append('\n');
    }
    text.append('\n').append(nextSteps);
    // The actions and next steps are structured fields already: the structured text is the headline.
    return ToolOutcome.notice(status, text.toString()).remembered(true).withExtra(extra).withStructuredText(headline);
  }

  /** The final step, completed by the agent without an expert (by its own rule, or for lack of work). */
  static ToolOutcome local(WorkflowTool tool, WorkflowState state, WorkflowStep step, Consolidated work, String why) {
    boolean selfContained = !tool.definition.hasExpert();
    String status = selfContained ? tool.definition.vocabulary().skipped() : "local_work_complete";
    String nextSteps = "The " + tool.name() + " work is complete (" + why + "). Present your findings to the user: "
        + "what you examined, what you found with file and line references, and the recommended actions by priority.";
    return complete(tool, state, step, work, status, nextSteps, Map.of());
  }

  /** The final step, the expert skipped by the tool's rule. */
  static ToolOutcome skipped(WorkflowTool tool, WorkflowState state, WorkflowStep step, Consolidated work, String why) {
    Vocabulary words = tool.definition.vocabulary();
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("skip_expert_analysis", true);
    more.put("expert_analysis", Map.of("status", words.skipReason(), "reason", why));
    String nextSteps = "The " + tool.name() + " work is complete without expert validation (" + why + "). Present "
        + "your conclusions with their evidence and proceed with the fix or implementation they call for.";
    return complete(tool, state, step, work, words.skipped(), nextSteps, more);
  }

  static ToolOutcome complete(WorkflowTool tool, WorkflowState state, WorkflowStep step, Consolidated work,
      String status, String nextSteps, Map<String, Object> more) {
    Vocabulary words = tool.definition.vocabulary();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("step_number", step.number());
    extra.put("total_steps", step.totalSteps());
    extra.put("next_step_required", false);
    extra.put(words.complete(), true);
    extra.put(words.completion(), completion(state, work));
    extra.put("next_steps", nextSteps);
    extra.putAll(more);
    String headline = status + ": " + tool.name() + " finished after " + work.steps.size() + " steps ("
        + work.findings.size() + " findings, " + work.relevantFiles.size() + " relevant files, " + work.issues.size()
        + " issues).";
    return ToolOutcome.notice(status, headline + "\n\n" + nextSteps).remembered(true).withExtra(extra)
        .withStructuredText(headline);
  }

  /** The step counters of an intermediate answer. */
  static Map<String, Object> counters(WorkflowTool tool, Consolidated work, String status) {
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("status", status);
    counters.put("files_checked", work.filesChecked.size());
    counters.put("relevant_files", work.relevantFiles.size());
    counters.put("relevant_context", work.relevantContext.size());
    counters.put("issues_found", work.issues.size());
    counters.put("images_collected", work.images.size());
    counters.put("current_confidence", work.confidence == null ? "low" : work.confidence);
    if (!work.hypotheses.isEmpty()) {
      counters.put("hypotheses_formed", work.hypotheses.size());
    }
    if (!work.issues.isEmpty()) {
      counters.put("issues_by_severity", work.issuesBySeverity());
    }
    return counters;
  }

  /** The completion summary ({@code complete_<tool>}). */
  static Map<String, Object> completion(WorkflowState state, Consolidated work) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("initial_request", state.initialRequest());
    summary.put("steps_taken", work.steps.size());
    summary.put("files_examined", List.copyOf(work.filesChecked));
    summary.put("relevant_files", List.copyOf(work.relevantFiles));
    summary.put("relevant_context", List.copyOf(work.relevantContext));
    summary.put("issues_found", work.issues);
    summary.put("confidence_level", work.confidence == null ? "low" : work.confidence);
    if (!state.abandoned().isEmpty()) {
      summary.put("steps_set_aside", state.abandoned().size());
    }
    return summary;
  }

  /**
   * The whole work as text, for the expert: request, configuration, work progression, context,
   * hypothesis evolution, issues by severity, images.
   */
  static String workSummary(String tool, WorkflowState state, Consolidated work) {
    StringBuilder text = new StringBuilder();
    text.append("=== ").append(tool.toUpperCase(Locale.ROOT)).append(" REQUEST ===\n")
        .append(state.initialRequest().strip()).append("\n\n");
    if (!state.configuration().isEmpty()) {
      text.append("=== CONFIGURATION ===\n");
      state.configuration().forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
      text.append('\n');
    }
    text.append("=== WORK PROGRESSION (").append(work.steps.size()).append(" steps) ===\n");
    for (WorkflowStep step : work.steps) {
      text.append("Step ").append(step.number()).append(": ").append(step.text().strip()).append('\n');
      if (!step.findings().isBlank()) {
        text.append("  Findings: ").append(step.findings().strip()).append('\n');
      }
    }
    text.append('\n');
    appendList(text, "RELEVANT FILES", List.copyOf(work.relevantFiles));
    appendList(text, "RELEVANT CONTEXT (methods, functions)", List.copyOf(work.relevantContext));
    appendList(text, "HYPOTHESIS EVOLUTION", work.hypotheses);
    appendList(text, "ISSUES IDENTIFIED", work.issueLines());
    appendList(text, "IMAGES", List.copyOf(work.images));
    return text.toString();
  }

  private static void appendList(StringBuilder text, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    text.append("=== ").append(title).append(" ===\n");
    items.forEach(item -> text.append("- ").append(item).append('\n'));
    text.append('\n');
  }
}
