package dev.zen.agent;

import dev.zen.internal.Futures;
import dev.zen.gateway.ModelRegistry;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as the gateway currently sees it: the catalogue plus the models the gateway lists,
 * fetched once and refreshed now and then. Without the listing {@code auto} could pick a model
 * the gateway does not serve, and a model only the gateway knows could not be named; without the
 * cache every call would cost an extra round trip.
 */
final class ModelDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ModelDirectory.class);
  static final Duration REFRESH = Duration.ofMinutes(5);
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
  static final Duration LISTING_TIMEOUT = Duration.ofSeconds(15);

  private final ModelRegistry base;
  private final ModelGateway gateway;
  private final Clock clock;
  private @Nullable CompletableFuture<ModelCatalog> current;
  private long expiresAt;

  ModelDirectory(ModelRegistry base, ModelGateway gateway, Clock clock) {
    this.base = base;
    this.gateway = gateway;
    this.clock = clock;
  }

  /**
   * The current snapshot. Never fails: a gateway that cannot list its models leaves the catalogue
   * as it is. Cancelling the returned future does not cancel the shared listing.
   */
  CompletableFuture<ModelCatalog> catalog() {
    CompletableFuture<ModelCatalog> shared;
    synchronized (this) {
      long now = clock.millis();
      if (current == null || (current.isDone() && now >= expiresAt)) {
        // Set before fetching: a listing that completes at once sets the real expiry inside fetch().
        expiresAt = Long.MAX_VALUE;
        current = fetch();
      }
      shared = current;
    }
    return shared.thenApply(catalog -> catalog);
  }

  private CompletableFuture<ModelCatalog> fetch() {
    CompletableFuture<List<ModelInfo>> listing;
    try {
      listing = gateway.models();
    } catch (RuntimeException e) {
      listing = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<List<ModelInfo>> bounded = listing.orTimeout(LISTING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return bounded.handle((models, error) -> {
      ModelCatalog catalog;
      Duration keep;
      if (error == null) {
        catalog = new ModelCatalog(base.withGatewayModels(models), List.copyOf(models), null);
        keep = REFRESH;
      } else {
        String reason = Futures.describe(error);
        LOG.debug("the gateway could not list its models; using the catalogue alone: {}", reason);
        catalog = new ModelCatalog(base, List.of(), reason);
        keep = RETRY_AFTER_FAILURE;
      }
      synchronized (this) {
        expiresAt = clock.millis() + keep.toMillis();
      }
      return catalog;
    });
  }
}
