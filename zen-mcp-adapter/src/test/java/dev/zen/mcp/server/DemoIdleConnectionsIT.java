package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.mcp.RawClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 13, item 16: after a burst of concurrent calls in {@code --demo}, about 2,000 file
 * descriptors stayed open long after the load stopped. Both ends live in the server's process
 * there: the gateway's JDK HTTP client kept every connection idle in its pool (20 minutes, no
 * bound, on JDK 17) and the fake endpoint never closed one. The server now bounds the client's
 * idle pool; the fake closes a connection when its client does.
 */
@EnabledOnOs(OS.LINUX)
class DemoIdleConnectionsIT {
  private static final int CALLS = 200;

  @Test
  void after_a_burst_of_concurrent_calls_the_idle_connections_left_open_are_bounded() throws Exception {
    Path stderr = Files.createTempFile("zen-demo-connections", ".log");
    Process server = ServerJar.start(List.of(), List.of("--demo"), Map.of(ServerConfig.ZEN_DEMO_LATENCY_MS, "700"),
        stderr);
    try {
      RawClient client = new RawClient(server.getOutputStream(), server.getInputStream());
      client.initialize("2025-11-25");
      assertThat(client.callTool("chat", Map.of("prompt", "warm up"), null).at("/result/isError").asBoolean())
          .isFalse();
      int before = sockets(server.pid());

      List<Long> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(client.sendCall("chat", Map.of("prompt", "burst call " + i), null));
      }
      for (long call : calls) {
        assertThat(client.awaitResponse(call).at("/result/isError").asBoolean()).isFalse();
      }

      // Each pooled connection is two sockets in this process: the client's end and the fake's.
      int bound = before + 2 * ZenMcpServer.IDLE_CONNECTIONS + 8;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      int after = sockets(server.pid());
      while (after > bound && System.nanoTime() < deadline) {
        Thread.sleep(100);
        after = sockets(server.pid());
      }
      assertThat(after).as("sockets open after %d concurrent calls (%d before them)", CALLS, before)
          .isLessThanOrEqualTo(bound);
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      Files.deleteIfExists(stderr);
    }
  }

  private static int sockets(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException closedMeanwhile) {
          return false;
        }
      }).count();
    }
  }
}
