package dev.zen.agent.workflow;

import dev.zen.agent.ToolParam;
import java.util.ArrayList;
import java.util.List;

/**
 * The step protocol's arguments (the reference's A.4.1), shared by every workflow tool and
 * described once in the agent's instructions, not in each schema, so the tool list stays small.
 */
final class WorkflowFields {
  static final List<String> CONFIDENCE = List.of("exploring", "low", "medium", "high", "very_high", "almost_certain",
      "certain");

  static final ToolParam STEP = ToolParam.string("step", true, null);
  static final ToolParam STEP_NUMBER = ToolParam.integer("step_number", true, null, 1);
  static final ToolParam TOTAL_STEPS = ToolParam.integer("total_steps", true, null, 1);
  static final ToolParam NEXT_STEP_REQUIRED = ToolParam.bool("next_step_required", true, null);
  static final ToolParam FINDINGS = ToolParam.string("findings", true, null);
  static final ToolParam FILES_CHECKED = ToolParam.paths("files_checked", false, null, 0);
  static final ToolParam RELEVANT_FILES = ToolParam.paths("relevant_files", false, null, 0);
  static final ToolParam RELEVANT_CONTEXT = ToolParam.strings("relevant_context", false, null, 0);
  /** Free objects, as agents extend them; {severity, description} is the convention the instructions state. */
  static final ToolParam ISSUES_FOUND = ToolParam.openObjects("issues_found", false, null, 0);
  static final ToolParam CONFIDENCE_LEVEL = ToolParam.oneOf("confidence", false, null, CONFIDENCE.toArray(String[]::new));
  static final ToolParam HYPOTHESIS = ToolParam.string("hypothesis", false, null);
  static final ToolParam USE_ASSISTANT_MODEL = ToolParam.bool("use_assistant_model", false, null);
  static final ToolParam BACKTRACK_FROM_STEP = ToolParam.integer("backtrack_from_step", false, null, 1);

  private WorkflowFields() {}

  /** The parameters of an investigating workflow (findings, files, issues, confidence, expert). */
  static List<ToolParam> investigation(boolean hypothesis, ToolParam confidence, List<ToolParam> extras) {
    List<ToolParam> params = new ArrayList<>(List.of(STEP, STEP_NUMBER, TOTAL_STEPS, NEXT_STEP_REQUIRED, FINDINGS,
        FILES_CHECKED, RELEVANT_FILES, RELEVANT_CONTEXT, ISSUES_FOUND, confidence));
    if (hypothesis) {
      params.add(HYPOTHESIS);
    }
    params.addAll(extras);
    params.addAll(List.of(BACKTRACK_FROM_STEP, USE_ASSISTANT_MODEL, ToolParam.IMAGES, ToolParam.MODEL,
        ToolParam.TEMPERATURE, ToolParam.THINKING_MODE, ToolParam.CONTINUATION));
    return params;
  }
}
