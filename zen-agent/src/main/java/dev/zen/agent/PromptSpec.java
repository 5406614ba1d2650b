package dev.zen.agent;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A ready-made request a client can offer its user (MCP's prompts, which CLIs show as slash
 * commands such as {@code /zen:review}): a name, what it does, its optional arguments, and the text
 * it expands to.
 *
 * @param name the command's name ({@code review}, {@code continue}, ...)
 * @param description one sentence for the command list
 * @param arguments the arguments the text uses, all optional
 * @param template the text, with {@code {argument}} placeholders
 */
public record PromptSpec(String name, String description, List<Argument> arguments, String template) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

  /**
   * An argument of a prompt.
   *
   * @param name as clients send it
   * @param description one short sentence
   * @param defaultValue used when the client sends none
   */
  public record Argument(String name, String description, String defaultValue) {
    public Argument {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(defaultValue, "defaultValue");
    }
  }

  public PromptSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("prompt name must match " + NAME + ", was '" + name + "'");
    }
    Objects.requireNonNull(description, "description");
    arguments = List.copyOf(arguments);
    Objects.requireNonNull(template, "template");
  }

  /** The text with each argument's value, or its default when the client gave none or a blank one. */
  public String render(Map<String, String> values) {
    String text = template;
    for (Argument argument : arguments) {
      String value = values.get(argument.name());
      text = text.replace("{" + argument.name() + "}", value == null || value.isBlank() ? argument.defaultValue()
          : value.strip());
    }
    return text;
  }
}
