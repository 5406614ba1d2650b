package dev.zen.executor.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SshOptionsTest {

  @Test
  void defaults_are_the_documented_values() {
    SshOptions options = SshOptions.defaults();

    assertThat(options.knownHosts()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    assertThat(options.sshConfig()).contains(Path.of(System.getProperty("user.home"), ".ssh", "config"));
    assertThat(options.agentSocket()).isEmpty();
    assertThat(options.identities()).isEmpty();
    assertThat(options.pinnedHostKeys()).isEmpty();
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(options.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.maxChannelsPerConnection()).isEqualTo(10);
    assertThat(options.maxConnectionsPerHost()).isEqualTo(10);
  }

  @Test
  void setters_validate_at_once() {
    SshOptions.Builder builder = SshOptions.builder();

    assertThatThrownBy(() -> builder.pinHostKey("h", "MD5:aa")).hasMessageContaining("SHA256:");
    assertThatThrownBy(() -> builder.pinHostKey(" ", "SHA256:" + "a".repeat(43))).hasMessageContaining("blank");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout must be positive");
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1))).hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> builder.maxChannelsPerConnection(0)).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> builder.maxConnectionsPerHost(0)).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> builder.keepAliveInterval(Duration.ofSeconds(-1))).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> builder.defaultUser("")).hasMessageContaining("blank");
  }

  @Test
  void a_passphrase_is_copied_and_never_printed() {
    char[] passphrase = "hunter2".toCharArray();
    SshOptions options = SshOptions.builder().identity(Path.of("/k"), passphrase).build();
    passphrase[0] = 'X';

    assertThat(options.toString()).contains("/k").doesNotContain("hunter2").doesNotContain("Xunter2");
    assertThat(new String(options.identityEntries().get(0).passphrase())).isEqualTo("hunter2");
    assertThat(options.identityEntries().get(0).toString()).doesNotContain("hunter2");
  }

  @Test
  void a_pin_without_padding_or_with_it_is_stored_the_way_fingerprints_print() {
    String fingerprint = "SHA256:" + "b".repeat(43);

    SshOptions options = SshOptions.builder().pinHostKey("Build-1", fingerprint + "=").build();

    assertThat(options.pinnedHostKeys()).containsEntry("build-1", fingerprint);
  }
}
