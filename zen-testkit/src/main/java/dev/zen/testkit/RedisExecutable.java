package dev.zen.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds a {@code redis-server} of version 6.2 or later: the system property
 * {@value #PROPERTY}, else the first one on the {@code PATH}, else a binary shipped in a jar on the
 * class path ({@code org.signal:embedded-redis} ships static Linux and macOS builds as resources
 * named {@code redis-server-<version>-<os>-<arch>}), extracted once to the temp directory.
 */
final class RedisExecutable {
  static final String PROPERTY = "zen.redis.server";
  static final int[] MIN_VERSION = {6, 2, 0};

  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Pattern RESOURCE = Pattern.compile("redis-server-(\\d+)\\.(\\d+)\\.(\\d+)(?:-v\\d+)?-([a-z]+)-([a-z0-9_]+)");

  private static volatile @Nullable RedisExecutable found;

  final Path path;
  final String version;
  final String source;

  private RedisExecutable(Path path, String version, String source) {
    this.path = path;
    this.version = version;
    this.source = source;
  }

  static RedisExecutable find() {
    RedisExecutable result = found;
    if (result == null) {
      synchronized (RedisExecutable.class) {
        result = found;
        if (result == null) {
          result = locate();
          found = result;
        }
      }
    }
    return result;
  }

  private static RedisExecutable locate() {
    List<String> rejected = new ArrayList<>();
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      String version = versionOf(path);
      if (version == null || !atLeastMinimum(version)) {
        throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " is not a redis-server >= 6.2 (version "
            + version + ")");
      }
      return new RedisExecutable(path, version, "-D" + PROPERTY);
    }
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          String version = versionOf(candidate);
          if (version != null && atLeastMinimum(version)) {
            return new RedisExecutable(candidate, version, "PATH");
          }
          rejected.add(candidate + " (version " + version + ")");
        }
      }
    }
    RedisExecutable shipped = fromClassPath(rejected);
    if (shipped != null) {
      return shipped;
    }
    throw new IllegalStateException("no redis-server >= 6.2 found"
        + (rejected.isEmpty() ? "" : " (rejected: " + String.join(", ", rejected) + ")")
        + ". Install one (Debian/Ubuntu: apt-get install redis-server), put it on the PATH or name it with -D"
        + PROPERTY + "=/path/to/redis-server, or add org.signal:embedded-redis:0.9.1 (its binaries only) to the "
        + "test class path");
  }

  private static @Nullable RedisExecutable fromClassPath(List<String> rejected) {
    String os = osName();
    String arch = archName();
    if (os == null || arch == null) {
      rejected.add("no shipped binary for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
      return null;
    }
    ClassLoader loader = RedisExecutable.class.getClassLoader();
    List<String> names = new ArrayList<>();
    try {
      // Jars that ship Redis binaries keep their Java classes in the redis.embedded package.
      for (URL url : Collections.list(loader.getResources("redis/embedded"))) {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
          jar.setUseCaches(false);
          try (JarFile file = new JarFile(jarPath(jar))) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
              String name = entries.nextElement().getName();
              Matcher m = RESOURCE.matcher(name);
              if (m.matches() && m.group(4).equals(os) && m.group(5).equals(arch)) {
                names.add(name);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      rejected.add("class path scan failed: " + e);
      return null;
    }
    names.sort((a, b) -> compare(versionInName(b), versionInName(a)));
    for (String name : names) {
      if (!atLeastMinimum(versionInName(name))) {
        rejected.add(name + " (too old)");
        continue;
      }
      try {
        Path extracted = extract(loader, name);
        String version = versionOf(extracted);
        if (version != null && atLeastMinimum(version)) {
          return new RedisExecutable(extracted, version, "class path resource " + name);
        }
        rejected.add(name + " (does not run here)");
      } catch (IOException e) {
        rejected.add(name + " (" + e + ")");
      }
    }
    return null;
  }

  private static File jarPath(JarURLConnection jar) throws IOException {
    try {
      return new File(jar.getJarFileURL().toURI());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw new IOException("cannot locate " + jar.getJarFileURL(), e);
    }
  }

  private static Path extract(ClassLoader loader, String name) throws IOException {
    URL url = loader.getResource(name);
    if (url == null) {
      throw new IOException("resource " + name + " vanished");
    }
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "zen-testkit-redis");
    Files.createDirectories(dir);
    Path target = dir.resolve(name);
    URLConnection connection = url.openConnection();
    connection.setUseCaches(false);
    long size = connection.getContentLengthLong();
    if (Files.isRegularFile(target) && Files.size(target) == size && Files.isExecutable(target)) {
      return target;
    }
    Path temp = Files.createTempFile(dir, name, ".part");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
    }
    if (!temp.toFile().setExecutable(true, false)) {
      throw new IOException("cannot make " + temp + " executable");
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** The version {@code redis-server --version} prints, or null if it does not run. */
  static @Nullable String versionOf(Path executable) {
    try {
      Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      byte[] output;
      try (InputStream in = process.getInputStream()) {
        output = in.readNBytes(4096);
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      Matcher m = VERSION.matcher(new String(output, StandardCharsets.UTF_8));
      return process.exitValue() == 0 && m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static boolean atLeast(String version, int major, int minor) {
    return compare(version, major + "." + minor + ".0") >= 0;
  }

  private static boolean atLeastMinimum(String version) {
    return atLeast(version, MIN_VERSION[0], MIN_VERSION[1]);
  }

  private static String versionInName(String name) {
    Matcher m = RESOURCE.matcher(name);
    return m.matches() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : "0.0.0";
  }

  private static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < 3; i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static @Nullable String osName() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("linux")) {
      return "linux";
    }
    if (os.contains("mac") || os.contains("darwin")) {
      return "darwin";
    }
    return null;
  }

  private static @Nullable String archName() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      return "amd64";
    }
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      return "arm64";
    }
    return null;
  }
}
