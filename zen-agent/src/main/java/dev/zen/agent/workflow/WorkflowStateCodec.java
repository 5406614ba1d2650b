package dev.zen.agent.workflow;

import dev.zen.agent.ToolStateCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link WorkflowState} as JSON-like maps. The stored shape is read by other releases (threads
 * outlive upgrades in Redis): add fields, never rename them; reading tolerates missing ones.
 */
final class WorkflowStateCodec implements ToolStateCodec<WorkflowState> {
  static final WorkflowStateCodec INSTANCE = new WorkflowStateCodec();
  private static final int VERSION = 1;

  private WorkflowStateCodec() {}

  @Override
  public Map<String, Object> encode(WorkflowState state) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("version", VERSION);
    map.put("initial_request", state.initialRequest());
    map.put("configuration", state.configuration());
    map.put("steps", state.steps().stream().map(WorkflowStateCodec::step).toList());
    if (!state.abandoned().isEmpty()) {
      map.put("abandoned", state.abandoned().stream().map(WorkflowStateCodec::step).toList());
    }
    if (!state.branches().isEmpty()) {
      Map<String, Object> branches = new LinkedHashMap<>();
      state.branches().forEach((id, line) -> branches.put(id, line.stream().map(WorkflowStateCodec::step).toList()));
      map.put("branches", branches);
    }
    if (!state.expertCache().isEmpty()) {
      Map<String, Object> cache = new LinkedHashMap<>();
      state.expertCache().forEach((hash, reply) -> cache.put(hash,
          Map.of("model", reply.model(), "reply", reply.reply(), "at", reply.at())));
      map.put("expert_cache", cache);
    }
    return map;
  }

  @Override
  public WorkflowState decode(Map<String, Object> stored) {
    Map<String, List<WorkflowStep>> branches = new LinkedHashMap<>();
    if (stored.get("branches") instanceof Map<?, ?> map) {
      map.forEach((id, line) -> branches.put(String.valueOf(id), steps(line)));
    }
    Map<String, WorkflowState.CachedExpert> cache = new LinkedHashMap<>();
    if (stored.get("expert_cache") instanceof Map<?, ?> map) {
      map.forEach((hash, value) -> {
        if (value instanceof Map<?, ?> entry && entry.get("reply") instanceof String reply) {
          cache.put(String.valueOf(hash), new WorkflowState.CachedExpert(String.valueOf(entry.get("model")), reply,
              entry.get("at") instanceof Number at ? at.longValue() : 0L));
        }
      });
    }
    return new WorkflowState(text(stored.get("initial_request")), objectMap(stored.get("configuration")),
        steps(stored.get("steps")), steps(stored.get("abandoned")), branches, cache);
  }

  private static Map<String, Object> step(WorkflowStep step) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("number", step.number());
    map.put("total_steps", step.totalSteps());
    map.put("step", step.text());
    map.put("findings", step.findings());
    putIfNotEmpty(map, "files_checked", step.filesChecked());
    putIfNotEmpty(map, "relevant_files", step.relevantFiles());
    putIfNotEmpty(map, "relevant_context", step.relevantContext());
    putIfNotEmpty(map, "issues", step.issues());
    if (step.confidence() != null) {
      map.put("confidence", step.confidence());
    }
    if (step.hypothesis() != null) {
      map.put("hypothesis", step.hypothesis());
    }
    putIfNotEmpty(map, "images", step.images());
    if (!step.extra().isEmpty()) {
      map.put("extra", step.extra());
    }
    return map;
  }

  private static void putIfNotEmpty(Map<String, Object> map, String key, List<?> list) {
    if (!list.isEmpty()) {
      map.put(key, list);
    }
  }

  private static List<WorkflowStep> steps(@Nullable Object value) {
    List<WorkflowStep> steps = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map) {
          steps.add(new WorkflowStep(integer(map.get("number")), integer(map.get("total_steps")), text(map.get("step")),
              text(map.get("findings")), strings(map.get("files_checked")), strings(map.get("relevant_files")),
              strings(map.get("relevant_context")), objects(map.get("issues")),
              map.get("confidence") instanceof String c ? c : null, map.get("hypothesis") instanceof String h ? h : null,
              strings(map.get("images")), objectMap(map.get("extra"))));
        }
      }
    }
    return steps;
  }

  private static int integer(@Nullable Object value) {
    return value instanceof Number number ? number.intValue() : 0;
  }

  private static String text(@Nullable Object value) {
    return value instanceof String text ? text : "";
  }

  private static List<String> strings(@Nullable Object value) {
    return value instanceof List<?> list
        ? list.stream().filter(String.class::isInstance).map(String.class::cast).toList()
        : List.of();
  }

  private static List<Map<String, Object>> objects(@Nullable Object value) {
    List<Map<String, Object>> objects = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?>) {
          objects.add(objectMap(item));
        }
      }
    }
    return objects;
  }

  private static Map<String, Object> objectMap(@Nullable Object value) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> source) {
      source.forEach((key, item) -> {
        if (item != null) {
          map.put(String.valueOf(key), item);
        }
      });
    }
    return map;
  }
}
