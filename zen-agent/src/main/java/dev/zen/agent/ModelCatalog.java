package dev.zen.agent;

import dev.zen.gateway.ModelRegistry;
import dev.zen.spi.ModelInfo;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The models a call may name, as the gateway currently sees them: the registry (the catalogue
 * plus what the gateway lists), the gateway's own listing, and why the listing failed if it did.
 *
 * @param registry resolves names and {@code auto}
 * @param listed the models the gateway listed (empty when it could not list them)
 * @param listingError why the gateway's listing failed, when it did
 */
public record ModelCatalog(ModelRegistry registry, List<ModelInfo> listed, @Nullable String listingError) {
  public ModelCatalog {
    listed = List.copyOf(listed);
  }

  /** {@link #listingError()} as an Optional. */
  public Optional<String> listingFailure() {
    return Optional.ofNullable(listingError);
  }
}
