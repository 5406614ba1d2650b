package dev.zen.executor.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Key files for tests, made by OpenSSH's ssh-keygen (the format users have). */
final class Keys {
  private Keys() {}

  /** An OpenSSH-format key pair at {@code key} and {@code key.pub}; an empty passphrase means none. */
  static void generate(Path key, String passphrase) throws IOException, InterruptedException {
    generate(key, passphrase, "ed25519");
  }

  static void generate(Path key, String passphrase, String type) throws IOException, InterruptedException {
    run(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "zen-test", "-f", key.toString()));
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
