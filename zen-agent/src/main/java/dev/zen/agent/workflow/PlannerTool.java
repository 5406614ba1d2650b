package dev.zen.agent.workflow;

import dev.zen.agent.ToolArguments;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.workflow.WorkflowDefinition.ExpertCriterion;
import dev.zen.agent.workflow.WorkflowDefinition.SkipRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * planner: incremental planning without a model. Beyond the reference, a revision really replaces
 * the revised step, and branches are real lines of steps kept in the thread (each its own), the
 * one {@code branch_id} names being the one continued and summarised.
 */
final class PlannerTool extends WorkflowTool {
  PlannerTool() {
    super(new WorkflowDefinition("planner", "Planner",
        "Plan a complex task step by step, with revisions and branches; no model is called.",
        new Vocabulary("planning_in_progress", "pause_for_planning", "planning_required", "planning_complete",
            "planning_complete", "skipped_by_tool_design", "complete_planning", "planning_status"),
        List.of(WorkflowFields.STEP, WorkflowFields.STEP_NUMBER, WorkflowFields.TOTAL_STEPS,
            WorkflowFields.NEXT_STEP_REQUIRED,
            ToolParam.bool("is_step_revision", false, null),
            ToolParam.integer("revises_step_number", false, null, 1),
            ToolParam.bool("is_branch_point", false, null),
            ToolParam.integer("branch_from_step", false, null, 1),
            ToolParam.string("branch_id", false, null),
            ToolParam.bool("more_steps_needed", false, null),
            ToolParam.CONTINUATION),
        List.of(), List.of(), null, "", ExpertCriterion.ALWAYS, SkipRule.NEVER,
        (next, confidence, work) -> List.of("Continue with step " + next),
        "plan"));
  }

  @Override
  protected List<String> check(ToolArguments arguments) {
    List<String> errors = new ArrayList<>(super.check(arguments));
    if (arguments.bool("is_step_revision").orElse(false) && arguments.integer("revises_step_number").isEmpty()) {
      errors.add("is_step_revision needs revises_step_number, the step this one replaces");
    }
    if (arguments.bool("is_branch_point").orElse(false)
        && (arguments.integer("branch_from_step").isEmpty() || arguments.string("branch_id").isEmpty())) {
      errors.add("is_branch_point needs branch_from_step (where the branch leaves) and branch_id (its name)");
    }
    return errors;
  }

  @Override
  Map<String, Object> stepExtras(ToolArguments args) {
    Map<String, Object> extras = new LinkedHashMap<>();
    for (String field : List.of("is_step_revision", "revises_step_number", "is_branch_point", "branch_from_step",
        "branch_id", "more_steps_needed")) {
      if (args.has(field)) {
        extras.put(field, args.asMap().get(field));
      }
    }
    return extras;
  }

  @Override
  Recorded record(WorkflowState state, WorkflowStep step, ToolArguments args) {
    String branch = args.string("branch_id").orElse(null);
    boolean branchPoint = args.bool("is_branch_point").orElse(false);
    if (branch != null && branchPoint) {
      int from = args.integer("branch_from_step").orElseThrow();
      List<WorkflowStep> line = new ArrayList<>();
      for (WorkflowStep earlier : state.steps()) {
        if (earlier.number() <= from) {
          line.add(earlier);
        }
      }
      if (line.stream().noneMatch(earlier -> earlier.number() == from)) {
        throw new IllegalArgumentException("branch_from_step " + from + " is not a step of the main plan");
      }
      line.add(step);
      return new Recorded(state.withBranch(branch, line));
    }
    if (branch != null) {
      List<WorkflowStep> line = state.branches().get(branch);
      if (line == null) {
        throw new IllegalArgumentException("there is no branch '" + branch + "' in this plan (branches: "
            + (state.branches().isEmpty() ? "none" : String.join(", ", state.branches().keySet()))
            + "); start one with is_branch_point, branch_from_step and branch_id");
      }
      return new Recorded(state.withBranch(branch, revisedOrAppended(line, step, args)));
    }
    if (args.bool("is_step_revision").orElse(false)) {
      return new Recorded(state.withSteps(revisedOrAppended(state.steps(), step, args), List.of()));
    }
    return super.record(state, step, args);
  }

  private static List<WorkflowStep> revisedOrAppended(List<WorkflowStep> line, WorkflowStep step, ToolArguments args) {
    List<WorkflowStep> result = new ArrayList<>(line);
    if (args.bool("is_step_revision").orElse(false)) {
      int revised = args.integer("revises_step_number").orElseThrow();
      for (int i = 0; i < result.size(); i++) {
        if (result.get(i).number() == revised) {
          WorkflowStep replacement = new WorkflowStep(revised, step.totalSteps(), step.text(), step.findings(),
              step.filesChecked(), step.relevantFiles(), step.relevantContext(), step.issues(), step.confidence(),
              step.hypothesis(), step.images(), step.extra());
          result.set(i, replacement);
          return result;
        }
      }
      throw new IllegalArgumentException("revises_step_number " + revised + " is not a recorded step of this plan");
    }
    result.add(step);
    return result;
  }

  @Override
  ToolOutcome pause(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("step_content", step.text());
    more.put("metadata", metadata(state, step));
    int remaining = Math.max(0, step.totalSteps() - step.number());
    if (step.totalSteps() >= 5 && step.number() <= 3) {
      List<String> thinking = switch (step.number()) {
        case 1 -> List.of("Define the scope and what success looks like", "Consider at least two alternative approaches",
            "List the constraints and the risks", "Name the success criteria");
        case 2 -> List.of("Break the chosen approach into phases", "Find the dependencies between them",
            "Mark the critical path");
        default -> List.of("Check the plan for completeness and gaps", "Decide the first concrete actions",
            "Confirm each phase has a way to verify it");
      };
      more.put("thinking_required", true);
      more.put("required_thinking", thinking);
      more.put("next_steps", "STOP and reflect deeply before step " + (step.number() + 1) + ": "
          + String.join("; ", thinking) + ". This is a complex plan (" + step.totalSteps() + " steps): do not rush "
          + "to the next step before thinking these through.");
      ToolOutcome paused = Responses.pause(this, step, work, thinking, "pause_for_deep_thinking", more);
      return paused;
    }
    more.put("next_steps", "Continue with step " + (step.number() + 1) + ". Approximately " + remaining
        + " steps remaining.");
    return Responses.pause(this, step, work, List.of("Continue with step " + (step.number() + 1)),
        definition.vocabulary().pause(), more);
  }

  @Override
  ToolOutcome completeWithoutExpert(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    String branch = context.arguments().string("branch_id").orElse(null);
    List<WorkflowStep> line = branch != null && state.branches().containsKey(branch) ? state.branches().get(branch)
        : state.steps();
    StringBuilder summary = new StringBuilder();
    for (WorkflowStep planned : line) {
      summary.append(planned.number()).append(". ").append(planned.text().strip()).append('\n');
    }
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("planning_complete", true);
    more.put("plan_summary", summary.toString().strip());
    more.put("output", Map.of("instructions", "Present the complete plan as a structured, numbered list of phases and "
            + "steps, with ASCII diagrams where they clarify dependencies. No emojis, no time or cost estimates.",
        "format", "step_by_step_planning",
        "presentation_guidelines", "One section per phase; each step states what to do and how to check it is done."));
    more.put("metadata", metadata(state, step));
    String nextSteps = "Planning is complete. Present the plan" + (branch == null ? "" : " (branch " + branch + ")")
        + " to the user as the output instructions say.";
    ToolOutcome done = Responses.complete(this, state, step, new Consolidated(line), definition.vocabulary().skipped(),
        nextSteps, more);
    return ToolOutcome.notice(done.status(), "planning_complete: the plan has " + line.size() + " steps.\n\n"
        + summary.toString().strip() + "\n\n" + nextSteps).remembered(true).withExtra(done.extra());
  }

  private static Map<String, Object> metadata(WorkflowState state, WorkflowStep step) {
    Map<String, Object> metadata = new LinkedHashMap<>(step.extra());
    metadata.put("branches", List.copyOf(state.branches().keySet()));
    metadata.put("step_history_length", state.steps().size());
    return metadata;
  }
}
