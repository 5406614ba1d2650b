package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CancellationTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  final List<CompletableFuture<String>> pending = new CopyOnWriteArrayList<>();

  private CountDownLatch hangingGateway(int calls) {
    CountDownLatch arrived = new CountDownLatch(calls);
    gateway.answer = request -> {
      CompletableFuture<String> never = new CompletableFuture<>();
      pending.add(never);
      arrived.countDown();
      return never;
    };
    return arrived;
  }

  @Test
  void cancelling_a_call_cancels_the_gateway_call_in_flight() throws Exception {
    CountDownLatch arrived = hangingGateway(1);
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "hi")));
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

      call.cancel(true);

      assertThatThrownBy(() -> pending.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
      assertThat(gateway.cancelled).hasSize(1);
    }
  }

  @Test
  void cancelling_a_consensus_cancels_every_model_call() throws Exception {
    CountDownLatch arrived = hangingGateway(2);
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      CompletableFuture<ToolResult> call = agent.call(ToolCall.of("consensus", Map.of("prompt", "p",
          "models", List.of(Map.of("model", "alpha"), Map.of("model", "beta")))));
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

      call.cancel(true);

      for (CompletableFuture<String> future : pending) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
      }
    }
  }

  @Test
  void a_thread_whose_call_was_cancelled_can_be_continued_afterwards() throws Exception {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "hello")).continuationId();
      CountDownLatch arrived = hangingGateway(1);
      CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "slow", "continuation_id", thread)));
      assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
      call.cancel(true);
      gateway.answer = request -> CompletableFuture.completedFuture("back");

      ToolResult next = agent.call(ToolCall.of("chat", Map.of("prompt", "again", "continuation_id", thread)))
          .get(10, TimeUnit.SECONDS);

      assertThat(next.isError()).isFalse();
      assertThat(next.structuredContent()).containsEntry("content", "back");
    }
  }

  @Test
  void closing_the_agent_cancels_calls_in_flight() throws Exception {
    CountDownLatch arrived = hangingGateway(1);
    ZenAgent agent = Agents.agent(gateway, store);
    CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "hi")));
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

    agent.close();

    assertThat(call).isCancelled();
    assertThatThrownBy(() -> pending.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    assertThat(agent.call(ToolCall.of("version", Map.of()))).isCompletedExceptionally();
  }
}
