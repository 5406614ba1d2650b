package dev.zen.agent.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a workflow keeps between calls, stored in the conversation checkpoint under the tool's
 * name (never on the tool instance): the request and configuration of its first step, the steps
 * that count, the steps a backtrack set aside (kept, not lost), named branches (planner), and the
 * expert answers already paid for, by the hash of their request.
 *
 * @param initialRequest the first step's text
 * @param configuration tool-specific settings captured on the first step (review type, trace mode, ...)
 * @param steps the current line of steps, in order
 * @param abandoned steps set aside by {@code backtrack_from_step}, in the order they were dropped
 * @param branches planner branches by id, each its own line of steps
 * @param expertCache expert replies by the hash of the request that produced them, oldest first
 */
record WorkflowState(String initialRequest, Map<String, Object> configuration, List<WorkflowStep> steps,
    List<WorkflowStep> abandoned, Map<String, List<WorkflowStep>> branches, Map<String, CachedExpert> expertCache) {

  /** Expert answers kept per thread: enough for a retried final step, small enough for every checkpoint. */
  static final int CACHED_EXPERTS = 4;

  WorkflowState {
    configuration = Map.copyOf(configuration);
    steps = List.copyOf(steps);
    abandoned = List.copyOf(abandoned);
    Map<String, List<WorkflowStep>> copies = new LinkedHashMap<>();
    branches.forEach((id, line) -> copies.put(id, List.copyOf(line)));
    branches = java.util.Collections.unmodifiableMap(copies);
    expertCache = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expertCache));
  }

  /** An expert reply kept for a repeated identical request. */
  record CachedExpert(String model, String reply, long at) {}

  static WorkflowState start(String initialRequest, Map<String, Object> configuration) {
    return new WorkflowState(initialRequest, configuration, List.of(), List.of(), Map.of(), Map.of());
  }

  /** The last recorded step's number, or 0. */
  int lastStepNumber() {
    return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).number();
  }

  WorkflowState withSteps(List<WorkflowStep> newSteps, List<WorkflowStep> newlyAbandoned) {
    List<WorkflowStep> allAbandoned = new ArrayList<>(abandoned);
    allAbandoned.addAll(newlyAbandoned);
    return new WorkflowState(initialRequest, configuration, newSteps, allAbandoned, branches, expertCache);
  }

  WorkflowState withBranch(String id, List<WorkflowStep> line) {
    Map<String, List<WorkflowStep>> all = new LinkedHashMap<>(branches);
    all.put(id, line);
    return new WorkflowState(initialRequest, configuration, steps, abandoned, all, expertCache);
  }

  WorkflowState withExpert(String hash, CachedExpert reply) {
    Map<String, CachedExpert> cache = new LinkedHashMap<>(expertCache);
    cache.remove(hash);
    cache.put(hash, reply);
    while (cache.size() > CACHED_EXPERTS) {
      cache.remove(cache.keySet().iterator().next());
    }
    return new WorkflowState(initialRequest, configuration, steps, abandoned, branches, cache);
  }
}
