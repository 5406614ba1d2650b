package dev.zen.agent.workflow;

import dev.zen.agent.ToolParam;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A workflow tool as data: its arguments, what step 1 must carry and what it configures, its
 * status vocabulary, its guidance, and whether and when an expert model reviews the final step.
 * {@link WorkflowTool} runs every definition through the same step protocol.
 *
 * @param name the tool's name
 * @param title its human-readable name
 * @param description one or two sentences for clients
 * @param vocabulary the tool's status strings
 * @param params every argument, in the order clients see them
 * @param step1Required arguments the first step must carry (beyond the schema's required ones)
 * @param configuration arguments captured on the first step and sent to the expert
 * @param expertPrompt the expert's system prompt resource, or null for tools that never call one
 * @param closing the instruction ending the expert's request
 * @param criterion whether the gathered work warrants the expert
 * @param skip why the final step skips the expert, or null when it does not
 * @param guidance the actions required before the next step
 * @param work what the agent does between steps, for messages ("investigate", "review the code")
 */
record WorkflowDefinition(String name, String title, String description, Vocabulary vocabulary, List<ToolParam> params,
    List<String> step1Required, List<String> configuration, @Nullable String expertPrompt, String closing,
    ExpertCriterion criterion, SkipRule skip, Guidance guidance, String work) {

  WorkflowDefinition {
    Objects.requireNonNull(name, "name");
    params = List.copyOf(params);
    step1Required = List.copyOf(step1Required);
    configuration = List.copyOf(configuration);
  }

  boolean hasExpert() {
    return expertPrompt != null;
  }

  /** Whether the work gathered so far warrants an expert's review. */
  @FunctionalInterface
  interface ExpertCriterion {
    boolean warrants(Consolidated work, Map<String, Object> configuration);

    /** The reference's default: any relevant file, two findings or any issue. */
    ExpertCriterion DEFAULT = (work, configuration) -> !work.relevantFiles.isEmpty() || work.findings.size() >= 2
        || !work.issues.isEmpty();
    /** analyze and testgen: any relevant file or any finding. */
    ExpertCriterion LOOSE = (work, configuration) -> !work.relevantFiles.isEmpty() || !work.findings.isEmpty();
    ExpertCriterion ALWAYS = (work, configuration) -> true;
  }

  /** Why the final step needs no expert (the agent is certain, the review is internal), or null. */
  @FunctionalInterface
  interface SkipRule {
    @Nullable String reason(Consolidated work, Map<String, Object> configuration);

    SkipRule NEVER = (work, configuration) -> null;

    static SkipRule onConfidence(String level) {
      return (work, configuration) -> level.equals(work.confidence)
          ? "the agent reported confidence '" + level + "', so no expert validation was requested" : null;
    }

    static SkipRule onInternal(String field) {
      return (work, configuration) -> "internal".equals(configuration.get(field))
          ? field + " is 'internal': the review is completed by the agent alone" : null;
    }
  }

  /** The actions the agent must take before the next step. */
  @FunctionalInterface
  interface Guidance {
    List<String> requiredActions(int nextStep, @Nullable String confidence, Consolidated work);
  }
}
