package dev.zen.agent;

import dev.zen.gateway.ToolCategory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A tool of the Zen agent. Zen's own tools ({@code chat}, {@code consensus}, ...) are subclasses
 * like any user's; add one with {@link ZenAgent.Builder#tool(ZenTool)}.
 *
 * <p>A tool declares its arguments ({@link ToolParam}) and what the agent prepares before
 * {@link #run}: {@link #usesModel()} routes the call through the model router (which resolves
 * {@link #requestedModels}); declaring {@link ToolParam#FILES} routes it through the file stage;
 * declaring {@link ToolParam#CONTINUATION} makes its calls part of a conversation thread, stored in
 * the agent's checkpoint store. The agent checks arguments, the turn cap and the prompt size
 * before the tool runs, so {@link #run} sees only valid calls.
 *
 * <pre>{@code
 * public final class ShoutTool extends ZenTool {
 *   public ShoutTool() {
 *     super("shout", "Repeats the prompt in capitals.", List.of(ToolParam.PROMPT, ToolParam.CONTINUATION));
 *   }
 *
 *   protected boolean usesModel() { return false; }
 *
 *   protected CompletableFuture<ToolOutcome> run(ToolContext context) {
 *     return CompletableFuture.completedFuture(ToolOutcome.answer(context.prompt().toUpperCase(), null));
 *   }
 * }
 * }</pre>
 *
 * <p>Contract of {@link #run}: it returns at once (I/O goes into the returned future); model
 * failures become {@link ToolOutcome#error} outcomes whose text says what to do; a failed future
 * means a bug or an infrastructure failure, which the agent reports as such. Cancelling the
 * future must stop the work (model calls through the {@link ToolContext} are cancelled anyway).
 * Instances are shared by all calls: keep no per-call state in fields (use
 * {@link ToolContext#state} and {@link ToolOutcome#withState}).
 */
public abstract class ZenTool {
  private final String name;
  private final String description;
  private final List<ToolParam> params;
  private volatile @Nullable ToolSpec spec;

  /**
   * @param name lower case, {@code [a-z][a-z0-9_]*}
   * @param description one or two sentences for clients
   * @param params the arguments, in the order clients see them
   */
  protected ZenTool(String name, String description, List<ToolParam> params) {
    this.name = Objects.requireNonNull(name, "name");
    this.description = Objects.requireNonNull(description, "description");
    this.params = List.copyOf(params);
    // Checks the name and description at once; the full spec needs the subclass, so it comes later.
    new ToolSpec(name, description, Map.of("type", "object"));
  }

  public final String name() {
    return name;
  }

  public final List<ToolParam> params() {
    return params;
  }

  /** What clients see: name, description, the JSON Schema of the arguments, the output schema and hints. */
  public final ToolSpec spec() {
    ToolSpec built = spec;
    if (built == null) {
      built = new ToolSpec(name, description, ToolParam.objectSchema(params), outputSchema(),
          new ToolSpec.Hints(title(), readOnly(), false, false, openWorld()));
      spec = built;
    }
    return built;
  }

  /** A human-readable name for clients ("Code review"); default: the name, capitalised. */
  protected String title() {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** Whether the tool changes nothing outside the agent's own conversation memory; default true. */
  protected boolean readOnly() {
    return true;
  }

  /** Whether the tool reaches outside the server (model providers, other hosts); default: when it uses a model. */
  protected boolean openWorld() {
    return usesModel();
  }

  /**
   * The JSON Schema of the result's structured content, when the tool promises a shape; default
   * none. Every result has {@code status}; keep declared schemas small (the tool list has a budget).
   */
  protected @Nullable Map<String, Object> outputSchema() {
    return null;
  }

  /**
   * Checks beyond the schema (combinations, duplicates), one sentence per problem naming the
   * argument; none by default.
   */
  protected List<String> check(ToolArguments arguments) {
    return List.of();
  }

  /**
   * The model names the router resolves, the first being the one that answers (a tool consulting
   * several lists them after it). Default: the {@code model} argument, else {@code defaultModel}.
   */
  protected List<String> requestedModels(ToolArguments arguments, String defaultModel) {
    return List.of(arguments.string("model").filter(model -> !model.isBlank()).orElse(defaultModel));
  }

  /** What kind of model {@code auto} picks for this tool; default {@link ToolCategory#BALANCED}. */
  protected ToolCategory category() {
    return ToolCategory.BALANCED;
  }

  /**
   * The argument holding the request text: what {@link ToolContext#prompt()} returns, what the
   * conversation stores as the user's turn, and what the agent's size limit applies to. Default
   * {@code prompt}; workflow tools use {@code step}.
   */
  protected String promptArgument() {
    return ToolParam.PROMPT.name();
  }

  /**
   * The thinking mode model requests get when the call names none ({@code thinking_mode}); default
   * none: the provider's own default. Workflow experts think {@code high}.
   */
  protected @Nullable String defaultThinkingMode() {
    return null;
  }

  /** Whether calls go through the model router; tools answering without a model return false. */
  protected abstract boolean usesModel();

  /** Whether calls go through the file stage: by default, when the tool declares {@link ToolParam#FILES}. */
  protected boolean usesFiles() {
    return params.contains(ToolParam.FILES);
  }

  /** Whether calls belong to a conversation thread: by default, when the tool declares {@link ToolParam#CONTINUATION}. */
  protected boolean continuable() {
    return params.contains(ToolParam.CONTINUATION);
  }

  /** The tool's work for one call; see the class documentation for the contract. */
  protected abstract CompletableFuture<ToolOutcome> run(ToolContext context);

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + "]";
  }
}
