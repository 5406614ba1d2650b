package dev.zen.agent.consensus;

import dev.zen.ZenException;
import dev.zen.agent.Prompts;
import dev.zen.agent.ToolArguments;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.ZenTool;
import dev.zen.gateway.ModelFanOut;
import dev.zen.gateway.ModelOutcome;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import dev.zen.internal.Futures;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Several models evaluate one proposal at the same time, each from an assigned stance and blind to
 * the others (each request holds only the proposal, the files and the conversation so far); then
 * one model synthesizes their answers. A model that fails is reported next to the others' answers;
 * only when all fail is the call an error.
 */
public final class ConsensusTool extends ZenTool {
  static final int MAX_MODELS = 8;
  static final List<String> STANCES = List.of("for", "against", "neutral");

  public ConsensusTool() {
    super("consensus", "Several models evaluate a proposal in parallel, each with a stance and blind to the others; "
        + "'model' synthesizes their views.",
        List.of(ToolParam.PROMPT,
            ToolParam.objects("models", true, "Models to consult, each {model, stance, stance_prompt}", MAX_MODELS,
                ToolParam.string("model", true, null),
                ToolParam.oneOf("stance", false, null, "for", "against", "neutral"),
                ToolParam.string("stance_prompt", false, "Replaces the stance's default instructions")),
            ToolParam.FILES, ToolParam.IMAGES, ToolParam.MODEL, ToolParam.TEMPERATURE, ToolParam.THINKING_MODE,
            ToolParam.CONTINUATION));
  }

  @Override
  protected List<String> check(ToolArguments arguments) {
    List<String> errors = new ArrayList<>();
    List<ToolArguments> entries = arguments.objects("models");
    if (entries.size() < 2) {
      errors.add("consensus needs at least two entries in 'models' (the same model may appear with different stances)");
    }
    Set<String> seen = new HashSet<>();
    for (ToolArguments entry : entries) {
      String model = entry.string("model").orElse("");
      String key = model.trim().toLowerCase(Locale.ROOT) + "/" + stance(entry);
      if (!seen.add(key)) {
        errors.add("'models' lists " + model + " with stance " + stance(entry)
            + " twice; give each repeated model a different stance");
      }
    }
    return errors;
  }

  @Override
  protected List<String> requestedModels(ToolArguments arguments, String defaultModel) {
    List<String> names = new ArrayList<>(super.requestedModels(arguments, defaultModel));
    arguments.objects("models").forEach(entry -> names.add(entry.string("model").orElseThrow()));
    return names;
  }

  @Override
  protected ToolCategory category() {
    return ToolCategory.EXTENDED_REASONING;
  }

  @Override
  protected boolean usesModel() {
    return true;
  }

  private static String stance(ToolArguments entry) {
    return entry.string("stance").orElse("neutral");
  }

  /** One consulted model's answer or failure. */
  private record Opinion(String model, String stance, @Nullable String text, @Nullable String error, long latencyMs,
      boolean retriable) {
    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("model", model);
      map.put("stance", stance);
      map.put("status", error == null ? "success" : "error");
      map.put(error == null ? "content" : "error", error == null ? text : error);
      if (error == null) {
        map.put("latency_ms", latencyMs);
      }
      return map;
    }
  }

  @Override
  protected CompletableFuture<ToolOutcome> run(ToolContext context) {
    List<ToolArguments> entries = context.arguments().objects("models");
    List<ModelSpec> consulted = context.models().subList(1, context.models().size());
    ModelSpec synthesizer = context.model();
    String proposal = context.prompt();
    List<ChatRequest> requests = new ArrayList<>();
    List<String> stances = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      ToolArguments entry = entries.get(i);
      String stance = stance(entry);
      String stancePrompt = entry.string("stance_prompt").filter(custom -> !custom.isBlank())
          .orElseGet(() -> prompt("stance_" + stance));
      String system = Prompts.fill(prompt("consensus"), Map.of("stance", stancePrompt));
      // Each request holds the proposal, the files and the conversation, never another answer.
      requests.add(context.request(consulted.get(i), context.messages(system, "Proposal to evaluate:\n" + proposal)));
      stances.add(stance);
    }
    CompletableFuture<List<ModelOutcome>> all = ModelFanOut.ask(new Reporting(context, entries.size()), requests);
    // On the node's executor: the last answer completes `all` on a gateway thread, which has no trace
    // context, and the synthesis' model call belongs under the node like the others.
    CompletableFuture<ToolOutcome> outcome = all.thenComposeAsync(outcomes -> {
      List<Opinion> opinions = new ArrayList<>();
      for (int i = 0; i < outcomes.size(); i++) {
        ModelOutcome result = outcomes.get(i);
        if (result instanceof ModelOutcome.Answered answered) {
          opinions.add(new Opinion(answered.model(), stances.get(i), answered.reply().text(), null,
              answered.reply().latency().toMillis(), false));
        } else if (result instanceof ModelOutcome.Failed failed) {
          if (failed.error() instanceof CancellationException cancelled) {
            throw cancelled;
          }
          opinions.add(new Opinion(failed.model(), stances.get(i), null, Futures.describe(failed.error()), 0,
              ZenException.isRetriable(Futures.unwrap(failed.error()))));
        }
      }
      return synthesize(context, synthesizer, proposal, opinions);
    }, context.executor());
    return Futures.cancelling(outcome, all);
  }

  private static String prompt(String name) {
    return Prompts.load(ConsensusTool.class, name + ".txt");
  }

  /**
   * The gateway as the fan-out sees it: each call tracked for cancellation, and a progress report
   * as each model answers, so a client sees the consultation advance.
   */
  private static final class Reporting implements ModelGateway {
    private final ToolContext context;
    private final int total;
    private final AtomicInteger done = new AtomicInteger();

    Reporting(ToolContext context, int total) {
      this.context = context;
      this.total = total;
    }

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      CompletableFuture<ChatReply> call = context.complete(request);
      call.whenComplete((reply, error) -> {
        if (!call.isCancelled()) {
          context.progress("consensus: " + request.model() + (error == null ? " answered" : " failed")
              + " (" + done.incrementAndGet() + "/" + total + ")");
        }
      });
      return call;
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      return complete(request);
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return context.gateway().models();
    }
  }

  private static CompletableFuture<ToolOutcome> synthesize(ToolContext context, ModelSpec synthesizer, String proposal,
      List<Opinion> opinions) {
    List<Map<String, Object>> responses = opinions.stream().map(Opinion::toMap).toList();
    List<Opinion> answers = opinions.stream().filter(opinion -> opinion.error() == null).toList();
    if (answers.isEmpty()) {
      StringBuilder text = new StringBuilder("Every consulted model failed, so there is no consensus:");
      opinions.forEach(o -> text.append("\n- ").append(o.model()).append(" (").append(o.stance()).append("): ")
          .append(o.error()));
      text.append('\n').append(opinions.stream().anyMatch(Opinion::retriable) ? "Some failures are likely temporary: try again, or consult other "
          + "models (see listmodels)." : "Calling again with the same models will not help: consult other models "
          + "(see listmodels).");
      return CompletableFuture.completedFuture(ToolOutcome.error(text.toString()).withExtra(Map.of("responses", responses)));
    }
    StringBuilder evaluations = new StringBuilder("Proposal:\n").append(proposal).append("\n\n");
    for (Opinion opinion : opinions) {
      evaluations.append("### ").append(opinion.model()).append(" (stance: ").append(opinion.stance()).append(")\n")
          .append(opinion.error() == null ? opinion.text() : "(no answer: " + opinion.error() + ")").append("\n\n");
    }
    List<ChatMessage> messages = List.of(ChatMessage.system(prompt("consensus_synthesis")),
        ChatMessage.user(evaluations.toString()));
    context.progress("consensus: " + synthesizer.name() + " is synthesizing " + answers.size() + " answers");
    CompletableFuture<ChatReply> call = context.complete(context.request(synthesizer, messages));
    return Futures.cancelling(call.handle((reply, error) -> {
      Throwable cause = error == null ? null : Futures.unwrap(error);
      if (cause instanceof CancellationException) {
        throw new CompletionException(cause);
      }
      StringBuilder text = new StringBuilder();
      text.append("## Consensus of ").append(opinions.size()).append(" models (").append(answers.size())
          .append(" answered)\n\n");
      Map<String, Object> synthesis = new LinkedHashMap<>();
      synthesis.put("model", synthesizer.name());
      if (cause == null) {
        text.append(reply.text().strip()).append("\n\n");
        synthesis.put("status", "success");
      } else {
        text.append("(The synthesis by ").append(synthesizer.name()).append(" failed: ").append(Futures.describe(cause))
            .append("; the individual answers follow.)\n\n");
        synthesis.put("status", "error");
        synthesis.put("error", Futures.describe(cause));
      }
      int synthesisEnd = text.length();
      text.append("## Individual answers\n");
      for (Opinion opinion : opinions) {
        text.append("\n### ").append(opinion.model()).append(" (").append(opinion.stance()).append(")");
        if (opinion.error() == null) {
          text.append("\n").append(opinion.text().strip()).append('\n');
        } else {
          text.append(" - FAILED: ").append(opinion.error()).append('\n');
        }
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("responses", responses);
      extra.put("synthesis", synthesis);
      // Each answer is in responses once; the structured text is the synthesis alone.
      return ToolOutcome.answer(text.toString().strip(), synthesizer.name()).withExtra(extra)
          .withStructuredText(text.substring(0, synthesisEnd).strip());
    }), call);
  }
}
