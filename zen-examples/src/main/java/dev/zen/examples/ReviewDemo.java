package dev.zen.examples;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.RunEvent;
import dev.zen.graph.RunResult;
import dev.zen.testkit.ScriptedModelGateway;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * Runs {@link ReviewAgent} offline: the models are scripted (with realistic latency) so no API key
 * is needed. Run it with {@code ./mvnw -q -pl zen-examples exec:java} after installing the modules.
 */
public final class ReviewDemo {
  private ReviewDemo() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ScriptedModelGateway gateway = ScriptedModelGateway.builder()
        .reply("drafter", "^Review this change", "1. The retry loop sleeps on the caller's thread. 2. The API key is logged.")
        .reply("drafter", "^Revise", "1. Never log the API key (security). 2. Replace the sleeping retry loop with a timer.")
        .reply("security-critic", "API key is logged\\.$", "The review should call out that logging the key is a security leak.")
        .reply("security-critic", ".", "LGTM")
        .reply("style-critic", ".", "LGTM")
        .latency("*", Duration.ofMillis(400))
        .build();
    try (MemoryCheckpointStore store = MemoryCheckpointStore.create()) {
      ReviewAgent agent = ReviewAgent.create(gateway, store,
          new ReviewAgent.Models("drafter", "security-critic", "style-critic"));
      String thread = UUID.randomUUID().toString();
      long started = System.nanoTime();
      RunResult paused = agent.review(thread, "public Reply call() { log.info(\"key={}\", apiKey); ... }", event -> {
        if (event instanceof RunEvent.NodeFinished finished) {
          out.printf("  [%5d ms] %-8s finished%n", (System.nanoTime() - started) / 1_000_000, finished.node());
        }
      }).join();
      out.println("Waiting for approval before: " + paused.nextNode());
      out.println("Review:\n  " + paused.state().value("review", String.class).orElse("(none)"));
      RunResult published = agent.approve(thread, true).join();
      out.println("Published: " + published.state().value("published", Boolean.class).orElse(false));
      out.printf("Model calls: %d (critics ran in parallel each round)%n", gateway.requests().size());
    }
  }
}
