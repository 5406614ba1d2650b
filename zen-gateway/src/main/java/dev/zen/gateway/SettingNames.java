package dev.zen.gateway;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateways' error messages name the settings that would fix them, so that advice fits
 * its reader. A Java embedder reads builder methods ({@link #builderMethods()}, the default); the
 * user of an application built on Zen reads the application's own names, such as the environment
 * variable to set, and must not be told about Java builders. Immutable.
 *
 * <pre>{@code
 * SettingNames names = SettingNames.builder()
 *     .name(SettingNames.Setting.API_KEY, "CUSTOM_API_KEY")
 *     .name(SettingNames.Setting.CALL_DEADLINE, "ZEN_CALL_TIMEOUT_SECONDS")
 *     .unavailable(SettingNames.Setting.MAX_WAIT_FOR_PERMIT)
 *     .build();
 * }</pre>
 */
public final class SettingNames {
  /** A setting an error message may advise changing. */
  public enum Setting {
    /** The endpoint's API root. */
    BASE_URL("the base URL passed to OpenAiCompatibleGateway.builder(url)"),
    /** The key sent as a bearer token. */
    API_KEY("apiKey(...) on OpenAiCompatibleGateway.builder(url)"),
    /** How long opening a connection may take. */
    CONNECT_TIMEOUT("connectTimeout(...) on OpenAiCompatibleGateway.builder(url)"),
    /** How long the endpoint may take to start answering. */
    FIRST_BYTE_TIMEOUT("firstByteTimeout(...) on OpenAiCompatibleGateway.builder(url)"),
    /** How long an answer may pause between two pieces. */
    IDLE_TIMEOUT("idleTimeout(...) on OpenAiCompatibleGateway.builder(url)"),
    /** Whether redirects to the same origin are followed. */
    SAME_ORIGIN_REDIRECTS("followSameOriginRedirects(true) on OpenAiCompatibleGateway.builder(url)"),
    /** How long one attempt may take. */
    ATTEMPT_TIMEOUT("timeout(...) on GatewayResilience.builder()"),
    /** How long a whole call may take, all attempts and waits included. */
    CALL_DEADLINE("deadline(...) on GatewayResilience.builder()"),
    /** How many calls run at once. */
    MAX_CONCURRENT_CALLS("maxConcurrentCalls(...) on GatewayResilience.builder()"),
    /** How long a call waits for a free slot. */
    MAX_WAIT_FOR_PERMIT("maxWaitForPermit(...) on GatewayResilience.builder()");

    private final String builderMethod;

    Setting(String builderMethod) {
      this.builderMethod = builderMethod;
    }
  }

  private static final SettingNames BUILDER_METHODS = new SettingNames(new Builder());

  private final Map<Setting, Optional<String>> names;

  private SettingNames(Builder builder) {
    this.names = Map.copyOf(builder.names);
  }

  /** Names every setting by the builder method that sets it: the wording for Java embedders. */
  public static SettingNames builderMethods() {
    return BUILDER_METHODS;
  }

  /** Starts from {@link #builderMethods()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** How messages name {@code setting}; empty when its reader has no way to change it. */
  public Optional<String> of(Setting setting) {
    return names.get(Objects.requireNonNull(setting, "setting"));
  }

  @Override
  public String toString() {
    return "SettingNames" + names;
  }

  /** Builds {@link SettingNames}; setters validate at once. */
  public static final class Builder {
    private final Map<Setting, Optional<String>> names = new EnumMap<>(Setting.class);

    private Builder() {
      for (Setting setting : Setting.values()) {
        names.put(setting, Optional.of(setting.builderMethod));
      }
    }

    /** Names {@code setting} as its reader knows it, for example an environment variable. */
    public Builder name(Setting setting, String name) {
      Objects.requireNonNull(setting, "setting");
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("the name of " + setting + " must not be blank");
      }
      names.put(setting, Optional.of(name.strip()));
      return this;
    }

    /** Messages leave out advice about {@code setting}: the reader cannot change it. */
    public Builder unavailable(Setting setting) {
      names.put(Objects.requireNonNull(setting, "setting"), Optional.empty());
      return this;
    }

    public SettingNames build() {
      return new SettingNames(this);
    }
  }
}
