package dev.zen.agent;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ZenAgent} behaves. Immutable; defaults:
 * <ul>
 *   <li>default model {@code auto} (the model registry picks per tool category);
 *   <li>every tool enabled, none disabled;
 *   <li>conversations expire 3 hours after their last turn;
 *   <li>at most 50 turns per conversation (a call stores two: the request and the answer);
 *   <li>prompts up to 60,000 characters (MCP's practical limit; longer ones get a
 *       {@code resend_prompt} answer asking for a file);
 *   <li>files up to 1 MiB each (larger ones are replaced by a marker);
 *   <li>no request token cap beyond each model's context window;
 *   <li>credential files refused by the built-in patterns only (see {@link Builder#refusedFiles});
 *   <li>a call holds its conversation for 30 seconds at a time, renewed while it runs (see
 *       {@link #conversationLease()}).
 * </ul>
 */
public final class ZenAgentOptions {
  /** The name that lets the model registry choose a model for each tool. */
  public static final String AUTO = "auto";
  /** Default of {@link #maxPromptChars()}: what an MCP client can pass in a tool argument comfortably. */
  public static final int DEFAULT_MAX_PROMPT_CHARS = 60_000;
  /** Default of {@link #maxConversationTurns()}. */
  public static final int DEFAULT_MAX_CONVERSATION_TURNS = 50;
  /** Default of {@link #conversationTimeout()}. */
  public static final Duration DEFAULT_CONVERSATION_TIMEOUT = Duration.ofHours(3);
  /** Default of {@link #conversationLease()}. */
  public static final Duration DEFAULT_CONVERSATION_LEASE = Duration.ofSeconds(30);
  /** Default of {@link #maxFileBytes()}. */
  public static final long DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

  /** Every tool name Zen defines, including those later versions add; others cannot be disabled. */
  static final List<String> ZEN_TOOL_NAMES = List.of("chat", "clink", "thinkdeep", "planner", "consensus",
      "codereview", "precommit", "debug", "secaudit", "docgen", "analyze", "refactor", "tracer", "testgen",
      "challenge", "apilookup", "listmodels", "version");
  /** Tools that always stay on: clients use them to discover what the server can do. */
  static final Set<String> ESSENTIAL_TOOLS = Set.of("listmodels", "version");

  private static final ZenAgentOptions DEFAULTS = builder().build();

  private final String defaultModel;
  private final Set<String> disabledTools;
  private final Set<String> enabledTools;
  private final Duration conversationTimeout;
  private final int maxConversationTurns;
  private final int maxPromptChars;
  private final long maxFileBytes;
  private final @Nullable Integer maxRequestTokens;
  private final List<String> refusedFiles;
  private final Duration conversationLease;
  private final Duration progressHeartbeat;

  private ZenAgentOptions(Builder builder) {
    this.defaultModel = builder.defaultModel;
    this.disabledTools = Set.copyOf(builder.disabledTools);
    this.enabledTools = Set.copyOf(builder.enabledTools);
    this.conversationTimeout = builder.conversationTimeout;
    this.maxConversationTurns = builder.maxConversationTurns;
    this.maxPromptChars = builder.maxPromptChars;
    this.maxFileBytes = builder.maxFileBytes;
    this.maxRequestTokens = builder.maxRequestTokens;
    this.refusedFiles = List.copyOf(builder.refusedFiles);
    this.conversationLease = builder.conversationLease;
    this.progressHeartbeat = builder.progressHeartbeat;
  }

  public static ZenAgentOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The model used when a call names none; {@value #AUTO} lets the registry choose. */
  public String defaultModel() {
    return defaultModel;
  }

  /** Tools not offered (lower case). */
  public Set<String> disabledTools() {
    return disabledTools;
  }

  /** When not empty, the only built-in tools offered (besides listmodels and version); lower case. */
  public Set<String> enabledTools() {
    return enabledTools;
  }

  /** Whether the built-in tool {@code name} is offered under these options. */
  public boolean offers(String name) {
    return !disabledTools.contains(name)
        && (enabledTools.isEmpty() || enabledTools.contains(name) || ESSENTIAL_TOOLS.contains(name));
  }

  /**
   * The text {@link ZenAgent#instructions()} answers for an agent built with these options,
   * known before the agent is: an adapter can send it while the agent is still being built.
   */
  public String instructions() {
    return Prompts.instructions(this);
  }

  /** How long after its last turn a conversation can still be continued. */
  public Duration conversationTimeout() {
    return conversationTimeout;
  }

  /** Most turns one conversation holds; a call stores two (the request and the answer). */
  public int maxConversationTurns() {
    return maxConversationTurns;
  }

  /** Longest prompt argument accepted; a longer one gets a {@code resend_prompt} answer. */
  public int maxPromptChars() {
    return maxPromptChars;
  }

  /** Largest file embedded; a larger one is replaced by a marker saying so. */
  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * Cap on the estimated input tokens of one model request (history, files and prompt), below the
   * model's own context window; empty means the window is the only limit.
   */
  public Optional<Integer> maxRequestTokens() {
    return Optional.ofNullable(maxRequestTokens);
  }

  /** Credential-file patterns refused in addition to the built-in ones. */
  public List<String> refusedFiles() {
    return refusedFiles;
  }

  /**
   * How long a call holds its conversation between renewals. A continued call takes its thread's
   * lease in the checkpoint store before it reads the conversation and renews it every third of
   * this while it runs, so calls on one conversation run one after another even when several
   * agents (server processes) share the store. If the agent holding it dies, the conversation is
   * free again after at most this long.
   */
  public Duration conversationLease() {
    return conversationLease;
  }

  /** How often a call waiting for a model reports that it still waits (default 10 s). */
  public Duration progressHeartbeat() {
    return progressHeartbeat;
  }

  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.defaultModel = defaultModel;
    builder.disabledTools.addAll(disabledTools);
    builder.enabledTools.addAll(enabledTools);
    builder.conversationTimeout = conversationTimeout;
    builder.maxConversationTurns = maxConversationTurns;
    builder.maxPromptChars = maxPromptChars;
    builder.maxFileBytes = maxFileBytes;
    builder.maxRequestTokens = maxRequestTokens;
    builder.refusedFiles.addAll(refusedFiles);
    builder.conversationLease = conversationLease;
    builder.progressHeartbeat = progressHeartbeat;
    return builder;
  }

  @Override
  public String toString() {
    return "ZenAgentOptions[defaultModel=" + defaultModel + ", disabledTools=" + disabledTools
        + (enabledTools.isEmpty() ? "" : ", enabledTools=" + enabledTools)
        + ", conversationTimeout=" + conversationTimeout + ", maxConversationTurns=" + maxConversationTurns
        + ", maxPromptChars=" + maxPromptChars + ", maxFileBytes=" + maxFileBytes
        + ", maxRequestTokens=" + maxRequestTokens + ", refusedFiles=" + refusedFiles
        + ", conversationLease=" + conversationLease + ", progressHeartbeat=" + progressHeartbeat + "]";
  }

  /** Builds {@link ZenAgentOptions}; every setter validates its argument at once. */
  public static final class Builder {
    private String defaultModel = AUTO;
    private final Set<String> disabledTools = new LinkedHashSet<>();
    private final Set<String> enabledTools = new LinkedHashSet<>();
    private Duration conversationTimeout = DEFAULT_CONVERSATION_TIMEOUT;
    private int maxConversationTurns = DEFAULT_MAX_CONVERSATION_TURNS;
    private int maxPromptChars = DEFAULT_MAX_PROMPT_CHARS;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private @Nullable Integer maxRequestTokens;
    private final List<String> refusedFiles = new java.util.ArrayList<>();
    private Duration conversationLease = DEFAULT_CONVERSATION_LEASE;
    private Duration progressHeartbeat = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * More credential-file patterns to refuse, beside the built-in ones (the zen-agent README lists
     * them): a file-name glob ({@code *.secret}, {@code vault.yml}) or a glob below the home
     * directory ({@code ~/.config/tool/**}). A named file that matches is refused; a directory's
     * matching files are left out with a note. Replaces earlier calls.
     */
    public Builder refusedFiles(Collection<String> patterns) {
      List<String> checked = new java.util.ArrayList<>();
      for (String pattern : patterns) {
        SecretFiles.check(Objects.requireNonNull(pattern, "pattern"));
        checked.add(pattern.strip());
      }
      refusedFiles.clear();
      refusedFiles.addAll(checked);
      return this;
    }

    /**
     * A model name or alias, or {@value #AUTO}. Resolved per call (a gateway may serve models the
     * catalogue does not know), so an unknown name gives an error result listing what exists.
     */
    public Builder defaultModel(String defaultModel) {
      if (defaultModel == null || defaultModel.isBlank()) {
        throw new IllegalArgumentException("defaultModel must not be blank; use \"" + AUTO + "\" to let Zen choose");
      }
      this.defaultModel = defaultModel.trim();
      return this;
    }

    /**
     * Tools not to offer, by name (case-insensitive); replaces earlier calls. Names must be Zen
     * tool names; {@code listmodels} and {@code version} cannot be disabled.
     */
    public Builder disabledTools(Collection<String> names) {
      Set<String> checked = toolNames(names, "disable");
      for (String tool : checked) {
        if (ESSENTIAL_TOOLS.contains(tool)) {
          throw new IllegalArgumentException("tool '" + tool + "' cannot be disabled: clients use "
              + String.join(" and ", ESSENTIAL_TOOLS.stream().sorted().toList()) + " to discover the server");
        }
      }
      disabledTools.clear();
      disabledTools.addAll(checked);
      return this;
    }

    /**
     * The only built-in tools to offer, by name (case-insensitive), for a small tool list; empty
     * (the default) offers all. {@code listmodels} and {@code version} are always offered.
     * Disabled tools stay disabled. Replaces earlier calls.
     */
    public Builder enabledTools(Collection<String> names) {
      Set<String> checked = toolNames(names, "enable");
      enabledTools.clear();
      enabledTools.addAll(checked);
      return this;
    }

    private static Set<String> toolNames(Collection<String> names, String verb) {
      Set<String> checked = new LinkedHashSet<>();
      for (String name : names) {
        String tool = Objects.requireNonNull(name, "tool name").trim().toLowerCase(Locale.ROOT);
        if (tool.isEmpty()) {
          continue;
        }
        if (!ZEN_TOOL_NAMES.contains(tool)) {
          throw new IllegalArgumentException("cannot " + verb + " unknown tool '" + name + "'; Zen's tools are "
              + String.join(", ", BuiltInTools.names()));
        }
        checked.add(tool);
      }
      return checked;
    }

    /** Like {@link #disabledTools(Collection)}. */
    public Builder disabledTools(String... names) {
      return disabledTools(List.of(names));
    }

    /** How long after its last turn a conversation expires (> 0). */
    public Builder conversationTimeout(Duration conversationTimeout) {
      Objects.requireNonNull(conversationTimeout, "conversationTimeout");
      if (conversationTimeout.isNegative() || conversationTimeout.isZero()) {
        throw new IllegalArgumentException("conversationTimeout must be positive, was " + conversationTimeout);
      }
      this.conversationTimeout = conversationTimeout;
      return this;
    }

    /** Most turns per conversation (>= 2: one request and its answer). */
    public Builder maxConversationTurns(int maxConversationTurns) {
      if (maxConversationTurns < 2) {
        throw new IllegalArgumentException("maxConversationTurns must be >= 2 (a call stores two turns), was "
            + maxConversationTurns);
      }
      this.maxConversationTurns = maxConversationTurns;
      return this;
    }

    /** Longest prompt accepted inline (>= 1). */
    public Builder maxPromptChars(int maxPromptChars) {
      if (maxPromptChars < 1) {
        throw new IllegalArgumentException("maxPromptChars must be >= 1, was " + maxPromptChars);
      }
      this.maxPromptChars = maxPromptChars;
      return this;
    }

    /** Largest file embedded, in bytes (>= 1). */
    public Builder maxFileBytes(long maxFileBytes) {
      if (maxFileBytes < 1) {
        throw new IllegalArgumentException("maxFileBytes must be >= 1, was " + maxFileBytes);
      }
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    /** Cap on estimated input tokens per model request (>= 1000), or {@code null} for none. */
    public Builder maxRequestTokens(@Nullable Integer maxRequestTokens) {
      if (maxRequestTokens != null && maxRequestTokens < 1000) {
        throw new IllegalArgumentException("maxRequestTokens must be >= 1000 or null, was " + maxRequestTokens);
      }
      this.maxRequestTokens = maxRequestTokens;
      return this;
    }

    /** See {@link ZenAgentOptions#conversationLease()}; 100 ms to 1 hour. */
    public Builder conversationLease(Duration conversationLease) {
      Objects.requireNonNull(conversationLease, "conversationLease");
      if (conversationLease.compareTo(Duration.ofMillis(100)) < 0 || conversationLease.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("conversationLease must be between 100 ms and 1 hour, was " + conversationLease);
      }
      this.conversationLease = conversationLease;
      return this;
    }

    /**
     * How often a call waiting for a model reports "waiting for MODEL (N s)" to a client that asked
     * for progress (> 0; default 10 s): a reasoning model can think for minutes before its first
     * word, and clients reset their request timeouts on progress.
     */
    public Builder progressHeartbeat(Duration progressHeartbeat) {
      Objects.requireNonNull(progressHeartbeat, "progressHeartbeat");
      if (progressHeartbeat.isNegative() || progressHeartbeat.isZero()) {
        throw new IllegalArgumentException("progressHeartbeat must be positive, was " + progressHeartbeat);
      }
      this.progressHeartbeat = progressHeartbeat;
      return this;
    }

    public ZenAgentOptions build() {
      return new ZenAgentOptions(this);
    }
  }
}
