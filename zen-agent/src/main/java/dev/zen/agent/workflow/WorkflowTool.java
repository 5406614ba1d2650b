package dev.zen.agent.workflow;

import dev.zen.agent.Prompts;
import dev.zen.agent.ToolArguments;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ZenTool;
import dev.zen.gateway.ToolCategory;
import dev.zen.internal.Futures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link WorkflowDefinition} through the step protocol (the reference's A.4): every call
 * records one step in the workflow's state on the conversation thread and answers at once with
 * what to do next; the final step ({@code next_step_required: false}) either completes locally,
 * skips the expert by the tool's rule, or makes one expert call with everything gathered.
 *
 * <p>All state lives in the thread's checkpoint ({@link WorkflowState}), none on this instance:
 * concurrent clients never see each other's findings, and step 2 may run on another server
 * process than step 1 when they share a store. A step whose answer is an error is not recorded,
 * so a failed expert call leaves the workflow as it was and the final step can simply be sent again.
 *
 * <p>Planner, tracer and docgen refine a few of the protocol's moves by overriding the
 * package-private hooks; the others are pure definitions.
 */
class WorkflowTool extends ZenTool {
  final WorkflowDefinition definition;

  WorkflowTool(WorkflowDefinition definition) {
    super(definition.name(), definition.description(), definition.params());
    this.definition = definition;
  }

  @Override
  protected String promptArgument() {
    return WorkflowFields.STEP.name();
  }

  /**
   * Every answer has a status; the rest depends on the tool and the step (the instructions say
   * which fields to expect). Kept minimal: the tool list has a size budget.
   */
  private static final Map<String, Object> OUTPUT_SCHEMA = Map.of("type", "object",
      "properties", Map.of("status", Map.of("type", "string")), "required", List.of("status"));

  @Override
  protected boolean usesModel() {
    return definition.hasExpert();
  }

  /** The reference's expert default: reviews think hard unless the call says otherwise. */
  @Override
  protected @Nullable String defaultThinkingMode() {
    return definition.hasExpert() ? "high" : null;
  }

  @Override
  protected String title() {
    return definition.title();
  }

  @Override
  protected Map<String, Object> outputSchema() {
    return OUTPUT_SCHEMA;
  }

  @Override
  protected ToolCategory category() {
    return ToolCategory.EXTENDED_REASONING;
  }

  @Override
  protected List<String> check(ToolArguments arguments) {
    List<String> errors = new ArrayList<>();
    int stepNumber = arguments.integer("step_number").orElse(1);
    arguments.integer("backtrack_from_step").ifPresent(from -> {
      if (from >= stepNumber) {
        errors.add("backtrack_from_step (" + from + ") must be lower than step_number (" + stepNumber
            + "): it names the first step to set aside before this one");
      }
    });
    arguments.string("path").ifPresent(path -> {
      boolean absolute;
      try {
        absolute = java.nio.file.Path.of(path).isAbsolute();
      } catch (java.nio.file.InvalidPathException e) {
        absolute = false;
      }
      if (!absolute) {
        errors.add("'" + path + "' in 'path' is not an absolute path; pass the FULL absolute path of the repository");
      }
    });
    return errors;
  }

  @Override
  protected final CompletableFuture<ToolOutcome> run(ToolContext context) {
    ToolArguments args = context.arguments();
    Optional<WorkflowState> saved = context.state(WorkflowStateCodec.INSTANCE);
    if (saved.isPresent() && !saved.get().steps().isEmpty()) {
      return proceed(context, saved.get());
    }
    List<String> missing = definition.step1Required().stream().filter(name -> !has(args, name)).toList();
    if (!missing.isEmpty()) {
      return done(ToolOutcome.error(name() + " needs " + String.join(", ", missing) + " on its first step ("
          + describeRequirement(missing) + "). Call step 1 again with " + (missing.size() == 1 ? "it" : "them") + "."));
    }
    Map<String, Object> configuration = new LinkedHashMap<>();
    for (String field : definition.configuration()) {
      if (args.has(field)) {
        configuration.put(field, args.asMap().get(field));
      }
    }
    WorkflowState started = WorkflowState.start(context.prompt(), configuration);
    CompletableFuture<@Nullable ToolOutcome> check = checkFirstStep(context);
    return Futures.cancelling(check.thenCompose(refusal -> refusal != null ? done(refusal) : proceed(context, started)),
        check);
  }

  private CompletableFuture<ToolOutcome> proceed(ToolContext context, WorkflowState state) {
    ToolArguments args = context.arguments();
    int stepNumber = args.integer("step_number").orElseThrow();
    boolean finalStep = !args.bool("next_step_required").orElseThrow();
    ToolOutcome early = beforeStep(context, state, stepNumber);
    if (early != null) {
      return done(early);
    }
    int totalSteps = Math.max(stepNumber, totalSteps(args));
    WorkflowStep step = new WorkflowStep(stepNumber, totalSteps, context.prompt(), args.string("findings").orElse(""),
        args.strings("files_checked"), args.strings("relevant_files"), args.strings("relevant_context"),
        issues(args), args.string("confidence").orElse(null), args.string("hypothesis").orElse(null),
        args.strings("images"), stepExtras(args));
    Recorded recorded;
    try {
      recorded = record(state, step, args);
    } catch (IllegalArgumentException refused) {
      return done(ToolOutcome.error(refused.getMessage()));
    }
    WorkflowState next = recorded.state();
    Consolidated work = new Consolidated(next.steps());
    if (!finalStep) {
      return done(pause(context, next, step, work).withState(next, WorkflowStateCodec.INSTANCE));
    }
    ToolOutcome guard = finalGuard(context, next, step, work);
    if (guard != null) {
      return done(guard.withState(next, WorkflowStateCodec.INSTANCE));
    }
    if (!definition.hasExpert()) {
      return done(completeWithoutExpert(context, next, step, work).withState(next, WorkflowStateCodec.INSTANCE));
    }
    String skipReason = definition.skip().reason(work, next.configuration());
    if (skipReason != null) {
      return done(Responses.skipped(this, next, step, work, skipReason).withState(next, WorkflowStateCodec.INSTANCE));
    }
    if (!args.bool("use_assistant_model").orElse(true)) {
      return done(Responses.local(this, next, step, work, "use_assistant_model is false")
          .withState(next, WorkflowStateCodec.INSTANCE));
    }
    if (!definition.criterion().warrants(work, next.configuration())) {
      return done(Responses.local(this, next, step, work, "the work gathered (no relevant files, too few findings, "
          + "no issues) does not warrant an expert review").withState(next, WorkflowStateCodec.INSTANCE));
    }
    return new ExpertReview(this, context, next, step, work).run();
  }

  /** What a recorded step produced: the new state. */
  record Recorded(WorkflowState state) {}

  /**
   * Records {@code step}: appended after the last one, replacing it when it has the same number
   * (a repeated final step), or after setting aside the steps from {@code backtrack_from_step} on.
   *
   * @throws IllegalArgumentException when the step cannot be placed (an older number without a backtrack)
   */
  Recorded record(WorkflowState state, WorkflowStep step, ToolArguments args) {
    List<WorkflowStep> steps = new ArrayList<>(state.steps());
    List<WorkflowStep> setAside = new ArrayList<>();
    Integer backtrack = args.integer("backtrack_from_step").orElse(null);
    if (backtrack != null) {
      if (steps.stream().noneMatch(existing -> existing.number() == backtrack)) {
        throw new IllegalArgumentException("backtrack_from_step " + backtrack + " names no recorded step of this "
            + name() + " (recorded: " + numbers(steps) + ")");
      }
      steps.removeIf(existing -> {
        boolean drop = existing.number() >= backtrack;
        if (drop) {
          setAside.add(existing);
        }
        return drop;
      });
    } else if (!steps.isEmpty()) {
      int last = state.lastStepNumber();
      if (step.number() == last) {
        steps.remove(steps.size() - 1);
      } else if (step.number() < last) {
        throw new IllegalArgumentException("step_number " + step.number() + " is before the last recorded step (" + last
            + ") of this " + name() + ". Continue with step " + (last + 1) + ", or pass backtrack_from_step to set "
            + "aside the steps from a given one before recording this one.");
      }
    }
    steps.add(step);
    return new Recorded(state.withSteps(steps, setAside));
  }

  // ---- hooks for planner, tracer, docgen, precommit

  /** A refusal of a new workflow's first step found by checking the world (precommit: a git work tree), or null. */
  CompletableFuture<@Nullable ToolOutcome> checkFirstStep(ToolContext context) {
    return CompletableFuture.completedFuture(null);
  }

  /** More for the expert than the work summary (precommit: the change set it collects), or the empty string. */
  CompletableFuture<String> expertContext(ToolContext context, WorkflowState state) {
    return CompletableFuture.completedFuture("");
  }

  /** An answer before the step is recorded (tracer's mode selection), or null to go on. */
  @Nullable ToolOutcome beforeStep(ToolContext context, WorkflowState state, int stepNumber) {
    return null;
  }

  /** The total the agent declared (docgen derives its own). */
  int totalSteps(ToolArguments args) {
    return args.integer("total_steps").orElse(1);
  }

  /** Tool-specific fields kept with the step. */
  Map<String, Object> stepExtras(ToolArguments args) {
    return Map.of();
  }

  /** The answer to an intermediate step. */
  ToolOutcome pause(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    return Responses.pause(this, step, work, definition.guidance().requiredActions(step.number() + 1,
        work.confidence, work));
  }

  /** An answer that refuses to finish yet (docgen's counters), or null to finish. */
  @Nullable ToolOutcome finalGuard(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    return null;
  }

  /** The final answer of a tool that never calls an expert. */
  ToolOutcome completeWithoutExpert(ToolContext context, WorkflowState state, WorkflowStep step, Consolidated work) {
    return Responses.local(this, state, step, work, "this tool completes without an expert");
  }

  // ---- helpers

  String prompt(String resource) {
    return Prompts.load(WorkflowTool.class, resource);
  }

  private static boolean has(ToolArguments args, String name) {
    Object value = args.asMap().get(name);
    return value != null && !(value instanceof List<?> list && list.isEmpty())
        && !(value instanceof String text && text.isBlank());
  }

  private static String describeRequirement(List<String> missing) {
    return missing.contains("relevant_files") ? "the files to work on, as absolute paths"
        : "the reference lists " + String.join(" and ", missing) + " as step-1 requirements";
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> issues(ToolArguments args) {
    Object value = args.asMap().get("issues_found");
    return value instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  private static String numbers(List<WorkflowStep> steps) {
    return steps.isEmpty() ? "none" : String.join(", ", steps.stream().map(s -> String.valueOf(s.number())).toList());
  }

  static CompletableFuture<ToolOutcome> done(ToolOutcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
