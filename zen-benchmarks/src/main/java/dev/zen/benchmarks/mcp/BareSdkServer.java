package dev.zen.benchmarks.mcp;

import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import reactor.core.publisher.Mono;

/**
 * The baseline for the MCP benchmarks: the MCP Java SDK's own stdio server with nothing of Zen,
 * and one tool, {@code wait}, that answers after {@code ZEN_BENCH_TOOL_LATENCY_MS} (default 500)
 * on a Reactor timer. Startup and load of the Zen server are compared against it in the same
 * scripts ({@code zen-benchmarks/scripts/mcp-startup.sh}, {@code mcp-load.sh}):
 *
 * <pre>{@code
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.mcp.BareSdkServer
 * }</pre>
 */
public final class BareSdkServer {
  private BareSdkServer() {}

  public static void main(String[] args) throws InterruptedException {
    Duration latency = Duration.ofMillis(Long.parseLong(System.getenv().getOrDefault("ZEN_BENCH_TOOL_LATENCY_MS", "500")));
    JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    McpSchema.Tool wait = McpSchema.Tool.builder("wait", Map.of("type", "object", "properties", Map.of()))
        .description("Answers after a fixed delay.").build();
    McpAsyncServer server = McpServer.async(new StdioServerTransportProvider(mapper))
        .serverInfo("bare-sdk", "2.1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .jsonMapper(mapper)
        .tools(McpServerFeatures.AsyncToolSpecification.builder()
            .tool(wait)
            .callHandler((exchange, request) -> Mono.delay(latency)
                .map(tick -> McpSchema.CallToolResult.builder().addTextContent("waited").build()))
            .build())
        .build();
    // The SDK's transport does not end the process when stdin closes: the benchmark harness
    // stops this JVM with SIGTERM once it has measured.
    new CountDownLatch(1).await();
    server.close();
  }
}
