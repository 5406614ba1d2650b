package dev.zen.agent;

import dev.zen.internal.Futures;
import dev.zen.gateway.ModelFanOut;
import dev.zen.gateway.ModelOutcome;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
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
final class ConsensusTool extends ZenTool {
  static final int MAX_MODELS = 8;
  static final List<String> STANCES = List.of("for", "against", "neutral");

  ConsensusTool() {
    super("consensus", "Consult several models in parallel on a proposal, each with a stance (for, against, neutral) "
        + "and blind to the others, then synthesize their views into one recommendation; 'model' is the synthesizer.",
        List.of(PROMPT,
            Param.objects("models", true, "Models to consult, each {model, stance, stance_prompt}", MAX_MODELS,
                Param.string("model", true, null),
                Param.oneOf("stance", false, null, "for", "against", "neutral"),
                Param.string("stance_prompt", false, "Replaces the stance's default instructions")),
            FILES, IMAGES, MODEL, TEMPERATURE, CONTINUATION));
  }

  @Override
  List<String> check(Map<String, Object> arguments) {
    List<String> errors = new ArrayList<>();
    List<Map<String, Object>> entries = entries(arguments);
    if (entries.size() < 2) {
      errors.add("consensus needs at least two entries in 'models' (the same model may appear with different stances)");
    }
    Set<String> seen = new HashSet<>();
    for (Map<String, Object> entry : entries) {
      String key = ((String) entry.get("model")).trim().toLowerCase(Locale.ROOT) + "/" + stance(entry);
      if (!seen.add(key)) {
        errors.add("'models' lists " + entry.get("model") + " with stance " + stance(entry)
            + " twice; give each repeated model a different stance");
      }
    }
    return errors;
  }

  @Override
  List<String> requestedModels(Map<String, Object> arguments, String defaultModel) {
    List<String> names = new ArrayList<>(super.requestedModels(arguments, defaultModel));
    entries(arguments).forEach(entry -> names.add((String) entry.get("model")));
    return names;
  }

  @Override
  ToolCategory category() {
    return ToolCategory.EXTENDED_REASONING;
  }

  @Override
  boolean usesModel() {
    return true;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries(Map<String, Object> arguments) {
    return arguments.get("models") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
  }

  private static String stance(Map<String, Object> entry) {
    return entry.get("stance") instanceof String stance ? stance : "neutral";
  }

  /** One consulted model's answer or failure. */
  private record Opinion(String model, String stance, @Nullable String text, @Nullable String error, long latencyMs) {
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
  ToolNode node() {
    return (turn, node) -> {
      List<Map<String, Object>> entries = turn.objects("models");
      List<ModelSpec> consulted = turn.models.subList(1, turn.models.size());
      ModelSpec synthesizer = turn.model();
      String proposal = turn.prompt();
      Double temperature = turn.number("temperature");
      List<ChatRequest> requests = new ArrayList<>();
      List<String> stances = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        Map<String, Object> entry = entries.get(i);
        String stance = stance(entry);
        String stancePrompt = entry.get("stance_prompt") instanceof String custom && !custom.isBlank()
            ? custom : Prompts.get("stance_" + stance);
        String system = Prompts.fill(Prompts.get("consensus"), Map.of("stance", stancePrompt));
        // Each request holds the proposal, the files and the conversation, never another answer.
        requests.add(ModelCalls.request(consulted.get(i), turn.messages(system, "Proposal to evaluate:\n" + proposal),
            temperature));
        stances.add(stance);
      }
      CompletableFuture<List<ModelOutcome>> all = ModelFanOut.ask(new Reporting(turn, entries.size()), requests);
      CompletableFuture<Outcome> outcome = all.thenCompose(outcomes -> {
        List<Opinion> opinions = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
          ModelOutcome result = outcomes.get(i);
          if (result instanceof ModelOutcome.Answered answered) {
            opinions.add(new Opinion(answered.model(), stances.get(i), answered.reply().text(), null,
                answered.reply().latency().toMillis()));
          } else if (result instanceof ModelOutcome.Failed failed) {
            if (failed.error() instanceof CancellationException cancelled) {
              throw cancelled;
            }
            opinions.add(new Opinion(failed.model(), stances.get(i), null, Futures.describe(failed.error()), 0));
          }
        }
        return synthesize(turn, synthesizer, proposal, opinions);
      });
      return Futures.cancelling(outcome, all);
    };
  }

  /**
   * The gateway as the fan-out sees it: each call tracked for cancellation, and a progress report
   * as each model answers, so a client sees the consultation advance.
   */
  private static final class Reporting implements ModelGateway {
    private final Turn turn;
    private final int total;
    private final AtomicInteger done = new AtomicInteger();

    Reporting(Turn turn, int total) {
      this.turn = turn;
      this.total = total;
    }

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      CompletableFuture<ChatReply> call = ModelCalls.complete(turn, request);
      call.whenComplete((reply, error) -> {
        if (!call.isCancelled()) {
          turn.progress.report("consensus: " + request.model() + (error == null ? " answered" : " failed")
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
      return turn.engine.gateway.models();
    }
  }

  private static CompletableFuture<Outcome> synthesize(Turn turn, ModelSpec synthesizer, String proposal,
      List<Opinion> opinions) {
    List<Map<String, Object>> responses = opinions.stream().map(Opinion::toMap).toList();
    List<Opinion> answers = opinions.stream().filter(opinion -> opinion.error() == null).toList();
    if (answers.isEmpty()) {
      StringBuilder text = new StringBuilder("Every consulted model failed, so there is no consensus:");
      opinions.forEach(o -> text.append("\n- ").append(o.model()).append(" (").append(o.stance()).append("): ")
          .append(o.error()));
      text.append("\nTry again, or consult other models (see listmodels).");
      return CompletableFuture.completedFuture(new Outcome("error", text.toString(), Map.of("responses", responses),
          true, null, false));
    }
    StringBuilder evaluations = new StringBuilder("Proposal:\n").append(proposal).append("\n\n");
    for (Opinion opinion : opinions) {
      evaluations.append("### ").append(opinion.model()).append(" (stance: ").append(opinion.stance()).append(")\n")
          .append(opinion.error() == null ? opinion.text() : "(no answer: " + opinion.error() + ")").append("\n\n");
    }
    List<ChatMessage> messages = List.of(ChatMessage.system(Prompts.get("consensus_synthesis")),
        ChatMessage.user(evaluations.toString()));
    turn.progress.report("consensus: " + synthesizer.name() + " is synthesizing " + answers.size() + " answers");
    CompletableFuture<ChatReply> call = ModelCalls.complete(turn, ModelCalls.request(synthesizer, messages,
        turn.number("temperature")));
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
      return new Outcome("success", text.toString().strip(), extra, false, synthesizer.name(), true);
    }), call);
  }
}
