package dev.zen.agent.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a line of steps adds up to, derived on demand (never stored, so it cannot disagree with
 * the steps): sets for files and context, lists for findings, hypotheses, issues and images, the
 * latest confidence.
 */
final class Consolidated {
  static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");

  final List<WorkflowStep> steps;
  final Set<String> filesChecked = new LinkedHashSet<>();
  final Set<String> relevantFiles = new LinkedHashSet<>();
  final Set<String> relevantContext = new LinkedHashSet<>();
  final Set<String> images = new LinkedHashSet<>();
  final List<Map<String, Object>> issues = new ArrayList<>();
  final List<String> findings = new ArrayList<>();
  /** "Step N (confidence): hypothesis" per step that stated one. */
  final List<String> hypotheses = new ArrayList<>();
  @Nullable String confidence;

  Consolidated(List<WorkflowStep> steps) {
    this.steps = List.copyOf(steps);
    for (WorkflowStep step : steps) {
      filesChecked.addAll(step.filesChecked());
      relevantFiles.addAll(step.relevantFiles());
      relevantContext.addAll(step.relevantContext());
      images.addAll(step.images());
      issues.addAll(step.issues());
      if (!step.findings().isBlank()) {
        findings.add("Step " + step.number() + ": " + step.findings().strip());
      }
      if (step.hypothesis() != null && !step.hypothesis().isBlank()) {
        hypotheses.add("Step " + step.number() + (step.confidence() == null ? "" : " (" + step.confidence() + ")")
            + ": " + step.hypothesis().strip());
      }
      if (step.confidence() != null) {
        confidence = step.confidence();
      }
    }
  }

  /** Issue counts by severity, highest first; unrecognised severities count as {@code unspecified}. */
  Map<String, Integer> issuesBySeverity() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map<String, Object> issue : issues) {
      String severity = severity(issue);
      counts.merge(severity, 1, Integer::sum);
    }
    Map<String, Integer> ordered = new LinkedHashMap<>();
    for (String severity : SEVERITIES) {
      if (counts.containsKey(severity)) {
        ordered.put(severity, counts.remove(severity));
      }
    }
    ordered.putAll(counts);
    return ordered;
  }

  static String severity(Map<String, Object> issue) {
    return issue.get("severity") instanceof String text && SEVERITIES.contains(text.toLowerCase(Locale.ROOT))
        ? text.toLowerCase(Locale.ROOT) : "unspecified";
  }

  /** Issues ordered by severity, each as {@code [SEVERITY] description (other fields)}. */
  List<String> issueLines() {
    List<Map<String, Object>> sorted = new ArrayList<>(issues);
    sorted.sort(java.util.Comparator.comparingInt(issue -> {
      int index = SEVERITIES.indexOf(severity(issue));
      return index < 0 ? SEVERITIES.size() : index;
    }));
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> issue : sorted) {
      StringBuilder line = new StringBuilder("[").append(severity(issue).toUpperCase(Locale.ROOT)).append("] ")
          .append(issue.getOrDefault("description", "(no description)"));
      issue.forEach((key, value) -> {
        if (!key.equals("severity") && !key.equals("description")) {
          line.append(" (").append(key).append(": ").append(value).append(')');
        }
      });
      lines.add(line.toString());
    }
    return lines;
  }
}
