package dev.zen.agent.clink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.gateway.internal.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The AI command-line clients {@code clink} may run: only these, never a command line from a
 * caller. Definitions use the JSON format of the reference server's {@code conf/cli_clients}:
 *
 * <pre>{@code
 * {
 *   "name": "gemini",
 *   "command": "gemini",                        // a string (split on spaces) or an array
 *   "additional_args": ["--yolo"],
 *   "env": {"GEMINI_MODEL": "gemini-2.5-pro"},
 *   "working_dir": "/srv/repo",                  // optional
 *   "timeout_seconds": 1800,                     // optional, default 1800
 *   "roles": {"default": {"prompt_path": "default.txt", "role_args": []}},
 *   "host": "ssh://me@build-1:22",               // optional (Zen): run it there over SSH
 *   "parser": "gemini_json"                      // optional: gemini_json, codex_jsonl, claude_json, text
 * }
 * }</pre>
 *
 * <p>Later definitions replace earlier ones of the same name. Clients named {@code gemini},
 * {@code codex} and {@code claude} get those CLIs' non-interactive flags and JSON parsers; others
 * are read as plain text unless they name a parser. A {@code prompt_path} is absolute, relative
 * to the definition's file, or the name of a bundled role prompt ({@code default.txt},
 * {@code planner.txt}, {@code codereviewer.txt}).
 */
public final class CliClients {
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final String[] BUNDLED = {"claude", "codex", "gemini"};

  private final Map<String, CliClient> clients;

  private CliClients(Map<String, CliClient> clients) {
    this.clients = Map.copyOf(clients);
    this.order = List.copyOf(clients.keySet());
  }

  private final List<String> order;

  /** The bundled definitions of {@code claude}, {@code codex} and {@code gemini}, run on this machine. */
  public static CliClients bundled() {
    return builder().bundled().build();
  }

  /** None: clink then refuses every call until clients are configured. */
  public static CliClients none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configured client names, in definition order. */
  public List<String> names() {
    return order;
  }

  /** The union of the role names the clients define, sorted. */
  public List<String> roles() {
    return clients.values().stream().flatMap(client -> client.roles().keySet().stream()).distinct().sorted().toList();
  }

  Optional<CliClient> client(String name) {
    return Optional.ofNullable(clients.get(name));
  }

  @Override
  public String toString() {
    return "CliClients" + order;
  }

  /** Collects definitions; later ones replace earlier ones of the same name. */
  public static final class Builder {
    private final Map<String, CliClient> clients = new LinkedHashMap<>();

    private Builder() {}

    /** Adds the bundled {@code claude}, {@code codex} and {@code gemini} definitions. */
    public Builder bundled() {
      for (String name : BUNDLED) {
        String resource = name + ".json";
        try (InputStream in = CliClients.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("bundled CLI client definition " + resource + " is missing from the jar");
          }
          add(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + resource, null));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return this;
    }

    /**
     * Adds the definitions in {@code path}: a JSON file, or every {@code *.json} file of a directory
     * in name order. A path that does not exist adds nothing (so optional locations such as
     * {@code ~/.zen/cli_clients} can always be named).
     *
     * @throws IllegalArgumentException naming the file and the problem when a definition is not
     *     valid JSON or not a valid client
     */
    public Builder load(Path path) {
      Objects.requireNonNull(path, "path");
      if (!Files.exists(path)) {
        return this;
      }
      List<Path> files = new ArrayList<>();
      if (Files.isDirectory(path)) {
        try (Stream<Path> listing = Files.list(path)) {
          listing.filter(file -> file.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot list CLI client definitions in " + path + ": " + e.getMessage(), e);
        }
      } else {
        files.add(path);
      }
      for (Path file : files) {
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read CLI client definition " + file + ": " + e.getMessage(), e);
        }
        add(parse(text, file.toString(), file.toAbsolutePath().getParent()));
      }
      return this;
    }

    /** Adds one definition given as JSON text (for embedders and tests); {@code origin} names it in errors. */
    public Builder define(String json, String origin) {
      add(parse(Objects.requireNonNull(json, "json"), Objects.requireNonNull(origin, "origin"), null));
      return this;
    }

    public CliClients build() {
      return new CliClients(clients);
    }

    private void add(CliClient client) {
      clients.remove(client.name());
      clients.put(client.name(), client);
    }
  }

  static CliClient parse(String text, String origin, @Nullable Path baseDir) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("CLI client definition " + origin + " is not valid JSON: "
          + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(origin, "it must be a JSON object");
    }
    String name = text(root, "name", origin);
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw invalid(origin, "\"name\" must be letters, digits, '.', '_' or '-', was " + root.get("name"));
    }
    List<String> command = new ArrayList<>();
    JsonNode commandNode = root.get("command");
    if (commandNode != null && commandNode.isTextual()) {
      for (String part : commandNode.asText().strip().split("\\s+")) {
        if (!part.isEmpty()) {
          command.add(part);
        }
      }
    } else if (commandNode != null && commandNode.isArray()) {
      command.addAll(strings(root, "command", origin));
    }
    if (command.isEmpty()) {
      throw invalid(origin, "\"command\" must name the executable (a string or an array of strings)");
    }
    List<String> additional = strings(root, "additional_args", origin);
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode envNode = root.get("env");
    if (envNode != null && !envNode.isNull()) {
      if (!envNode.isObject()) {
        throw invalid(origin, "\"env\" must be an object of strings");
      }
      Iterator<Map.Entry<String, JsonNode>> fields = envNode.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getValue().isValueNode()) {
          throw invalid(origin, "\"env\"." + field.getKey() + " must be a string");
        }
        env.put(field.getKey(), field.getValue().asText());
      }
    }
    String workingDir = text(root, "working_dir", origin);
    Duration timeout = Duration.ofSeconds(CliClient.DEFAULT_TIMEOUT_SECONDS);
    JsonNode timeoutNode = root.get("timeout_seconds");
    if (timeoutNode != null && !timeoutNode.isNull()) {
      if (!timeoutNode.isNumber() || timeoutNode.asDouble() <= 0) {
        throw invalid(origin, "\"timeout_seconds\" must be a positive number");
      }
      timeout = Duration.ofMillis((long) (timeoutNode.asDouble() * 1000));
    }
    Map<String, CliClient.Role> roles = new LinkedHashMap<>();
    JsonNode rolesNode = root.get("roles");
    if (rolesNode != null && !rolesNode.isNull()) {
      if (!rolesNode.isObject()) {
        throw invalid(origin, "\"roles\" must be an object of role name to {prompt_path, role_args}");
      }
      Iterator<Map.Entry<String, JsonNode>> fields = rolesNode.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode role = field.getValue();
        if (!role.isObject()) {
          throw invalid(origin, "role \"" + field.getKey() + "\" must be an object");
        }
        String promptPath = text(role, "prompt_path", origin);
        String prompt = promptPath == null ? "" : rolePrompt(promptPath, baseDir, origin);
        roles.put(field.getKey(), new CliClient.Role(prompt, strings(role, "role_args", origin)));
      }
    }
    if (!roles.containsKey("default")) {
      roles.put("default", new CliClient.Role(rolePrompt("default.txt", null, origin), List.of()));
    }
    String host = text(root, "host", origin);
    String parser = text(root, "parser", origin);
    if (parser != null && !CliOutput.PARSERS.contains(parser)) {
      throw invalid(origin, "\"parser\" must be one of " + CliOutput.PARSERS + ", was \"" + parser + "\"");
    }
    return new CliClient(name, command, additional, env, workingDir, timeout, roles, host, parser);
  }

  private static String rolePrompt(String promptPath, @Nullable Path baseDir, String origin) {
    Path path = Path.of(promptPath);
    Path resolved = path.isAbsolute() ? path : baseDir == null ? null : baseDir.resolve(path);
    if (resolved != null && Files.isRegularFile(resolved)) {
      try {
        return Files.readString(resolved, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw invalid(origin, "cannot read role prompt " + resolved + ": " + e.getMessage());
      }
    }
    try (InputStream in = CliClients.class.getResourceAsStream(path.getFileName().toString())) {
      if (in != null) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw invalid(origin, "role prompt \"" + promptPath + "\" not found" + (resolved == null ? "" : " (looked at " + resolved + ")"));
  }

  private static @Nullable String text(JsonNode node, String field, String origin) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid(origin, "\"" + field + "\" must be a string");
    }
    String text = value.asText().strip();
    return text.isEmpty() ? null : text;
  }

  private static List<String> strings(JsonNode node, String field, String origin) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw invalid(origin, "\"" + field + "\" must be an array of strings");
    }
    List<String> result = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isValueNode() || item.isNull()) {
        throw invalid(origin, "\"" + field + "\" must hold strings only");
      }
      result.add(item.asText());
    }
    return result;
  }

  private static IllegalArgumentException invalid(String origin, String why) {
    return new IllegalArgumentException("CLI client definition " + origin + " is invalid: " + why);
  }
}
