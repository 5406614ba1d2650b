package dev.zen.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.ServiceUnavailableException;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** opentelemetry-context is optional: an application without it must get the same resilience. */
class WithoutOpenTelemetryTest {

  /**
   * Runs in a class loader without OpenTelemetry: a timed-out attempt, a 503, then an answer, through
   * the tracing interceptor too (a pass-through there).
   */
  public static final class Probe implements Callable<String> {
    @Override
    public String call() {
      ModelGateway gateway = GatewayResilience.builder().timeout(Duration.ofMillis(50))
          .backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build()
          .applyTo(ModelGateways.intercepted(new StubGateway((attempt, request, onChunk) -> switch (attempt) {
            case 0 -> new CompletableFuture<ChatReply>();
            case 1 -> CompletableFuture.failedFuture(new ServiceUnavailableException("HTTP 503", null));
            default -> CompletableFuture.completedFuture(StubGateway.reply(request, "third try"));
          }), List.of(GatewayTracing.automatic().interceptor())));
      return gateway.complete(ChatRequest.of("stub", "hello")).join().text();
    }
  }

  @Test
  void calls_time_out_and_retry_without_opentelemetry_on_the_class_path() throws Exception {
    // Surefire hands the test class path over in this property (java.class.path is its booter jar).
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    URL[] withoutOpenTelemetry = Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.isBlank() && !entry.contains("opentelemetry"))
        .map(WithoutOpenTelemetryTest::url)
        .toArray(URL[]::new);

    try (URLClassLoader isolated = new URLClassLoader(withoutOpenTelemetry, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> isolated.loadClass("io.opentelemetry.context.Context"))
          .isInstanceOf(ClassNotFoundException.class);
      Callable<?> probe = (Callable<?>) isolated.loadClass(Probe.class.getName()).getConstructor().newInstance();

      assertThat(probe.call()).isEqualTo("third try");
    }
  }

  private static URL url(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }
}
