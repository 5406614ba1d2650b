package dev.zen.benchmarks.floor;

import dev.zen.fake.openai.FakeOpenAiServer;
import java.io.IOException;
import java.time.Duration;

/**
 * zen-fake-openai as its own process, so a benchmark can point servers at a model endpoint whose
 * CPU is not counted in theirs (nor in the harness's). Prints the API root on stdout, then serves
 * until stdin closes:
 *
 * <pre>{@code
 * java -cp zen-benchmarks/target/zen-benchmarks.jar dev.zen.benchmarks.floor.FakeModelServer 500
 * # http://127.0.0.1:PORT/v1
 * }</pre>
 *
 * <p>The argument is the latency before each answer in milliseconds (default 500).
 */
public final class FakeModelServer {
  private FakeModelServer() {}

  public static void main(String[] args) throws IOException {
    long latencyMillis = args.length > 0 ? Long.parseLong(args[0]) : 500;
    try (FakeOpenAiServer fake = FakeOpenAiServer.builder().latency(Duration.ofMillis(latencyMillis)).start()) {
      System.out.println(fake.baseUrl());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the harness closes our stdin (or dies)
      }
    }
  }
}
