package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.mcp.RawClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher the README registers with a CLI ({@code zen-mcp-server} next to the jar), started
 * as a CLI starts it: a real process, an MCP session over its stdin and stdout. It must find a
 * java, make the class-data cache on the first start and use it on the next, and start the server
 * anyway when the java it was pointed at or the cache directory is unusable.
 */
class LauncherIT {
  @TempDir
  Path dir;

  static Path launcher() {
    String property = System.getProperty("zen.mcp.launcher");
    if (property == null || !Files.isExecutable(Path.of(property))) {
      throw new AssertionError("zen.mcp.launcher must point at the packaged, executable launcher (was " + property
          + "); these tests run under Failsafe, after the package phase: ./mvnw verify");
    }
    return Path.of(property);
  }

  /** What one session through the launcher showed. */
  private record Session(int status, String stderr, JsonNode initialize, JsonNode chat) {}

  /**
   * Starts the launcher with {@code --demo} and {@code env} (on top of a clean environment whose
   * JAVA_HOME is this JVM's), does initialize and a chat call, closes stdin and waits for the exit,
   * which is when the JVM writes a new archive.
   */
  private Session session(Map<String, String> env, String name) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "--demo");
    builder.environment().keySet().removeAll(ServerJar.SERVER_VARIABLES);
    builder.environment().keySet().removeAll(List.of("ZEN_JAVA", "ZEN_MCP_JAR", "ZEN_MCP_CACHE_DIR", "ZEN_MCP_CDS",
        "ZEN_MCP_HEAP", "ZEN_JAVA_OPTS", "XDG_CACHE_HOME"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put(ServerConfig.ZEN_DEMO_LATENCY_MS, "10");
    builder.environment().putAll(env);
    Path stderr = dir.resolve(name + "-stderr.txt");
    Process process = builder.redirectError(stderr.toFile()).start();
    try {
      RawClient client = new RawClient(process.getOutputStream(), process.getInputStream());
      JsonNode initialize = client.initialize("2025-11-25");
      JsonNode chat = client.callTool("chat", Map.of("prompt", "Through the launcher?"), null);
      client.close();
      // The exit writes a new archive (the JDK assembles an AOT cache in a child JVM): give it time.
      assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the server exits when stdin closes").isTrue();
      assertThat(client.notJson()).as("stdout carries only JSON-RPC, the JVM's own output included").isEmpty();
      return new Session(process.exitValue(), Files.readString(stderr), initialize, chat);
    } finally {
      process.destroyForcibly();
    }
  }

  private static void assertServed(Session session) {
    assertThat(session.status()).as(session.stderr()).isZero();
    assertThat(session.initialize().at("/result/serverInfo/name").asText()).isEqualTo("zen");
    assertThat(session.chat().at("/result/isError").asBoolean()).as("%s", session.chat()).isFalse();
  }

  private static List<Path> archives(Path cache) throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(file -> file.getFileName().toString().matches("zen-mcp-server-jdk\\d+-\\d+-\\d+\\.(jsa|aot)"))
          .toList();
    }
  }

  @Test
  void the_first_start_makes_the_class_data_cache_and_the_next_one_loads_the_server_from_it() throws Exception {
    Path cache = dir.resolve("cache");
    Path classes = dir.resolve("classes.txt");
    Map<String, String> env = Map.of("ZEN_MCP_CACHE_DIR", cache.toString());

    assertServed(session(env, "first"));
    List<Path> made = archives(cache);
    assertThat(made).as("one archive for this jar and JDK").hasSize(1);
    FileTime written = Files.getLastModifiedTime(made.get(0));

    Map<String, String> traced = new HashMap<>(env);
    traced.put("ZEN_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
    assertServed(session(traced, "second"));

    assertThat(archives(cache)).containsExactlyElementsOf(made);
    assertThat(Files.getLastModifiedTime(made.get(0))).as("used, not written again").isEqualTo(written);
    assertThat(Files.readAllLines(classes)).as("the server's classes come from the archive")
        .anySatisfy(line -> assertThat(line).contains("dev.zen.mcp.server.ZenMcpServer ")
            .contains("source: shared objects file"));
  }

  @Test
  void a_java_that_does_not_run_is_skipped_with_a_warning_and_the_next_one_serves() throws Exception {
    Path broken = dir.resolve("broken-jdk/bin/java");
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, "#!/bin/sh\nexit 1\n");
    assertThat(broken.toFile().setExecutable(true)).isTrue();

    Session missing = session(Map.of("ZEN_JAVA", dir.resolve("no-such-jdk/bin/java").toString(),
        "ZEN_MCP_CACHE_DIR", dir.resolve("cache-1").toString()), "missing");
    Session failing = session(Map.of("ZEN_JAVA", broken.toString(), "ZEN_MCP_CACHE_DIR",
        dir.resolve("cache-2").toString()), "failing");

    assertServed(missing);
    assertThat(missing.stderr()).contains("zen-mcp-server: skipping java '" + dir.resolve("no-such-jdk/bin/java"));
    assertServed(failing);
    assertThat(failing.stderr()).contains("zen-mcp-server: skipping java '" + broken + "': it does not run");
  }

  @Test
  void the_heaps_free_share_under_load_follows_the_jdk_70_before_25_and_30_from_25() throws Exception {
    assertThat(launchedOptions(17)).contains("-XX:MaxHeapFreeRatio=70", "-XX:MinHeapFreeRatio=10", "-XX:+UseSerialGC");
    assertThat(launchedOptions(21)).contains("-XX:MaxHeapFreeRatio=70");
    assertThat(launchedOptions(25)).contains("-XX:MaxHeapFreeRatio=30").doesNotContain("-XX:MaxHeapFreeRatio=70");
    assertThat(launchedOptions(26)).contains("-XX:MaxHeapFreeRatio=30");
  }

  /** The options the launcher gives a JDK of {@code version}: a fake java that writes them down. */
  private List<String> launchedOptions(int version) throws Exception {
    Path jdk = dir.resolve("fake-jdk-" + version);
    Path java = jdk.resolve("bin/java");
    Path options = dir.resolve("options-" + version + ".txt");
    Files.createDirectories(java.getParent());
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"" + version + ".0.1\"\n");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + options + "'\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "--demo");
    builder.environment().keySet().removeAll(List.of("ZEN_JAVA_OPTS", "ZEN_MCP_HEAP", "XDG_CACHE_HOME"));
    builder.environment().put("ZEN_JAVA", java.toString());
    builder.environment().put("ZEN_MCP_CDS", "off");
    Process process = builder.redirectErrorStream(true).start();
    process.getOutputStream().close();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
    return Files.readAllLines(options);
  }

  @Test
  void a_cache_directory_that_cannot_be_made_starts_the_server_without_a_cache() throws Exception {
    // A path under a regular file: not even root can make that directory.
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

    Session session = session(Map.of("ZEN_MCP_CACHE_DIR", file.resolve("cache").toString()), "unwritable");

    assertServed(session);
    assertThat(session.stderr()).contains("is not writable; starting without a class-data cache");
  }

  @Test
  void a_damaged_archive_is_not_fatal_the_server_starts_and_serves() throws Exception {
    Path cache = dir.resolve("cache");
    Map<String, String> env = Map.of("ZEN_MCP_CACHE_DIR", cache.toString());
    assertServed(session(env, "making"));
    Path archive = archives(cache).get(0);
    archive.toFile().setWritable(true);
    Files.write(archive, new byte[] {'n', 'o', 't', ' ', 'a', 'n', ' ', 'a', 'r', 'c', 'h', 'i', 'v', 'e'});

    assertServed(session(env, "damaged"));
  }
}
