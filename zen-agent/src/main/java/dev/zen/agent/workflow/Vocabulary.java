package dev.zen.agent.workflow;

/**
 * The status strings and keys of one workflow tool, as the anchor named them: agents branch on
 * them, so they are kept exactly.
 *
 * @param inProgress the counters' status while steps continue ({@code investigation_in_progress})
 * @param pause the status of an intermediate step ({@code pause_for_investigation})
 * @param required the flag key set on intermediate steps ({@code investigation_required})
 * @param complete the flag key set on the final step, and the status after an expert answered
 *     ({@code investigation_complete})
 * @param skipped the status when the final step skips the expert ({@code certain_confidence_proceed_with_fix});
 *     for tools without an expert, their completion status ({@code planning_complete})
 * @param skipReason the status inside {@code expert_analysis} when skipped ({@code skipped_due_to_certain_confidence})
 * @param completion the key of the completion summary ({@code complete_investigation})
 * @param counters the key of the step counters ({@code investigation_status})
 */
record Vocabulary(String inProgress, String pause, String required, String complete, String skipped, String skipReason,
    String completion, String counters) {}
