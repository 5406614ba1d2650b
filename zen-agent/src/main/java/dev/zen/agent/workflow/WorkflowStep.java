package dev.zen.agent.workflow;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One recorded step of a workflow, as the agent reported it.
 *
 * @param number the step's number ({@code step_number})
 * @param totalSteps the agent's estimate when it made the step
 * @param text what the agent did or planned ({@code step})
 * @param findings what it found ({@code findings})
 * @param filesChecked files it looked at
 * @param relevantFiles files that matter
 * @param relevantContext methods and functions that matter
 * @param issues issues found, JSON-like ({@code severity}, {@code description}, ...)
 * @param confidence the agent's confidence after the step
 * @param hypothesis its current theory
 * @param images images it referred to
 * @param extra tool-specific fields of the step (planner's branch and revision fields, docgen's counters)
 */
record WorkflowStep(int number, int totalSteps, String text, String findings, List<String> filesChecked,
    List<String> relevantFiles, List<String> relevantContext, List<Map<String, Object>> issues,
    @Nullable String confidence, @Nullable String hypothesis, List<String> images, Map<String, Object> extra) {

  WorkflowStep {
    filesChecked = List.copyOf(filesChecked);
    relevantFiles = List.copyOf(relevantFiles);
    relevantContext = List.copyOf(relevantContext);
    issues = List.copyOf(issues);
    images = List.copyOf(images);
    extra = Map.copyOf(extra);
  }
}
