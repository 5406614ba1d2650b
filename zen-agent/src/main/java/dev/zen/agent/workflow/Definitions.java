package dev.zen.agent.workflow;

import static dev.zen.agent.workflow.WorkflowFields.CONFIDENCE_LEVEL;
import static dev.zen.agent.workflow.WorkflowFields.investigation;

import dev.zen.agent.ToolParam;
import dev.zen.agent.workflow.WorkflowDefinition.ExpertCriterion;
import dev.zen.agent.workflow.WorkflowDefinition.SkipRule;
import java.util.List;

/**
 * The investigating workflows as declarations: arguments, step-1 requirements, configuration,
 * vocabulary, expert rules and guidance, per the reference's A.5 and A.7. Shared arguments carry
 * no description: the agent's instructions explain the step protocol once.
 */
final class Definitions {
  private static final String[] SEVERITY_FILTER = {"critical", "high", "medium", "low", "all"};

  private Definitions() {}

  static WorkflowDefinition thinkdeep() {
    return new WorkflowDefinition("thinkdeep", "Think deep",
        "Step-by-step deep reasoning on a hard problem, validated by an expert model.",
        new Vocabulary("thinkdeep_in_progress", "pause_for_thinkdeep", "thinkdeep_required", "thinking_complete",
            "deep_thinking_complete_ready_for_implementation", "skipped_due_to_certain_thinking_confidence",
            "complete_thinking", "thinking_status"),
        investigation(true, CONFIDENCE_LEVEL, List.of(ToolParam.string("problem_context", false, null),
            ToolParam.strings("focus_areas", false, null, 0))),
        List.of(), List.of("problem_context", "focus_areas"), "thinkdeep_expert.txt",
        "Please validate and extend this reasoning: challenge its assumptions, weigh the alternatives and risks, and "
            + "end with a clear recommendation.",
        ExpertCriterion.ALWAYS, SkipRule.onConfidence("certain"),
        Guidances.byConfidence("the facts the problem depends on",
            List.of("Restate the problem, its constraints and what a good answer must achieve")),
        "think the problem through and gather evidence");
  }

  static WorkflowDefinition codereview() {
    return new WorkflowDefinition("codereview", "Code review",
        "Step-by-step code review (quality, security, performance, architecture) with expert validation.",
        new Vocabulary("code_review_in_progress", "pause_for_code_review", "code_review_required",
            "code_review_complete", "code_review_complete_ready_for_implementation",
            "skipped_due_to_internal_analysis_type", "complete_code_review", "code_review_status"),
        investigation(false, CONFIDENCE_LEVEL, List.of(
            ToolParam.oneOf("review_validation_type", false, null, "external", "internal"),
            ToolParam.oneOf("review_type", false, null, "full", "security", "performance", "quick"),
            ToolParam.string("focus_on", false, null),
            ToolParam.string("standards", false, null),
            ToolParam.oneOf("severity_filter", false, null, SEVERITY_FILTER))),
        List.of("relevant_files"),
        List.of("review_validation_type", "review_type", "focus_on", "standards", "severity_filter"),
        "codereview_expert.txt",
        "Please provide a comprehensive code review: every issue with its severity, file and line, why it matters "
            + "and the fix; then the top priorities.",
        ExpertCriterion.ALWAYS, SkipRule.onInternal("review_validation_type"),
        Guidances.byConfidence("the code under review",
            List.of("Read every file in relevant_files completely, noting quality, security, performance and "
                + "architecture concerns")),
        "review the code");
  }

  static WorkflowDefinition debug() {
    return new WorkflowDefinition("debug", "Debug",
        "Step-by-step root-cause investigation of a bug, with expert validation.",
        new Vocabulary("investigation_in_progress", "pause_for_investigation", "investigation_required",
            "investigation_complete", "certain_confidence_proceed_with_fix", "skipped_due_to_certain_confidence",
            "complete_investigation", "investigation_status"),
        investigation(true, CONFIDENCE_LEVEL, List.of()),
        List.of(), List.of(), "debug_expert.txt",
        "Please give the root cause with evidence, confirming or refuting each hypothesis, the minimal fix and how to "
            + "check it; or state that no bug was found and why.",
        ExpertCriterion.DEFAULT, SkipRule.onConfidence("certain"),
        Guidances.byConfidence("the code paths behind the symptom",
            List.of("Reproduce or pin down the symptom: the symptoms may mislead, and finding no bug is a valid "
                + "outcome")),
        "investigate");
  }

  static WorkflowDefinition analyze() {
    return new WorkflowDefinition("analyze", "Analyze",
        "Step-by-step code analysis (architecture, performance, security, quality) with expert validation.",
        new Vocabulary("analysis_in_progress", "pause_for_analysis", "analysis_required", "analysis_complete",
            "analysis_complete", "-", "complete_analyze", "analysis_status"),
        investigation(false, CONFIDENCE_LEVEL, List.of(
            ToolParam.oneOf("analysis_type", false, null, "architecture", "performance", "security", "quality",
                "general"),
            ToolParam.oneOf("output_format", false, null, "summary", "detailed", "actionable"))),
        List.of("relevant_files"), List.of("analysis_type", "output_format"), "analyze_expert.txt",
        "Please provide a comprehensive analysis: strengths, risks and weaknesses with file references, and "
            + "recommendations ordered by impact.",
        ExpertCriterion.LOOSE, SkipRule.NEVER,
        Guidances.byConfidence("the structure, dependencies and hot spots of the code", List.of()),
        "analyse the code");
  }

  static WorkflowDefinition refactor() {
    return new WorkflowDefinition("refactor", "Refactor",
        "Step-by-step search for refactoring opportunities, with expert validation.",
        new Vocabulary("refactoring_analysis_in_progress", "pause_for_refactoring_analysis",
            "refactoring_analysis_required", "refactoring_analysis_complete",
            "refactoring_analysis_complete_ready_for_implementation", "skipped_due_to_complete_refactoring_confidence",
            "complete_refactoring", "refactoring_status"),
        investigation(false, ToolParam.oneOf("confidence", false, null, "exploring", "incomplete", "partial",
            "complete"), List.of(
                ToolParam.oneOf("refactor_type", false, null, "codesmells", "decompose", "modernize", "organization"),
                ToolParam.strings("focus_areas", false, null, 0),
                ToolParam.paths("style_guide_examples", false, null, 0))),
        List.of("relevant_files"), List.of("refactor_type", "focus_areas", "style_guide_examples"),
        "refactor_expert.txt",
        "Please list the refactoring opportunities with file, lines, the change and its rationale, in the order to "
            + "apply them.",
        ExpertCriterion.DEFAULT, SkipRule.onConfidence("complete"),
        Guidances.byConfidence("smells, oversized units and outdated constructs", List.of()),
        "examine the code for refactoring");
  }

  static WorkflowDefinition testgen() {
    return new WorkflowDefinition("testgen", "Test generation",
        "Step-by-step test planning with edge cases; an expert proposes scenarios and test code.",
        new Vocabulary("test_generation_in_progress", "pause_for_test_analysis", "test_analysis_required",
            "test_generation_complete", "test_generation_complete_ready_for_implementation",
            "skipped_due_to_certain_test_confidence", "complete_test_generation", "test_generation_status"),
        investigation(true, CONFIDENCE_LEVEL, List.of()),
        List.of("relevant_files"), List.of(), "testgen_expert.txt",
        "Please propose the tests: scenarios and edge cases, the framework's idioms, and concrete test code to add.",
        ExpertCriterion.LOOSE, SkipRule.onConfidence("certain"),
        Guidances.byConfidence("the behaviour to test, its branches and boundaries, and the existing tests",
            List.of()),
        "study the code to test");
  }

  static WorkflowDefinition secaudit() {
    return new WorkflowDefinition("secaudit", "Security audit",
        "Step-by-step OWASP-oriented security audit, with expert validation.",
        new Vocabulary("security_audit_in_progress", "pause_for_security_audit", "security_audit_required",
            "security_audit_complete", "security_analysis_complete", "skipped_due_to_certain_audit_confidence",
            "complete_security_audit", "security_audit_status"),
        investigation(true, CONFIDENCE_LEVEL, List.of(
            ToolParam.string("security_scope", false, null),
            ToolParam.oneOf("threat_level", false, null, "low", "medium", "high", "critical"),
            ToolParam.strings("compliance_requirements", false, null, 0),
            ToolParam.oneOf("audit_focus", false, null, "owasp", "compliance", "infrastructure", "dependencies",
                "comprehensive"),
            ToolParam.oneOf("severity_filter", false, null, SEVERITY_FILTER))),
        List.of(), List.of("security_scope", "threat_level", "compliance_requirements", "audit_focus",
            "severity_filter"),
        "secaudit_expert.txt",
        "Please provide the security assessment: vulnerabilities by severity with file, line and exploit scenario, "
            + "compliance gaps, and remediation in priority order.",
        ExpertCriterion.DEFAULT, SkipRule.onConfidence("certain"), Guidances.securityPhases(),
        "audit the code");
  }

  static WorkflowDefinition precommit() {
    return new WorkflowDefinition("precommit", "Pre-commit validation",
        "Step-by-step validation of pending git changes before a commit, with expert validation.",
        new Vocabulary("validation_in_progress", "pause_for_validation", "validation_required", "validation_complete",
            "validation_complete_ready_for_commit", "skipped_due_to_internal_analysis_type", "complete_validation",
            "validation_status"),
        investigation(false, CONFIDENCE_LEVEL, List.of(
            ToolParam.oneOf("precommit_type", false, null, "external", "internal"),
            ToolParam.string("path", false, null),
            ToolParam.string("compare_to", false, null),
            ToolParam.bool("include_staged", false, null),
            ToolParam.bool("include_unstaged", false, null),
            ToolParam.string("focus_on", false, null),
            ToolParam.oneOf("severity_filter", false, null, SEVERITY_FILTER))),
        List.of("path"), List.of("precommit_type", "path", "compare_to", "include_staged", "include_unstaged",
            "focus_on", "severity_filter"),
        "precommit_expert.txt",
        "Please validate these changes for commit: issues by severity with file and line, missing or broken tests, and "
            + "whether they are ready to commit.",
        ExpertCriterion.ALWAYS, SkipRule.onInternal("precommit_type"),
        Guidances.byConfidence("the changed code and what depends on it",
            List.of("Run git status and git diff (staged and unstaged) in the repository and read every changed file")),
        "examine the changes");
  }
}
