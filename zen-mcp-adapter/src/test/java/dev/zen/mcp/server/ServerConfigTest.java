package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {
  private static ServerConfig parse(String... keyValues) {
    return parse(List.of(), keyValues);
  }

  private static ServerConfig parse(List<String> args, String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return ServerConfig.parse(args, env);
  }

  @Test
  void a_custom_endpoint_with_its_key_and_model_is_used_and_its_model_becomes_the_default() {
    ServerConfig config = parse("CUSTOM_API_URL", "http://localhost:11434/v1", "CUSTOM_API_KEY", "k",
        "CUSTOM_MODEL_NAME", "llama3.2", "OPENAI_API_KEY", "sk-x");
    assertThat(config.endpoint()).hasValue(new ServerConfig.Endpoint("http://localhost:11434/v1", "k", "CUSTOM_API_URL"));
    assertThat(config.ignoredProviders()).containsExactly("OPENAI_API_KEY");
    assertThat(config.agentOptions().defaultModel()).isEqualTo("llama3.2");
    assertThat(config.toString()).doesNotContain("sk-x").doesNotContain("=k");
  }

  @Test
  void openai_then_openrouter_keys_pick_their_public_endpoints() {
    assertThat(parse("OPENAI_API_KEY", "sk-1").endpoint().orElseThrow().baseUrl()).isEqualTo(ServerConfig.OPENAI_URL);
    assertThat(parse("OPENROUTER_API_KEY", "or-1").endpoint().orElseThrow().baseUrl())
        .isEqualTo(ServerConfig.OPENROUTER_URL);
  }

  @Test
  void defaults_leave_the_agent_its_own_defaults_and_empty_values_count_as_unset() {
    ServerConfig config = parse("OPENAI_API_KEY", "sk-1", "DEFAULT_MODEL", "", "LOG_LEVEL", " ", "REDIS_URL", "");
    assertThat(config.agentOptions().defaultModel()).isEqualTo("auto");
    assertThat(config.agentOptions().disabledTools()).isEmpty();
    assertThat(config.logLevel()).isEqualTo(ServerConfig.LogLevel.INFO);
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.maxConcurrentCalls()).isEqualTo(ServerConfig.DEFAULT_MAX_CONCURRENT_CALLS);
  }

  @Test
  void every_variable_is_read() {
    ServerConfig config = parse("CUSTOM_API_URL", "https://litellm.example/v1", "DEFAULT_MODEL", "o3",
        "DISABLED_TOOLS", " consensus, challenge ,", "ENABLED_TOOLS", "chat,codereview", "CONVERSATION_TIMEOUT_HOURS", "0.5",
        "MAX_CONVERSATION_TURNS", "12", "ZEN_REFUSED_FILES", " *.vault, ~/.config/acme/** ,",
        "LOG_LEVEL", "warning", "REDIS_URL", "redis://:secret@localhost:6379/2", "ZEN_MAX_CONCURRENT_CALLS", "8");
    assertThat(config.agentOptions().defaultModel()).isEqualTo("o3");
    assertThat(config.agentOptions().disabledTools()).containsExactlyInAnyOrder("consensus", "challenge");
    assertThat(config.agentOptions().enabledTools()).containsExactlyInAnyOrder("chat", "codereview");
    assertThat(config.agentOptions().conversationTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.agentOptions().maxConversationTurns()).isEqualTo(12);
    assertThat(config.agentOptions().refusedFiles()).containsExactly("*.vault", "~/.config/acme/**");
    assertThat(config.logLevel()).isEqualTo(ServerConfig.LogLevel.WARN);
    assertThat(config.redisUrl()).hasValue("redis://:secret@localhost:6379/2");
    assertThat(config.maxConcurrentCalls()).isEqualTo(8);
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void prompts_go_on_model_spans_only_when_the_genai_capture_variable_says_true() {
    assertThat(parse(List.of("--demo")).captureModelContent()).isFalse();
    assertThat(parse(List.of("--demo"), ServerConfig.OTEL_CAPTURE_CONTENT, "false").captureModelContent()).isFalse();
    assertThat(parse(List.of("--demo"), ServerConfig.OTEL_CAPTURE_CONTENT, "TRUE").captureModelContent()).isTrue();
    assertThatThrownBy(() -> parse(List.of("--demo"), ServerConfig.OTEL_CAPTURE_CONTENT, "yes please"))
        .hasMessageContaining("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT='yes please' is not a switch; use false or true");
  }

  @Test
  void log_format_is_text_unless_json_and_refuses_anything_else() {
    assertThat(parse(List.of("--demo")).jsonLogs()).isFalse();
    assertThat(parse(List.of("--demo"), "LOG_FORMAT", "text").jsonLogs()).isFalse();
    assertThat(parse(List.of("--demo"), "LOG_FORMAT", "JSON").jsonLogs()).isTrue();
    assertThatThrownBy(() -> parse(List.of("--demo"), "LOG_FORMAT", "xml"))
        .hasMessageContaining("LOG_FORMAT='xml' is not a log format");
  }

  @Test
  void export_is_on_only_when_a_variable_names_where_data_goes() {
    assertThat(Telemetry.enabled(parse(List.of("--demo")).openTelemetry())).isFalse();
    assertThat(Telemetry.enabled(parse(List.of("--demo"), "OTEL_SERVICE_NAME", "zen", "OTEL_TRACES_SAMPLER",
        "always_on").openTelemetry())).as("naming the service does not say where to send").isFalse();
    assertThat(Telemetry.enabled(parse(List.of("--demo"), "OTEL_EXPORTER_OTLP_ENDPOINT", " ").openTelemetry()))
        .as("blank counts as unset").isFalse();
    for (String trigger : Telemetry.TRIGGERS) {
      assertThat(Telemetry.enabled(parse(List.of("--demo"), trigger, "otlp").openTelemetry())).as(trigger).isTrue();
    }
    assertThat(Telemetry.enabled(parse(List.of("--demo"), "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
        "OTEL_SDK_DISABLED", "true").openTelemetry())).isFalse();
  }

  @Test
  void demo_mode_needs_no_endpoint_and_reads_its_latency() {
    ServerConfig config = parse(List.of("--demo"), "ZEN_DEMO_LATENCY_MS", "25");
    assertThat(config.demo()).isTrue();
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.demoLatency()).isEqualTo(Duration.ofMillis(25));
    assertThat(config.maxConcurrentCalls()).isEqualTo(ServerConfig.DEFAULT_DEMO_MAX_CONCURRENT_CALLS);
    assertThat(parse(List.of("--demo")).demoLatency()).isEqualTo(Duration.ofMillis(500));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "CUSTOM_API_URL|localhost:4000|CUSTOM_API_URL='localhost:4000' is not an http(s) URL",
      "CONVERSATION_TIMEOUT_HOURS|three|CONVERSATION_TIMEOUT_HOURS='three' is not a number of hours",
      "CONVERSATION_TIMEOUT_HOURS|-1|CONVERSATION_TIMEOUT_HOURS='-1' must be more than 0",
      "MAX_CONVERSATION_TURNS|many|MAX_CONVERSATION_TURNS='many' is not a whole number",
      "MAX_CONVERSATION_TURNS|1|MAX_CONVERSATION_TURNS=1 is out of range",
      "LOG_LEVEL|loud|LOG_LEVEL='loud' is not a log level",
      "REDIS_URL|http://user:pw@host|REDIS_URL is not a Redis URL",
      "DISABLED_TOOLS|chat,frobnicate|DISABLED_TOOLS: cannot disable unknown tool 'frobnicate'",
      "DISABLED_TOOLS|version|DISABLED_TOOLS: tool 'version' cannot be disabled",
      "ENABLED_TOOLS|chat,review|ENABLED_TOOLS: cannot enable unknown tool 'review'",
      "ZEN_REFUSED_FILES|*.vault,/etc/shadow|ZEN_REFUSED_FILES: refused-file pattern '/etc/shadow' must be",
      "ZEN_MAX_CONCURRENT_CALLS|0|ZEN_MAX_CONCURRENT_CALLS=0 is out of range",
      "ZEN_FIRST_BYTE_TIMEOUT_SECONDS|5m|ZEN_FIRST_BYTE_TIMEOUT_SECONDS='5m' is not a whole number of seconds",
      "ZEN_CALL_TIMEOUT_SECONDS|0|ZEN_CALL_TIMEOUT_SECONDS=0 is out of range",
      "CUSTOM_API_URL|http://user:pw@host:4000/v1|CUSTOM_API_URL='http://***@host:4000/v1' carries a user name and password",
      "CUSTOM_API_URL|http://user:p@w@ho st/v1|CUSTOM_API_URL='http://***@ho st/v1' carries a user name and password",
  })
  void a_bad_value_fails_with_a_message_naming_the_variable(String name, String value, String message) {
    assertThatThrownBy(() -> parse("OPENAI_API_KEY", "sk-1", name, value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("pw@");
  }

  @Test
  void model_call_timeouts_default_for_slow_reasoning_models_and_are_read_in_seconds() {
    assertThat(parse("OPENAI_API_KEY", "sk-1").modelTimeouts()).isEqualTo(new ServerConfig.ModelTimeouts(
        Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(15)));
    assertThat(parse("OPENAI_API_KEY", "sk-1", "ZEN_CONNECT_TIMEOUT_SECONDS", "3", "ZEN_FIRST_BYTE_TIMEOUT_SECONDS",
        "600", "ZEN_IDLE_TIMEOUT_SECONDS", "45", "ZEN_CALL_TIMEOUT_SECONDS", "1800").modelTimeouts())
        .isEqualTo(new ServerConfig.ModelTimeouts(Duration.ofSeconds(3), Duration.ofMinutes(10),
            Duration.ofSeconds(45), Duration.ofMinutes(30)));
  }

  @Test
  void a_password_in_the_custom_url_is_refused_with_advice_and_never_repeated() {
    assertThatThrownBy(() -> parse("CUSTOM_API_URL", "https://alice:s3cret@litellm.example/v1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CUSTOM_API_KEY").hasMessageNotContaining("s3cret").hasMessageNotContaining("alice");
  }

  @Test
  void no_endpoint_and_no_demo_fails_saying_what_to_set() {
    assertThatThrownBy(() -> parse()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CUSTOM_API_URL").hasMessageContaining("OPENAI_API_KEY")
        .hasMessageContaining("OPENROUTER_API_KEY").hasMessageContaining("--demo");
    assertThatThrownBy(() -> parse("CUSTOM_API_KEY", "k")).hasMessageStartingWith("CUSTOM_API_KEY is set but CUSTOM_API_URL is not");
  }

  @Test
  void unknown_arguments_fail_with_the_usage() {
    assertThatThrownBy(() -> parse(List.of("--dmeo"), "OPENAI_API_KEY", "sk-1"))
        .hasMessageStartingWith("unknown argument '--dmeo'").hasMessageContaining("usage:");
    assertThat(parse(List.of("--help")).help()).isTrue();
  }
}
