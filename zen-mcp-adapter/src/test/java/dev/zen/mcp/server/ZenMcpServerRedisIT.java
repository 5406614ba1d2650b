package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.testkit.RedisServerProcess;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conversations in Redis ({@code REDIS_URL}) outlive the server process, and a Redis outage
 * becomes an error result that says so, not a protocol error or a dead session. Redis is a real
 * {@code redis-server} launched by the testkit (from the PATH, or the binary the test class path
 * ships).
 */
class ZenMcpServerRedisIT {
  private FakeOpenAiServer fake;
  private RedisServerProcess redis;

  @BeforeEach
  void start() {
    fake = FakeOpenAiServer.builder().models("gpt-5", "gpt-5-mini").latency(Duration.ofMillis(50)).start();
    redis = RedisServerProcess.builder().appendOnly(RedisServerProcess.AppendFsync.ALWAYS).start();
  }

  @AfterEach
  void stop() {
    redis.close();
    fake.close();
  }

  private McpAsyncClient server() {
    McpAsyncClient client = ServerJar.client(List.of(), Map.of(ServerConfig.CUSTOM_API_URL, fake.baseUrl(),
        ServerConfig.REDIS_URL, redis.uri()), log -> {}, progress -> {});
    client.initialize().block();
    return client;
  }

  private static CallToolResult chat(McpAsyncClient client, Map<String, Object> arguments) {
    return client.callTool(CallToolRequest.builder("chat").arguments(arguments).build()).block();
  }

  private static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void a_conversation_continues_after_the_server_restarts() {
    McpAsyncClient first = server();
    CallToolResult opened = chat(first, Map.of("prompt", "Remember the codeword TEAL-9."));
    assertThat(opened.isError()).as(text(opened)).isFalse();
    @SuppressWarnings("unchecked")
    String thread = (String) ((Map<String, Object>) opened.structuredContent()).get("continuation_id");
    first.closeGracefully().block(Duration.ofSeconds(20));

    McpAsyncClient second = server();
    try {
      fake.clearRecords();
      CallToolResult continued = chat(second, Map.of("prompt", "Which codeword?", "continuation_id", thread));
      assertThat(continued.isError()).as(text(continued)).isFalse();
      assertThat(fake.chatRequests()).hasSize(1);
      assertThat(fake.chatRequests().get(0).messages().toString()).contains("TEAL-9");
    } finally {
      second.closeGracefully().block(Duration.ofSeconds(20));
    }
  }

  @Test
  void a_redis_outage_is_an_error_result_and_the_session_recovers_with_redis() {
    McpAsyncClient client = server();
    try {
      redis.stop();
      CallToolResult failed = chat(client, Map.of("prompt", "Anyone there?"));
      assertThat(failed.isError()).isTrue();
      assertThat(text(failed)).startsWith("chat failed: ").containsIgnoringCase("redis")
          .contains("(this is likely temporary: call the tool again)");
      redis.restart();
      CallToolResult recovered = chat(client, Map.of("prompt", "And now?"));
      assertThat(recovered.isError()).as(text(recovered)).isFalse();
    } finally {
      client.closeGracefully().block(Duration.ofSeconds(20));
    }
  }
}
