package dev.zen.spi;

import java.util.Set;

/**
 * Makes a {@link CheckpointStore} from a URL, so an application can choose its store by
 * configuration ({@code redis://...}, {@code memory:}) without compiling against the module that
 * implements it. Implementations are found with {@link java.util.ServiceLoader}: a store module
 * lists its provider in {@code META-INF/services/dev.zen.spi.CheckpointStoreProvider}.
 *
 * <pre>{@code
 * String scheme = URI.create(url).getScheme();
 * CheckpointStoreProvider provider = ServiceLoader.load(CheckpointStoreProvider.class).stream()
 *     .map(ServiceLoader.Provider::get)
 *     .filter(p -> p.schemes().contains(scheme))
 *     .findFirst()
 *     .orElseThrow(() -> new IllegalStateException("no checkpoint store handles " + scheme + ":"));
 * CheckpointStore store = provider.create(url, CheckpointStoreSettings.builder().ttl(Duration.ofHours(3)).build());
 * }</pre>
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to construct: the
 * loader instantiates every provider on the class path to ask for its schemes, so a provider
 * connects to nothing until {@link #create} is called.
 */
public interface CheckpointStoreProvider {

  /** The URL schemes this provider handles, lower case, without {@code ":"} (e.g. {@code redis}). */
  Set<String> schemes();

  /** A name for people, naming the module: {@code "Redis (zen-checkpoint-redis)"}. */
  String name();

  /**
   * A new store for {@code url}; the caller owns it and closes it. Like the stores' own builders,
   * this has no side effects beyond building: a store connects on its first call.
   *
   * @param url a URL with one of {@link #schemes()}; it may hold a password, so messages about it
   *     must not repeat it
   * @param settings what every store understands (the TTL of a thread's checkpoints)
   * @throws IllegalArgumentException when the URL cannot be used, saying why without repeating it
   */
  CheckpointStore create(String url, CheckpointStoreSettings settings);
}
