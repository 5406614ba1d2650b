package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.mcp.HttpOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpConfigTest {
  private static final Map<String, String> KEY = Map.of(ServerConfig.OPENAI_API_KEY, "sk-test");

  private static ServerConfig parse(List<String> args, Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(KEY);
    env.putAll(more);
    return ServerConfig.parse(args, env);
  }

  @Test
  void without_http_the_server_speaks_stdio() {
    assertThat(parse(List.of(), Map.of()).http().options()).isEmpty();
  }

  @Test
  void a_bare_port_binds_loopback_and_host_port_binds_that_host() {
    HttpOptions local = parse(List.of("--http", "8080"), Map.of()).http().options().orElseThrow().build();
    assertThat(local.host()).isEqualTo("127.0.0.1");
    assertThat(local.port()).isEqualTo(8080);
    HttpOptions v6 = parse(List.of("--http", "[::1]:9000", "--demo"), Map.of()).http().options().orElseThrow().build();
    assertThat(v6.host()).isEqualTo("[::1]");
    assertThat(v6.loopback()).isTrue();
  }

  @Test
  void a_non_loopback_address_without_tokens_is_refused_saying_why() {
    assertThatThrownBy(() -> parse(List.of("--http", "0.0.0.0:8080"), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("refusing to serve 0.0.0.0 without tokens").hasMessageContaining("ZEN_HTTP_TOKENS");
    HttpOptions open = parse(List.of("--http", "0.0.0.0:8080"), Map.of(HttpConfig.ZEN_HTTP_TOKENS,
        "alice:alice-token-0123456789")).http().options().orElseThrow().build();
    assertThat(open.principals()).containsExactly("alice");
  }

  @Test
  void tokens_come_from_a_file_and_never_appear_in_messages_or_descriptions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# users\nalice:alice-token-0123456789\n\nbob:bob-token-0123456789ab\n");
    HttpConfig http = parse(List.of("--http", "8080"), Map.of(HttpConfig.ZEN_HTTP_TOKENS_FILE, file.toString())).http();
    assertThat(http.options().orElseThrow().build().principals()).containsExactly("alice", "bob");
    assertThat(http.toString()).doesNotContain("alice-token").contains("alice");
    assertThatThrownBy(() -> parse(List.of("--http", "8080"), Map.of(HttpConfig.ZEN_HTTP_TOKENS, "alice:short1")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("ZEN_HTTP_TOKENS entry 1")
        .hasMessageContaining("at least 16").message().doesNotContain("short1");
    assertThatThrownBy(() -> parse(List.of("--http", "8080"), Map.of(HttpConfig.ZEN_HTTP_TOKENS, "just-a-token-0123456789")))
        .hasMessage("ZEN_HTTP_TOKENS entry 1 is not name:token");
  }

  @Test
  void bad_arguments_and_values_name_what_is_wrong() {
    assertThatThrownBy(() -> parse(List.of("--http"), Map.of())).hasMessageContaining("--http needs [HOST:]PORT");
    assertThatThrownBy(() -> parse(List.of("--http", "eighty"), Map.of())).hasMessageContaining("is not [HOST:]PORT");
    assertThatThrownBy(() -> parse(List.of("--http-stateless"), Map.of())).hasMessageContaining("needs --http");
    assertThatThrownBy(() -> parse(List.of("--http", "8080"), Map.of(HttpConfig.ZEN_HTTP_CALLS_PER_MINUTE, "0")))
        .hasMessageContaining("ZEN_HTTP_CALLS_PER_MINUTE");
    assertThatThrownBy(() -> parse(List.of("--http", "8080"), Map.of(HttpConfig.ZEN_HTTP_ALLOWED_ORIGINS, "evil")))
        .hasMessageContaining("ZEN_HTTP_ALLOWED_ORIGINS");
  }
}
