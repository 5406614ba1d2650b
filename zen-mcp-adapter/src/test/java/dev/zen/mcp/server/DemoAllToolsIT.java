package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every one of the 18 tools answers through {@code java -jar zen-mcp-server.jar --demo}, with no key. */
class DemoAllToolsIT {
  private static McpAsyncClient client;

  @BeforeAll
  static void start() {
    client = ServerJar.client(List.of(), List.of("--demo"), Map.of(ServerConfig.ZEN_DEMO_LATENCY_MS, "10"),
        log -> {}, progress -> {});
    client.initialize().block(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    client.closeGracefully().block(Duration.ofSeconds(20));
  }

  private static Map<String, Object> finalStep(String text, Object... more) {
    Map<String, Object> step = new HashMap<>(Map.of("step", text, "step_number", 1, "total_steps", 1,
        "next_step_required", false, "findings", "first finding; second finding"));
    for (int i = 0; i < more.length; i += 2) {
      step.put((String) more[i], more[i + 1]);
    }
    return step;
  }

  @Test
  void every_tool_answers_in_demo_mode() {
    Map<String, Map<String, Object>> calls = new LinkedHashMap<>();
    calls.put("chat", Map.of("prompt", "Is a monolith fine for a team of four?"));
    calls.put("clink", Map.of("prompt", "Summarize this repository"));
    calls.put("thinkdeep", finalStep("Monolith or services?", "issues_found",
        List.of(Map.of("severity", "low", "description", "coupling"))));
    calls.put("planner", Map.of("step", "Plan the migration", "step_number", 1, "total_steps", 1,
        "next_step_required", false));
    calls.put("consensus", Map.of("prompt", "Adopt gRPC?", "models", List.of(Map.of("model", "gpt-5-mini",
        "stance", "for"), Map.of("model", "gemini-2.5-flash", "stance", "against"))));
    calls.put("codereview", finalStep("Review", "relevant_files", List.of("/tmp/zen-demo/A.java")));
    calls.put("precommit", finalStep("Check", "path", System.getProperty("user.dir"), "precommit_type", "internal"));
    calls.put("debug", finalStep("Crash", "issues_found", List.of(Map.of("severity", "high", "description", "npe"))));
    calls.put("secaudit", finalStep("Audit", "issues_found", List.of(Map.of("severity", "high", "description", "sqli"))));
    calls.put("docgen", finalStep("Document", "document_complexity", true, "document_flow", true,
        "update_existing", true, "comments_on_complex_logic", true, "num_files_documented", 0,
        "total_files_to_document", 0));
    calls.put("analyze", finalStep("Analyse", "relevant_files", List.of("/tmp/zen-demo/A.java")));
    calls.put("refactor", finalStep("Refactor", "relevant_files", List.of("/tmp/zen-demo/A.java")));
    calls.put("tracer", finalStep("Trace", "target_description", "the login flow", "trace_mode", "precision"));
    calls.put("testgen", finalStep("Tests", "relevant_files", List.of("/tmp/zen-demo/A.java")));
    calls.put("challenge", Map.of("prompt", "Tabs beat spaces"));
    calls.put("apilookup", Map.of("prompt", "Current Jackson version"));
    calls.put("listmodels", Map.of());
    calls.put("version", Map.of());

    List<String> listed = client.listTools().block().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(listed).containsExactlyInAnyOrderElementsOf(calls.keySet());
    for (Map.Entry<String, Map<String, Object>> call : calls.entrySet()) {
      CallToolResult result = client.callTool(CallToolRequest.builder(call.getKey()).arguments(call.getValue()).build())
          .block(Duration.ofSeconds(60));
      String text = ((McpSchema.TextContent) result.content().get(0)).text();
      assertThat(result.isError()).as(call.getKey() + ": " + text).isFalse();
      assertThat(text).as(call.getKey()).isNotBlank();
    }
  }
}
