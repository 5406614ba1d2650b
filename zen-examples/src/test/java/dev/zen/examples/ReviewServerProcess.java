package dev.zen.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The built {@code review-mcp-server.jar}, started the way an MCP client starts a server
 * ({@code java -jar}, stdin and stdout as pipes), driven by the MCP Java SDK's own client. The
 * transport also records what the SDK client keeps to itself: the ids of the {@code tools/call}
 * requests it sends (to cancel one, which the SDK client cannot), every message the server sends,
 * and the server's stderr lines.
 */
final class ReviewServerProcess implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  final McpAsyncClient client;
  final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
  final List<String> stderr = new CopyOnWriteArrayList<>();
  final List<McpSchema.JSONRPCMessage> received = new CopyOnWriteArrayList<>();
  final List<Object> toolCallIds = new CopyOnWriteArrayList<>();
  private final RecordingTransport transport;

  private ReviewServerProcess(long modelLatencyMs) {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Small heap and one JIT tier: cheap on a 2-core machine.
        "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-D" + ReviewMcpServer.LATENCY_PROPERTY + "=" + modelLatencyMs,
        "-jar", jar().toString());
    ServerParameters parameters = ServerParameters.builder(command.get(0)).args(command.subList(1, command.size())).build();
    this.transport = new RecordingTransport(parameters);
    transport.setStdErrorHandler(stderr::add);
    this.client = McpClient.async(transport)
        .requestTimeout(TIMEOUT)
        .initializationTimeout(TIMEOUT)
        .progressConsumer(notification -> Mono.fromRunnable(() -> progress.add(notification)))
        .build();
  }

  /** Starts the server and initialises the session. */
  static ReviewServerProcess start(long modelLatencyMs) {
    ReviewServerProcess process = new ReviewServerProcess(modelLatencyMs);
    process.client.initialize().block(TIMEOUT);
    return process;
  }

  static Path jar() {
    String property = System.getProperty("review.mcpServerJar");
    if (property == null || !Files.isRegularFile(Path.of(property))) {
      throw new AssertionError("review.mcpServerJar must point at the packaged review-mcp-server.jar (was " + property
          + "); these tests run under Failsafe, after the package phase: ./mvnw verify");
    }
    return Path.of(property);
  }

  /** Sends {@code notifications/cancelled} for a request, as a client whose user pressed stop. */
  void cancel(Object requestId) {
    transport.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/cancelled",
        Map.of("requestId", requestId, "reason", "the user stopped it"))).block(TIMEOUT);
  }

  /** Whether the server ever answered the request with this id. */
  boolean answered(Object requestId) {
    return received.stream().anyMatch(message -> message instanceof McpSchema.JSONRPCResponse response
        && response.id().equals(requestId));
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
      }
      pause(Duration.ofMillis(20));
    }
  }

  static void pause(Duration duration) {
    CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS))
        .join();
  }

  @Override
  public void close() {
    client.closeGracefully().block(Duration.ofSeconds(20));
  }

  private final class RecordingTransport extends StdioClientTransport {
    RecordingTransport(ServerParameters parameters) {
      super(parameters, new JacksonMcpJsonMapper(new ObjectMapper()));
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
      return super.connect(message -> handler.apply(message.doOnNext(received::add)));
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      if (message instanceof McpSchema.JSONRPCRequest request && request.method().equals(McpSchema.METHOD_TOOLS_CALL)) {
        toolCallIds.add(request.id());
      }
      return super.sendMessage(message);
    }
  }
}
