package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void user_info_is_hidden_whole_even_with_an_unescaped_at_in_the_password() {
    assertThat(Urls.redact("http://alice:s3cret@llm.example:4000/v1")).isEqualTo("http://***@llm.example:4000/v1");
    assertThat(Urls.redact("https://bob:p@ss@host/v1?x=@y")).isEqualTo("https://***@host/v1?x=@y");
    assertThat(Urls.redact("http://host:4000/v1/a@b")).isEqualTo("http://host:4000/v1/a@b");
    assertThat(Urls.redact("not a url")).isEqualTo("not a url");
  }

  @Test
  void an_origin_is_scheme_host_and_port_with_default_ports_filled_in() {
    assertThat(Urls.sameOrigin(URI.create("http://Host/v1/x"), URI.create("http://host:80/other"))).isTrue();
    assertThat(Urls.sameOrigin(URI.create("https://host/v1"), URI.create("https://host:443/v2"))).isTrue();
    assertThat(Urls.sameOrigin(URI.create("http://host/v1"), URI.create("https://host/v1"))).isFalse();
    assertThat(Urls.sameOrigin(URI.create("http://127.0.0.1:4000/v1"), URI.create("http://localhost:4000/v1")))
        .isFalse();
    assertThat(Urls.sameOrigin(URI.create("http://host:4000/v1"), URI.create("http://host:4001/v1"))).isFalse();
  }
}
