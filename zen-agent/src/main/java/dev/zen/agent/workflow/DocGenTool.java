package dev.zen.agent.workflow;

import dev.zen.agent.ToolArguments;
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
 * docgen: the agent documents code one file per step; no model is called. Counters keep it
 * honest: the total is one discovery step plus one per file, and the tool refuses to finish while
 * files remain undocumented.
 */
final class DocGenTool extends WorkflowTool {
  DocGenTool() {
    super(new WorkflowDefinition("docgen", "Documentation",
        "Document code file by file, counting files until all are done; no model is called.",
        new Vocabulary("documentation_analysis_in_progress", "pause_for_documentation_analysis",
            "documentation_analysis_required", "documentation_analysis_complete", "documentation_analysis_complete",
            "skipped_due_to_complete_analysis", "complete_documentation_analysis", "documentation_status"),
        List.of(WorkflowFields.STEP, WorkflowFields.STEP_NUMBER, WorkflowFields.TOTAL_STEPS,
            WorkflowFields.NEXT_STEP_REQUIRED, WorkflowFields.FINDINGS, WorkflowFields.RELEVANT_FILES,
            WorkflowFields.RELEVANT_CONTEXT, WorkflowFields.ISSUES_FOUND,
            ToolParam.bool("document_complexity", true, null),
            ToolParam.bool("document_flow", true, null),
            ToolParam.bool("update_existing", true, null),
            ToolParam.bool("comments_on_complex_logic", true, null),
            ToolParam.integer("num_files_documented", true, null, 0),
            ToolParam.integer("total_files_to_document", true, null, 0),
            ToolParam.CONTINUATION),
        List.of(), List.of("document_complexity", "document_flow", "update_existing", "comments_on_complex_logic"),
        null, "", ExpertCriterion.ALWAYS, SkipRule.NEVER,
        (next, confidence, work) -> next == 2
            ? List.of("Discovery is done: list every file to document and set total_files_to_document",
                "Document exactly one file in the next step, completely",
                "Never change logic; report bugs you notice in issues_found instead")
            : List.of("Document the next file completely (one file per step)",
                "Increment num_files_documented only when a file is fully documented",
                "Never change logic; report bugs you notice in issues_found instead"),
        "document the code"));
  }

  @Override
  int totalSteps(ToolArguments args) {
    int files = args.integer("total_files_to_document").orElse(0);
    return files > 0 ? 1 + files : super.totalSteps(args);
  }

  @Override
  Map<String, Object> stepExtras(ToolArguments args) {
    return Map.of("num_files_documented", args.integer("num_files_documented").orElse(0),
        "total_files_to_document", args.integer("total_files_to_document").orElse(0));
  }

  @Override
  @Nullable ToolOutcome finalGuard(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    int done = context.arguments().integer("num_files_documented").orElse(0);
    int total = context.arguments().integer("total_files_to_document").orElse(0);
    if (done >= total) {
      return null;
    }
    String message = "CRITICAL ERROR: docgen cannot finish: only " + done + " of " + total + " files are documented. "
        + "Continue with step " + (step.number() + 1) + ": document the next file, increment num_files_documented, "
        + "and keep next_step_required=true until every file is done.";
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("num_files_documented", done);
    more.put("total_files_to_document", total);
    return Responses.pause(this, step, work, List.of(message), definition.vocabulary().required(), more);
  }

  @Override
  ToolOutcome completeWithoutExpert(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    int total = context.arguments().integer("total_files_to_document").orElse(0);
    return Responses.complete(this, state, step, work, definition.vocabulary().skipped(),
        "Documentation is complete: " + total + " files documented. Report the issues you noticed separately; "
            + "no logic was to be changed.",
        Map.of("num_files_documented", total, "total_files_to_document", total));
  }
}
