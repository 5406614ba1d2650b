package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ServiceUnavailableException;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DeferredGatewayTest {
  /** Records calls and hands out futures the test completes. */
  private static final class HeldGateway implements ModelGateway {
    final List<CompletableFuture<ChatReply>> calls = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      CompletableFuture<ChatReply> call = new CompletableFuture<>();
      calls.add(call);
      return call;
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      return complete(request);
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return CompletableFuture.completedFuture(List.of(new ModelInfo("m")));
    }
  }

  private final ChatRequest request = ChatRequest.of("m", "hi");

  @Test
  void calls_wait_for_the_gateway_then_go_through() throws Exception {
    CompletableFuture<ModelGateway> building = new CompletableFuture<>();
    DeferredGateway deferred = new DeferredGateway(building);
    CompletableFuture<List<ModelInfo>> models = deferred.models();
    CompletableFuture<ChatReply> reply = deferred.complete(request);
    assertThat(models).isNotDone();
    HeldGateway gateway = new HeldGateway();
    building.complete(gateway);
    assertThat(models.get()).extracting(ModelInfo::id).containsExactly("m");
    assertThat(gateway.calls).hasSize(1);
    assertThat(reply).isNotDone();
  }

  @Test
  void a_call_cancelled_while_waiting_is_never_sent_and_one_cancelled_later_cancels_the_real_call() {
    CompletableFuture<ModelGateway> building = new CompletableFuture<>();
    DeferredGateway deferred = new DeferredGateway(building);
    deferred.complete(request).cancel(true);
    HeldGateway gateway = new HeldGateway();
    building.complete(gateway);
    assertThat(gateway.calls).isEmpty();

    deferred.stream(request, chunk -> {}).cancel(true);
    assertThat(gateway.calls).singleElement().satisfies(call -> assertThat(call.isCancelled()).isTrue());
  }

  @Test
  void a_gateway_that_failed_to_start_fails_calls_with_a_zen_exception() {
    DeferredGateway deferred = new DeferredGateway(CompletableFuture.failedFuture(new IllegalStateException("no TLS")));
    CompletableFuture<ChatReply> reply = deferred.complete(request);
    assertThat(reply).isCompletedExceptionally();
    try {
      reply.get();
    } catch (ExecutionException | InterruptedException e) {
      assertThat(e.getCause()).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("no TLS");
    }
  }
}
