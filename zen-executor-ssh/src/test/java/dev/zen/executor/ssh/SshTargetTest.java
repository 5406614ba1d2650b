package dev.zen.executor.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SshTargetTest {

  @Test
  void targets_are_parsed_in_every_written_form() {
    assertThat(SshTarget.parse("ssh://ci@build-1:2222")).isEqualTo(new SshTarget.Parsed("ci", "build-1", 2222));
    assertThat(SshTarget.parse("ssh://build-1/")).isEqualTo(new SshTarget.Parsed(null, "build-1", -1));
    assertThat(SshTarget.parse("ci@10.0.0.5")).isEqualTo(new SshTarget.Parsed("ci", "10.0.0.5", -1));
    assertThat(SshTarget.parse("alias")).isEqualTo(new SshTarget.Parsed(null, "alias", -1));
    assertThat(SshTarget.parse("root@[::1]:22")).isEqualTo(new SshTarget.Parsed("root", "::1", 22));
    assertThat(SshTarget.parse("fe80::1")).isEqualTo(new SshTarget.Parsed(null, "fe80::1", -1));
  }

  @Test
  void malformed_targets_are_refused_with_a_message_naming_them() {
    assertThatThrownBy(() -> SshTarget.parse("https://x")).hasMessageContaining("https://x");
    assertThatThrownBy(() -> SshTarget.parse("@host")).hasMessageContaining("empty user");
    assertThatThrownBy(() -> SshTarget.parse("host:0")).hasMessageContaining("invalid port '0'");
    assertThatThrownBy(() -> SshTarget.parse("[::1")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> SshTarget.parse("a b")).hasMessageContaining("invalid host");
  }

  @Test
  void known_hosts_names_use_brackets_off_port_22() {
    assertThat(new SshTarget("x", "h", 22, "u", java.util.List.of()).knownHostsName()).isEqualTo("h");
    assertThat(new SshTarget("x", "h", 2222, "u", java.util.List.of()).knownHostsName()).isEqualTo("[h]:2222");
    assertThat(new SshTarget("x", "::1", 22, "u", java.util.List.of()).display()).isEqualTo("u@[::1]:22");
  }
}
