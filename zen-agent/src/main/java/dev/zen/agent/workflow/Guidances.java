package dev.zen.agent.workflow;

import dev.zen.agent.workflow.WorkflowDefinition.Guidance;
import java.util.ArrayList;
import java.util.List;

/** The required actions of the investigating workflows, escalating with the agent's confidence (A.4.5). */
final class Guidances {
  private Guidances() {}

  /**
   * Broaden while exploring, verify with evidence in the middle, finalise when almost certain.
   *
   * @param subject what the agent searches for ("the code paths behind the symptom")
   * @param firstSteps extra actions for the first steps, when the agent is still exploring
   */
  static Guidance byConfidence(String subject, List<String> firstSteps) {
    return (next, confidence, work) -> {
      List<String> actions = new ArrayList<>();
      String level = confidence == null ? "low" : confidence;
      switch (level) {
        case "exploring", "low", "incomplete" -> {
          if (next <= 2) {
            actions.addAll(firstSteps);
          }
          actions.add("Search the code for " + subject + " and read the files most likely involved");
          actions.add("Trace how the relevant classes and functions connect (callers, callees, data flow)");
          actions.add("Record concrete evidence (file:line) in findings and every file you read in files_checked");
          actions.add("Name the files that matter in relevant_files and the methods in relevant_context");
        }
        case "medium", "high", "very_high", "partial" -> {
          actions.add("Verify your current understanding against the code, with file:line evidence");
          actions.add("Look for counter-evidence, edge cases and callers you have not checked yet");
          actions.add("Update hypothesis and issues_found (with severity) with what you confirmed or ruled out");
          actions.add("Raise confidence only on evidence, never to finish sooner");
        }
        default -> {
          actions.add("Check that nothing relevant is left unexamined");
          actions.add("Make sure every issue has a severity and a file:line reference");
          actions.add("Finish with next_step_required=false when the work is complete");
        }
      }
      return actions;
    };
  }

  /** secaudit's six phases, one per step, then the confidence-driven actions. */
  static Guidance securityPhases() {
    List<String> phases = List.of(
        "Map the scope and attack surface: entry points, trust boundaries, data flows, sensitive data",
        "Examine authentication, authorisation and session handling",
        "Examine input validation, injection, cryptography and API security",
        "Sweep the OWASP Top 10 (2021) categories one by one against the code",
        "Check dependencies, configuration, secrets handling, logging and monitoring",
        "Assess compliance gaps and order the remediation by risk");
    Guidance rest = byConfidence("security-relevant code", List.of());
    return (next, confidence, work) -> {
      List<String> actions = new ArrayList<>();
      int phase = Math.min(next, phases.size()) - 1;
      actions.add("Phase " + (phase + 1) + " of 6: " + phases.get(Math.max(phase, 0)));
      actions.addAll(rest.requiredActions(next, confidence, work));
      return actions;
    };
  }
}
