package dev.zen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://user:pw@host:4000/v1|http://***@host:4000/v1",
      "http://user:p@w@host/v1?x=1|http://***@host/v1?x=1",
      "https://generativelanguage.example/v1beta?key=AIzaSECRET|https://generativelanguage.example/v1beta?key=***",
      "https://h/v1?api-version=2024-06-01&api_key=sk-1&Api-Key=sk-2|https://h/v1?api-version=2024-06-01&api_key=***&Api-Key=***",
      "https://blob.example/f?sv=2024&sig=abc%2Fdef#frag|https://blob.example/f?sv=2024&sig=***#frag",
      "https://u:p@h/p?token=t&model=gpt|https://***@h/p?token=***&model=gpt",
      "https://h/p?keyboard=qwerty&flag|https://h/p?keyboard=qwerty&flag",
      "https://h/p?|https://h/p?",
      "not a url|not a url",
      "http://host/v1|http://host/v1",
  })
  void user_info_and_credential_query_values_are_hidden_and_nothing_else(String url, String shown) {
    assertThat(Redaction.url(url)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://user:pw@host/v1|true",
      "http://user@host/v1|true",
      "http://host/v1?key=secret|false",
      "http://host/v1?email=a@b|false",
      "mailto:a@b|false",
  })
  void only_an_authority_with_an_at_sign_has_user_info(String url, boolean expected) {
    assertThat(Redaction.hasUserInfo(url)).isEqualTo(expected);
  }
}
