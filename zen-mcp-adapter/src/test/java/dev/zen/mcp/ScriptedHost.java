package dev.zen.mcp;

import dev.zen.ServiceUnavailableException;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolProgress;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the Zen agent in the transport's own tests: tools with fixed, observable
 * behaviour, so the tests pin down what the server does around any host.
 *
 * <ul>
 *   <li>{@code echo}: answers the {@code text} argument at once;
 *   <li>{@code hold}: returns a future the test completes or watches being cancelled;
 *   <li>{@code progress}: reports {@code steps} progress events, then answers;
 *   <li>{@code throws}: throws from {@code call} itself;
 *   <li>{@code unavailable}: fails its future with a {@link ServiceUnavailableException};
 *   <li>{@code bug}: fails its future with an {@link IllegalStateException};
 *   <li>{@code refuse}: answers an error result, as the agent does for bad arguments;
 *   <li>{@code wait}: answers after {@link #WAIT} on a timer, holding no thread (a model call's shape).
 * </ul>
 */
final class ScriptedHost implements ToolHost {
  static final Duration WAIT = Duration.ofMillis(500);

  final ConcurrentLinkedQueue<CompletableFuture<ToolResult>> held = new ConcurrentLinkedQueue<>();
  final List<ToolCall> calls = new CopyOnWriteArrayList<>();
  final List<String> threads = new CopyOnWriteArrayList<>();

  private static ToolSpec spec(String name, String description) {
    return new ToolSpec(name, description, Map.of("type", "object", "properties",
        Map.of("text", Map.of("type", "string"), "steps", Map.of("type", "number"))));
  }

  @Override
  public List<ToolSpec> tools() {
    return List.of(spec("echo", "Answers its text."), spec("hold", "Answers when the test says so."),
        spec("progress", "Reports progress, then answers."), spec("throws", "Throws from call."),
        spec("unavailable", "Fails as if the store were down."), spec("bug", "Fails with a bug."),
        spec("refuse", "Answers an error result."), spec("wait", "Answers after half a second."));
  }

  @Override
  public String instructions() {
    return "Scripted tools for tests.";
  }

  @Override
  public Set<String> disabledTools() {
    return Set.of("consensus");
  }

  @Override
  public CompletableFuture<ToolResult> call(ToolCall call) {
    calls.add(call);
    threads.add(Thread.currentThread().getName());
    Object text = call.arguments().get("text");
    switch (call.tool()) {
      case "echo":
        return CompletableFuture.completedFuture(result("echo: " + text));
      case "hold": {
        CompletableFuture<ToolResult> future = new CompletableFuture<>();
        held.add(future);
        return future;
      }
      case "progress": {
        int steps = ((Number) call.arguments().getOrDefault("steps", 3)).intValue();
        call.progressListener().ifPresent(listener -> {
          for (int i = 1; i <= steps; i++) {
            listener.accept(new ToolProgress(i, (long) steps, "step " + i));
          }
        });
        return CompletableFuture.completedFuture(result("did " + steps + " steps"));
      }
      case "throws":
        throw new IllegalArgumentException("scripted throw");
      case "unavailable":
        return CompletableFuture.failedFuture(new ServiceUnavailableException("the checkpoint store at redis://x is "
            + "unreachable; check that Redis runs", null));
      case "bug":
        return CompletableFuture.failedFuture(new IllegalStateException("scripted bug"));
      case "wait":
        // Completed on the JDK's timer thread itself: with the default executor, a 2-CPU machine's
        // one-thread common pool would make CompletableFuture start a thread per call.
        return CompletableFuture.supplyAsync(() -> result("waited"),
            CompletableFuture.delayedExecutor(WAIT.toMillis(), TimeUnit.MILLISECONDS, Runnable::run));
      case "refuse":
        return CompletableFuture.completedFuture(ToolResult.error("argument 'text' must be shorter; shorten it"));
      default:
        throw new AssertionError("the server passed an unknown tool through: " + call.tool());
    }
  }

  static ToolResult result(String text) {
    return new ToolResult(text, Map.of("status", "success", "content", text), false, null);
  }
}
