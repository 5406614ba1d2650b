package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inspector reads ordinary stream chunks with a streaming parser and everything else as a
 * tree; both must come to the same verdict. A named event that is not {@code error} is always read
 * as a tree, which gives each stream its reference.
 */
class InspectorScanTest {

  static Stream<Arguments> streams() {
    String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[%s]%s}";
    return Stream.of(
        Arguments.of("text, then a stop", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}", ""),
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"Hello \\\"world\\\" \\u00e9\"},\"logprobs\":null,\"finish_reason\":null}", ""),
            chunk.formatted("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}", ""),
            chunk.formatted("", ",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}"))),
        Arguments.of("length", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"cut\"},\"finish_reason\":\"length\"}", ""))),
        Arguments.of("content filter", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"so\"},\"finish_reason\":\"content_filter\"}", ""))),
        Arguments.of("tool calls only", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}", ""),
            chunk.formatted("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}", ""))),
        Arguments.of("reasoning only", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"reasoning_content\":\"let me think\"}}", ""),
            chunk.formatted("{\"index\":0,\"delta\":{\"reasoning\":\"more\",\"content\":\"  \"},\"finish_reason\":\"stop\"}", ""))),
        Arguments.of("null content", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":null},\"finish_reason\":\"stop\"}", ""))),
        Arguments.of("no choices", List.of(chunk.formatted("", ""), "{\"choices\":null}")),
        Arguments.of("content as parts", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"parts\"}]},\"finish_reason\":\"stop\"}", ""))),
        Arguments.of("an error field", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"half\"}}", ""),
            "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}")),
        Arguments.of("a null error field", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"fine\"},\"finish_reason\":\"stop\"}", ",\"error\":null"))),
        Arguments.of("vLLM's error object", List.of(
            "{\"object\":\"error\",\"message\":\"context length exceeded\",\"code\":400}")),
        Arguments.of("finish reason error", List.of(
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"half\"},\"finish_reason\":\"error\",\"error\":{\"message\":\"overloaded\"}}", ""))),
        Arguments.of("not JSON, then text", List.of("garbage{", "42", "[1,2]",
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}", ""))),
        Arguments.of("odd shapes", List.of(
            "{\"choices\":{\"not\":\"an array\"}}",
            "{\"choices\":[1,\"two\",null,{\"delta\":\"not an object\"}]}",
            chunk.formatted("{\"index\":0,\"delta\":{\"content\":7,\"tool_calls\":[],\"reasoning\":{\"nested\":true}},"
                + "\"finish_reason\":\"\"}", ""))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void the_streaming_scan_and_the_tree_come_to_the_same_verdict(String what, List<String> events) {
    OpenAiWire.Inspector scanned = new OpenAiWire.Inspector();
    OpenAiWire.Inspector tree = new OpenAiWire.Inspector();
    Throwable scanFailure = feed(scanned, null, events);
    Throwable treeFailure = feed(tree, "message", events);

    assertThat(describe(scanFailure)).isEqualTo(describe(treeFailure));
    assertThat(scanned.contentChars()).isEqualTo(tree.contentChars());
    assertThat(scanned.finishReason()).isEqualTo(tree.finishReason());
    assertThat(scanned.finished()).isEqualTo(tree.finished());
    if (scanFailure == null) {
      assertThat(describe(catchThrowable(scanned::finish))).isEqualTo(describe(catchThrowable(tree::finish)));
    }
  }

  private static Throwable feed(OpenAiWire.Inspector inspector, String name, List<String> events) {
    return catchThrowable(() -> {
      for (String event : events) {
        inspector.event(name, event);
      }
    });
  }

  private static String describe(Throwable error) {
    return error == null ? "none" : error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
