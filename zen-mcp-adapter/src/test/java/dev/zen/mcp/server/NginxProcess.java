package dev.zen.mcp.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's package, installed by {@code .ci/run}) on a free loopback port, in front
 * of two server instances, with the repository's {@code docs/deploy/nginx-zen.conf} as its
 * configuration: the deployment doc's example is what the test runs. Everything nginx writes
 * stays in its own directory. A missing nginx fails the test.
 */
final class NginxProcess implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private NginxProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static NginxProcess start(String instanceA, String instanceB) throws IOException, InterruptedException {
    Path nginx = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"), Path.of("/usr/bin/nginx")).stream()
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new AssertionError("nginx is not installed: apt-get install nginx (.ci/run does)"));
    Path dir = Files.createTempDirectory("zen-nginx");
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path site = repositoryRoot().resolve("docs/deploy/nginx-zen.conf");
    String server = Files.readString(site).replace("__ZEN_INSTANCE_A__", instanceA)
        .replace("__ZEN_INSTANCE_B__", instanceB).replace("__LISTEN__", "127.0.0.1:" + port);
    String root = System.getProperty("user.name").equals("root") ? "user root;\n" : "";
    String conf = root + "worker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log")
        + " warn;\nevents { worker_connections 2048; }\nhttp {\n  access_log " + dir.resolve("access.log") + ";\n"
        + "  client_body_temp_path " + dir.resolve("client") + ";\n  proxy_temp_path " + dir.resolve("proxy") + ";\n"
        + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
        + "  scgi_temp_path " + dir.resolve("scgi") + ";\n" + server + "\n}\n";
    Files.writeString(dir.resolve("nginx.conf"), conf);
    Process process = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("nginx stopped: " + Files.readString(dir.resolve("stdout.log"))
            + readIfExists(dir.resolve("error.log")));
      }
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return new NginxProcess(process, dir, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new AssertionError("nginx did not listen on " + port + ": " + readIfExists(dir.resolve("error.log")));
  }

  /** The MCP endpoint through nginx. */
  java.net.URI uri() {
    return java.net.URI.create("http://127.0.0.1:" + port + "/mcp");
  }

  String errorLog() {
    return readIfExists(dir.resolve("error.log"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isDirectory(here.resolve("docs/deploy"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new AssertionError("docs/deploy not found above " + Path.of("").toAbsolutePath());
    }
    return here;
  }

  private static String readIfExists(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
