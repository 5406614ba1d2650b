package dev.zen.mcp.server;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.CheckpointTracing;
import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.CheckpointStoreContract;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterAll;

/**
 * The server wraps its store in {@link CheckpointTracing}: the decorated store keeps the whole
 * contract, leases and fenced writes included (a decorator that fell back to the SPI's defaults
 * would grant every lease).
 */
class TracedCheckpointStoreContractTest extends CheckpointStoreContract {
  private static final OpenTelemetrySdk OTEL = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build())
      .build();

  @AfterAll
  static void closeSdk() {
    OTEL.close();
  }

  @Override
  protected CheckpointStore create() {
    return CheckpointTracing.openTelemetry(OTEL).applyTo(MemoryCheckpointStore.create());
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return CheckpointTracing.openTelemetry(OTEL).applyTo(MemoryCheckpointStore.create());
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.PER_INSTANCE;
  }

  @Override
  protected IdleTtl idleTtl() {
    return IdleTtl.supported(ttl -> CheckpointTracing.openTelemetry(OTEL)
        .applyTo(MemoryCheckpointStore.builder().idleTtl(ttl).build()));
  }
}
