package dev.zen.mcp.server;

import dev.zen.mcp.RawClient;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * Starts the runnable jar the way an MCP client does ({@code java -jar zen-mcp-server.jar}), in a
 * child JVM with pipes for stdin and stdout, and an environment without any of the server's
 * variables inherited from the machine (an {@code OPENAI_API_KEY} in CI must not change a test).
 */
final class ServerJar {
  static final Set<String> SERVER_VARIABLES = Set.of(ServerConfig.CUSTOM_API_URL, ServerConfig.CUSTOM_API_KEY,
      ServerConfig.CUSTOM_MODEL_NAME, ServerConfig.OPENAI_API_KEY, ServerConfig.OPENROUTER_API_KEY,
      ServerConfig.DEFAULT_MODEL, ServerConfig.DISABLED_TOOLS, ServerConfig.CONVERSATION_TIMEOUT_HOURS,
      ServerConfig.MAX_CONVERSATION_TURNS, ServerConfig.LOG_LEVEL, ServerConfig.REDIS_URL,
      ServerConfig.ZEN_DEMO_LATENCY_MS, ServerConfig.ZEN_MAX_CONCURRENT_CALLS, ServerConfig.CLI_CLIENTS_CONFIG_PATH,
      ServerConfig.ZEN_SSH_IDENTITY, ServerConfig.ZEN_SSH_KNOWN_HOSTS, ServerConfig.SSH_AUTH_SOCK,
      ServerConfig.ZEN_CONNECT_TIMEOUT_SECONDS, ServerConfig.ZEN_FIRST_BYTE_TIMEOUT_SECONDS,
      ServerConfig.ZEN_IDLE_TIMEOUT_SECONDS, ServerConfig.ZEN_CALL_TIMEOUT_SECONDS, ServerConfig.LOG_FORMAT,
      "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

  private ServerJar() {}

  static Path jar() {
    String property = System.getProperty("zen.mcp.serverJar");
    if (property == null || !Files.isRegularFile(Path.of(property))) {
      throw new AssertionError("zen.mcp.serverJar must point at the packaged zen-mcp-server.jar (was " + property
          + "); these tests run under Failsafe, after the package phase: ./mvnw verify");
    }
    return Path.of(property);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static List<String> command(List<String> jvmArgs, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    // Small heaps and one JIT tier keep several server JVMs cheap on a 2-core machine.
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    return command;
  }

  static ProcessBuilder processBuilder(List<String> jvmArgs, List<String> args, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(command(jvmArgs, args));
    builder.environment().keySet().removeAll(SERVER_VARIABLES);
    builder.environment().keySet().removeAll(HttpConfig.VARIABLES);
    // A collector configured on the machine must not make a test's server export.
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    builder.environment().putAll(env);
    return builder;
  }

  /** A started server with stdin/stdout as pipes and stderr collected in {@code stderr}. */
  static Process start(List<String> jvmArgs, List<String> args, Map<String, String> env, Path stderr) {
    try {
      return processBuilder(jvmArgs, args, env).redirectError(stderr.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for the server's "listening on URL" line on stderr (it binds port 0 in tests) and
   * returns the URL; fails with the stderr so far when the process ends or 60 s pass.
   */
  static java.net.URI awaitListening(Process process, Path stderr) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    String text = "";
    while (System.nanoTime() < deadline) {
      try {
        text = Files.readString(stderr);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("listening on (http://\\S+)").matcher(text);
      if (matcher.find()) {
        return java.net.URI.create(matcher.group(1));
      }
      if (!process.isAlive()) {
        break;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("the server did not start listening; stderr:\n" + text);
  }

  /** The MCP Java SDK's own client, talking to the jar over its stdio transport. */
  static McpAsyncClient client(List<String> jvmArgs, Map<String, String> env,
      Consumer<McpSchema.LoggingMessageNotification> logs, Consumer<McpSchema.ProgressNotification> progress) {
    return client(jvmArgs, List.of(), env, logs, progress);
  }

  /** A client of the server jar started with {@code args} ({@code --demo}, ...). */
  static McpAsyncClient client(List<String> jvmArgs, List<String> args, Map<String, String> env,
      Consumer<McpSchema.LoggingMessageNotification> logs, Consumer<McpSchema.ProgressNotification> progress) {
    List<String> command = command(jvmArgs, args);
    ServerParameters parameters = ServerParameters.builder(command.get(0)).args(command.subList(1, command.size()))
        .env(env).build();
    StdioClientTransport transport = new StdioClientTransport(parameters, new JacksonMcpJsonMapper(RawClient.JSON)) {
      @Override
      protected ProcessBuilder getProcessBuilder() {
        ProcessBuilder builder = new ProcessBuilder();
        builder.environment().keySet().removeAll(SERVER_VARIABLES);
        return builder;
      }
    };
    return McpClient.async(transport)
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60))
        .loggingConsumer(log -> Mono.fromRunnable(() -> logs.accept(log)))
        .progressConsumer(notification -> Mono.fromRunnable(() -> progress.accept(notification)))
        .build();
  }
}
