package dev.zen.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Settings every {@link CheckpointStoreProvider} understands. A setting left unset means the
 * store's own default. Immutable; more settings may be added, each optional.
 */
public final class CheckpointStoreSettings {
  private static final CheckpointStoreSettings DEFAULTS = builder().build();

  private final @Nullable Duration ttl;

  private CheckpointStoreSettings(Builder builder) {
    this.ttl = builder.ttl;
  }

  /** Every setting at the store's default. */
  public static CheckpointStoreSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * How long a thread's checkpoints are kept after the thread was last written or read; empty
   * for the store's default. Stores differ in what renews it (a memory store counts reads, Redis
   * counts writes and reads); each store's documentation says.
   */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  @Override
  public String toString() {
    return "CheckpointStoreSettings[ttl=" + (ttl == null ? "store default" : ttl) + "]";
  }

  /** Builds {@link CheckpointStoreSettings}; setters validate at once. */
  public static final class Builder {
    private @Nullable Duration ttl;

    private Builder() {}

    /** See {@link CheckpointStoreSettings#ttl()}; must be positive. */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isZero() || ttl.isNegative()) {
        throw new IllegalArgumentException("ttl must be positive, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    public CheckpointStoreSettings build() {
      return new CheckpointStoreSettings(this);
    }
  }
}
