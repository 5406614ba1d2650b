package dev.zen.agent.workflow;

import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.workflow.WorkflowDefinition.ExpertCriterion;
import dev.zen.agent.workflow.WorkflowDefinition.SkipRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * tracer: the agent maps a call flow ({@code precision}) or a dependency structure
 * ({@code dependencies}); no model is called. {@code ask} on the first step answers
 * {@code mode_selection_required} so the agent asks the user which.
 */
final class TracerTool extends WorkflowTool {
  TracerTool() {
    super(new WorkflowDefinition("tracer", "Tracer",
        "Trace a call flow or a dependency structure step by step; no model is called.",
        new Vocabulary("tracing_in_progress", "pause_for_tracing", "tracing_required", "tracing_complete",
            "tracing_complete", "skipped_by_tool_design", "complete_tracing", "tracing_status"),
        List.of(WorkflowFields.STEP, WorkflowFields.STEP_NUMBER, WorkflowFields.TOTAL_STEPS,
            WorkflowFields.NEXT_STEP_REQUIRED, WorkflowFields.FINDINGS, WorkflowFields.FILES_CHECKED,
            WorkflowFields.RELEVANT_FILES, WorkflowFields.RELEVANT_CONTEXT, WorkflowFields.CONFIDENCE_LEVEL,
            ToolParam.string("target_description", true, null),
            ToolParam.oneOf("trace_mode", true, null, "precision", "dependencies", "ask"),
            WorkflowFields.BACKTRACK_FROM_STEP, ToolParam.IMAGES, ToolParam.CONTINUATION),
        List.of(), List.of("target_description", "trace_mode"), null, "", ExpertCriterion.ALWAYS, SkipRule.NEVER,
        Guidances.byConfidence("the code the target runs through",
            List.of("Find the entry point of the target and follow it one call at a time")),
        "trace the code"));
  }

  @Override
  @Nullable ToolOutcome beforeStep(ToolContext context, WorkflowState state, int stepNumber) {
    if (!state.steps().isEmpty() || !"ask".equals(context.arguments().string("trace_mode").orElse(null))) {
      return null;
    }
    String nextSteps = "Ask the user which trace they want: 'precision' (the execution flow of a method: calls, "
        + "branches, side effects) or 'dependencies' (how the target relates to the rest: incoming and outgoing "
        + "dependencies, types, state). Then call tracer again with step_number 1 and that trace_mode.";
    return ToolOutcome.notice("mode_selection_required", "mode_selection_required: " + nextSteps)
        .withExtra(Map.of("mode_selection_required", true, "step_number", stepNumber, "next_steps", nextSteps,
            "modes", Map.of("precision", "execution flow of a method or function",
                "dependencies", "structural relationships of a class or module")));
  }

  @Override
  ToolOutcome completeWithoutExpert(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    String mode = String.valueOf(state.configuration().getOrDefault("trace_mode", "precision"));
    String rendering = "dependencies".equals(mode)
        ? "Show incoming dependencies (who uses the target) and outgoing ones (what it uses) with arrows (A → B), then "
            + "type relationships (extends, implements) and state access (reads, writes), each with file and line."
        : "Draw the flow vertically: one node per call as [Class::method] (file: path, line: N), indented two spaces "
            + "per depth, ↓ for the next sequential call, → for alternatives, '? condition' at branches and a marker "
            + "where the path is ambiguous; then tables of side effects and unresolved calls.";
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("trace_summary", String.join("\n", work.findings));
    more.put("output", Map.of("instructions", "Present the trace to the user.",
        "format", mode + "_trace_analysis", "rendering_instructions", rendering,
        "presentation_guidelines", "Lead with the summary; every node names its file and line; mark what you did "
            + "not verify."));
    String nextSteps = "Tracing is complete. Present the " + mode + " trace as the rendering instructions say.";
    ToolOutcome done = Responses.complete(this, state, step, work, definition.vocabulary().skipped(), nextSteps, more);
    return ToolOutcome.notice(done.status(), "tracing_complete: " + work.steps.size() + " steps traced.\n\n"
        + "Rendering: " + rendering + "\n\n" + nextSteps).remembered(true).withExtra(done.extra());
  }
}
