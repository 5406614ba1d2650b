package dev.zen.agent;

import dev.zen.gateway.ModelSpec;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.CommandResult;
import dev.zen.spi.CommandSpec;
import dev.zen.spi.ModelGateway;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * What a {@link ZenTool} gets for one call, after the agent checked the arguments, resolved the
 * models and loaded the files: the call's data, and the ways to reach models and the client.
 * Valid for the duration of the call; thread-safe.
 *
 * <p>Model calls made through {@link #complete}, {@link #stream} or {@link #gateway()} are tied
 * to the call: cancelling the call (a client's {@code notifications/cancelled}, the agent closing)
 * aborts them, even if the tool is no longer waiting on them.
 */
public interface ToolContext {

  /** The tool being called. */
  String toolName();

  /** The checked arguments. */
  ToolArguments arguments();

  /**
   * The request the model answers: the text of a {@code prompt.txt} the client passed among the
   * files (for prompts too long for a tool argument), then the {@code prompt} argument.
   */
  String prompt();

  /**
   * The models the agent resolved for this call ({@link ZenTool#requestedModels}), in that order;
   * empty for tools that use no model.
   */
  List<ModelSpec> models();

  /**
   * The first of {@link #models()}: the model that answers.
   *
   * @throws IllegalStateException for a tool that uses no model
   */
  ModelSpec model();

  /** The conversation the call belongs to, with the turns before it. */
  Conversation conversation();

  /** What this tool kept on the thread after its previous remembered call, if anything. */
  <T> Optional<T> state(ToolStateCodec<T> codec);

  /**
   * The messages for one model request: the system prompt, the conversation so far (newest turns
   * within the history's token budget), then one user message with the loaded files, notes about
   * files left out, and {@code request}.
   */
  List<ChatMessage> messages(String systemPrompt, String request);

  /**
   * Like {@link #messages(String, String)}, with only the history turns {@code history} accepts
   * (a workflow's expert gets the turns of other tools but not the workflow's own steps, which its
   * request already summarizes).
   */
  List<ChatMessage> messages(String systemPrompt, String request, Predicate<ConversationTurn> history);

  /**
   * Loads {@code paths} (absolute; directories expanded) and the files earlier turns of the
   * conversation named, newest first, within what the model's window leaves after
   * {@code request} and a share for the history; later {@link #messages} calls embed them, and
   * the result reports them. For tools that load files only sometimes (a workflow's final step);
   * tools that declare {@link ToolParam#FILES} get theirs before they run. Fails with
   * {@link dev.zen.InvalidRequestException} when a path resolves to a refused location, and with
   * {@link dev.zen.ContextLengthExceededException} when {@code request} alone does not fit.
   */
  CompletableFuture<Void> attachFiles(List<String> paths, String request);

  /**
   * Loads {@code images} (absolute paths or {@code data:} URLs) for later {@link #messages} calls,
   * which attach them to the request. Fails with {@link dev.zen.InvalidRequestException} when a
   * model of the call does not see images (naming models that do), when there are too many or too
   * large images, or when a path is refused or unreadable. Tools that declare
   * {@link ToolParam#IMAGES} and {@link ToolParam#FILES} get their {@code images} before they run.
   */
  CompletableFuture<Void> attachImages(List<String> images);

  /**
   * A request for {@code model} with the call's {@code temperature} fitted to what the model
   * accepts, and its {@code thinking_mode} (or the tool's default) as the model takes it: a
   * reasoning effort or a thinking budget. A model that does not reason ignores the mode, and the
   * answer notes it when the caller asked for one.
   */
  ChatRequest request(ModelSpec model, List<ChatMessage> messages);

  /** Adds a note for the client to the answer (structured {@code notes}, and a line of the text). */
  void note(String note);

  /** Asks for a whole answer at once. Failures complete the future; it never throws. */
  CompletableFuture<ChatReply> complete(ChatRequest request);

  /**
   * Streams an answer, reporting progress to the client per batch of text ({@code label: received
   * N characters}); completes after the last batch was reported. When the client asked for no
   * progress, the answer is requested whole ({@link #complete}): there is no one to stream it to.
   */
  CompletableFuture<ChatReply> stream(ChatRequest request, String label);

  /** The gateway, with every call tied to this call's cancellation (for {@code ModelFanOut} and the like). */
  ModelGateway gateway();

  /**
   * Runs a command through the agent's {@link dev.zen.spi.RemoteExecutor} (a local process by
   * default), tied to the call: cancelling the call kills it. Completes with its exit code and
   * output, whatever the exit code; fails as the executor documents (timeout, cannot start).
   * Tools run only commands they compose themselves, never a command line from the caller.
   */
  CompletableFuture<CommandResult> run(CommandSpec command);

  /** Reports progress to the client (when it asked for progress); quick, never blocks. */
  void progress(String message);

  /** The models calls may name, as the gateway currently sees them; never fails. */
  CompletableFuture<ModelCatalog> catalog();

  ZenAgentOptions options();

  /** What the agent's model calls consumed since it started, by model (the server's lifetime totals). */
  Map<String, Usage> lifetimeUsage();

  /** The agent serving the call, as the {@code version} tool describes it. */
  AgentInfo agent();

  /** An executor for blocking helpers and continuations (the agent's runtime executor). */
  Executor executor();

  /** The agent's clock (tests move it). */
  Clock clock();

  /**
   * The agent as a tool may describe it.
   *
   * @param version Zen's version
   * @param tools the tools the agent offers
   * @param gateway the gateway's type, for people
   * @param checkpointStore the checkpoint store's type, for people
   */
  record AgentInfo(String version, List<String> tools, String gateway, String checkpointStore) {
    public AgentInfo {
      tools = List.copyOf(tools);
    }
  }
}
