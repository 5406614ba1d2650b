package dev.zen.agent;

import dev.zen.gateway.ToolCategory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One tool of the agent: its argument definitions and how the graph treats it. The graph routes
 * every call through the same nodes and only the tool node differs, so a workflow tool added later
 * declares its flags and its {@link ToolNode}, not a new graph.
 */
abstract class ZenTool {
  static final Param PROMPT = Param.string("prompt", true, null);
  static final Param FILES = Param.strings("absolute_file_paths", false, null, 200);
  static final Param IMAGES = Param.strings("images", false, null, 20);
  static final Param MODEL = Param.string("model", false, null);
  static final Param TEMPERATURE = Param.number("temperature", false, null, 0, 2);
  static final Param CONTINUATION = Param.string("continuation_id", false, null);

  private final String name;
  private final String description;
  private final List<Param> params;

  ZenTool(String name, String description, List<Param> params) {
    this.name = name;
    this.description = description;
    this.params = List.copyOf(params);
  }

  final String name() {
    return name;
  }

  final List<Param> params() {
    return params;
  }

  final ToolSpec spec() {
    return new ToolSpec(name, description, Param.objectSchema(params));
  }

  /** Checks raw arguments; problems go to {@code errors}, one sentence each. */
  final Map<String, Object> parse(Map<String, ? extends Object> raw, List<String> errors) {
    Map<String, Object> parsed = Param.parseObject(params, raw, "", errors);
    if (errors.isEmpty()) {
      errors.addAll(check(parsed));
    }
    return parsed;
  }

  /** Checks beyond the schema (combinations, duplicates); none by default. */
  List<String> check(Map<String, Object> arguments) {
    return new ArrayList<>();
  }

  /**
   * The model names the model router resolves, the first being the one that answers (a tool
   * consulting several lists them after it). Default: the {@code model} argument, else the
   * configured default.
   */
  List<String> requestedModels(Map<String, Object> arguments, String defaultModel) {
    return List.of(arguments.get("model") instanceof String model && !model.isBlank() ? model : defaultModel);
  }

  /** What kind of model {@code auto} picks for this tool. */
  ToolCategory category() {
    return ToolCategory.BALANCED;
  }

  /** Whether a call starts or continues a conversation thread (and accepts continuation_id). */
  boolean continuable() {
    return params.contains(CONTINUATION);
  }

  /** Whether calls go through the model router (tools answering without a model skip it). */
  abstract boolean usesModel();

  /** Whether calls go through the file processor. */
  boolean usesFiles() {
    return params.contains(FILES);
  }

  /** The work of the tool node. */
  abstract ToolNode node();
}
