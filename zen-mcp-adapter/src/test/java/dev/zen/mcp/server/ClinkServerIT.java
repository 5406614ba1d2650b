package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.mcp.RawClient;
import dev.zen.testkit.SshdProcess;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * clink through the packaged server over pipes, configured as a user would: CLI_CLIENTS_CONFIG_PATH
 * with a local fake CLI and one that names a host (a real OpenSSH server on loopback), ZEN_SSH_IDENTITY
 * and ZEN_SSH_KNOWN_HOSTS. Progress arrives per output line; a cancelled call kills the CLI.
 */
@EnabledOnOs(OS.LINUX)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClinkServerIT {
  private Path dir;
  private SshdProcess sshd;
  private FakeOpenAiServer fake;
  private McpAsyncClient client;
  private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("zen-clink-it");
    sshd = SshdProcess.start();
    fake = FakeOpenAiServer.builder().models("gpt-5").start();
    Path local = script("local-cli", "echo 'working on it'; echo 'still working' >&2; "
        + "printf '%s' '{\"response\": \"Local answer.\", \"stats\": {\"models\": {\"gemini-2.5-pro\": {}}}}'");
    Path remote = script("remote-cli", "echo \"remote as $(id -un)\"; echo 'Remote answer.'");
    Path hang = script("hang-cli", "echo $$ > \"$0.pid\"; echo started; sleep 300");
    Path clients = Files.createDirectories(dir.resolve("cli_clients"));
    Files.writeString(clients.resolve("local.json"), "{\"name\": \"gemini\", \"command\": \"" + local + "\"}");
    Files.writeString(clients.resolve("remote.json"), "{\"name\": \"remote\", \"command\": \"" + remote
        + "\", \"host\": \"" + sshd.target() + "\"}");
    Files.writeString(clients.resolve("hang.json"), "{\"name\": \"hang\", \"command\": \"" + hang + "\", \"host\": \""
        + sshd.target() + "\"}");
    client = ServerJar.client(List.of("-Duser.home=" + dir.resolve("home")), env(), log -> {}, progress::add);
    client.initialize().block();
  }

  private Map<String, String> env() {
    return Map.of(ServerConfig.CUSTOM_API_URL, fake.baseUrl(),
        ServerConfig.CLI_CLIENTS_CONFIG_PATH, dir.resolve("cli_clients").toString(),
        ServerConfig.ZEN_SSH_IDENTITY, sshd.clientKey().toString(),
        ServerConfig.ZEN_SSH_KNOWN_HOSTS, sshd.knownHosts().toString());
  }

  @AfterAll
  void stop() throws IOException {
    if (client != null) {
      client.closeGracefully().block(Duration.ofSeconds(10));
    }
    fake.close();
    sshd.close();
  }

  private Path script(String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\ncat > /dev/null\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void the_server_offers_clink_with_the_configured_clients() {
    McpSchema.Tool clink = client.listTools().block().tools().stream().filter(tool -> tool.name().equals("clink"))
        .findFirst().orElseThrow();

    assertThat(clink.inputSchema().toString())
        .contains("claude", "codex", "gemini", "remote", "hang");
  }

  @Test
  void a_local_cli_answers_and_each_output_line_arrives_as_progress() {
    CallToolResult result = client.callTool(CallToolRequest.builder("clink")
        .arguments(Map.of("prompt", "local question", "cli_name", "gemini")).progressToken("local-progress").build())
        .block();

    assertThat(result.isError()).isFalse();
    assertThat(text(result)).contains("Local answer.");
    assertThat(progress).filteredOn(notification -> "local-progress".equals(notification.progressToken()))
        .extracting(McpSchema.ProgressNotification::message)
        .contains("gemini: still working");
  }

  @Test
  void a_cli_on_a_remote_host_runs_there_over_ssh() {
    CallToolResult result = client.callTool(CallToolRequest.builder("clink")
        .arguments(Map.of("prompt", "remote question", "cli_name", "remote")).progressToken("remote-progress").build())
        .block();

    assertThat(result.isError()).as(text(result)).isFalse();
    assertThat(text(result)).contains("Remote answer.").contains("remote as " + sshd.user());
    assertThat(progress).filteredOn(notification -> "remote-progress".equals(notification.progressToken()))
        .extracting(McpSchema.ProgressNotification::message)
        .contains("remote: Remote answer.");
  }

  @Test
  void cancelling_the_call_kills_the_remote_cli_within_a_second() throws Exception {
    Path stderr = Files.createTempFile(dir, "server", ".stderr");
    Process server = ServerJar.start(List.of("-Duser.home=" + dir.resolve("home")), List.of(), env(), stderr);
    try (RawClient raw = new RawClient(server.getOutputStream(), server.getInputStream())) {
      raw.initialize("2025-11-25");
      Path pidFile = dir.resolve("hang-cli.pid");
      Files.deleteIfExists(pidFile);
      long id = raw.sendCall("clink", Map.of("prompt", "hang", "cli_name", "hang"), "hang-progress");
      await(() -> Files.exists(pidFile) && !read(pidFile).isBlank(), Duration.ofSeconds(30));
      long pid = Long.parseLong(read(pidFile).strip());

      long start = System.nanoTime();
      raw.cancel(id);
      await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      JsonNode ping = raw.request("ping", null);
      assertThat(ping.has("result")).isTrue();
      assertThat(raw.hasResponse(id)).isFalse();
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  @Test
  void a_client_definition_that_is_not_valid_json_stops_the_server_naming_the_file() throws Exception {
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Path file = Files.writeString(broken.resolve("bad.json"), "{\"name\": \"bad\", \"command\": ");
    Path stderr = Files.createTempFile(dir, "broken", ".stderr");
    Process server = ServerJar.start(List.of("-Duser.home=" + dir.resolve("home")), List.of(),
        Map.of(ServerConfig.CUSTOM_API_URL, fake.baseUrl(), ServerConfig.CLI_CLIENTS_CONFIG_PATH, broken.toString()),
        stderr);
    server.getOutputStream().close();

    assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isNotZero();
    assertThat(Files.readString(stderr)).contains(ServerConfig.CLI_CLIENTS_CONFIG_PATH).contains(file.toString())
        .contains("not valid JSON");
  }

  private static String text(CallToolResult result) {
    return result.content().stream().filter(McpSchema.TextContent.class::isInstance)
        .map(content -> ((McpSchema.TextContent) content).text()).reduce("", String::concat);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within);
      }
      Thread.sleep(10);
    }
  }
}
