package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server picks its checkpoint store by REDIS_URL's scheme among the store modules on the class
 * path (ServiceLoader). Run here in a class loader built from this test's class path without
 * zen-checkpoint-redis and Lettuce, as in an application that embeds the server without them.
 */
class CheckpointStoreSelectionTest {

  /** The server's {@code run}, loaded in a class path without the Redis module; returns the exit status. */
  private static Ended runWithoutRedis(Map<String, String> env) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : testClassPath()) {
      String name = Path.of(entry).toString();
      if (name.contains("zen-checkpoint-redis") || name.contains("lettuce-core")) {
        continue;
      }
      urls.add(toUrl(entry));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader withoutRedis = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThat(withoutRedis.getResource("dev/zen/checkpoint/redis/RedisCheckpointStore.class")).isNull();
      assertThat(withoutRedis.getResource("dev/zen/mcp/server/ZenMcpServer.class")).isNotNull();
      Thread.currentThread().setContextClassLoader(withoutRedis);
      Class<?> server = Class.forName("dev.zen.mcp.server.ZenMcpServer", true, withoutRedis);
      Method run = server.getDeclaredMethod("run", List.class, Map.class, java.io.InputStream.class,
          java.io.OutputStream.class, PrintStream.class, boolean.class);
      run.setAccessible(true);
      // Empty stdin: a server that starts ends at once, as when its client closes the pipe.
      int status = (int) run.invoke(null, List.of("--demo"), env, new ByteArrayInputStream(new byte[0]), out,
          new PrintStream(err, true, StandardCharsets.UTF_8), false);
      return new Ended(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  private record Ended(int status, String stdout, String stderr) {}

  @Test
  void redis_url_without_the_redis_module_stops_the_server_with_status_2_saying_to_add_it() throws Exception {
    Ended ended = runWithoutRedis(Map.of(ServerConfig.REDIS_URL, "redis://:secret@localhost:6379/2"));
    assertThat(ended.status()).isEqualTo(ZenMcpServer.EXIT_CONFIGURATION);
    assertThat(ended.stderr()).contains("zen-mcp-server: REDIS_URL is set, but no checkpoint store for redis:// URLs is "
        + "on the class path: add zen-checkpoint-redis").doesNotContain("secret").doesNotContain("NoClassDefFoundError");
    assertThat(ended.stdout()).isEmpty();
  }

  @Test
  void without_redis_url_the_same_class_path_serves_with_conversations_in_memory() throws Exception {
    Ended ended = runWithoutRedis(Map.of());
    assertThat(ended.status()).as(ended.stderr()).isZero();
    assertThat(ended.stdout()).isEmpty();
  }

  @Test
  void the_store_follows_the_scheme_of_redis_url_and_memory_without_it() {
    ServerConfig memory = ServerConfig.parse(List.of("--demo"), Map.of());
    try (var store = ZenRuntime.store(memory)) {
      assertThat(store.getClass().getSimpleName()).isEqualTo("MemoryCheckpointStore");
    }
    ServerConfig redis = ServerConfig.parse(List.of("--demo"), Map.of(ServerConfig.REDIS_URL, "rediss://127.0.0.1:1"));
    // Building connects to nothing: port 1 is never contacted.
    try (var store = ZenRuntime.store(redis)) {
      assertThat(store.getClass().getSimpleName()).isEqualTo("RedisCheckpointStore");
    }
  }

  private static List<String> testClassPath() {
    // Surefire's booter jar holds the class path in its manifest and publishes it here.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> entries = List.of(classPath.split(File.pathSeparator));
    assertThat(entries).as("the test class path").anyMatch(entry -> entry.contains("zen-checkpoint-redis"));
    return entries;
  }

  private static URL toUrl(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}
