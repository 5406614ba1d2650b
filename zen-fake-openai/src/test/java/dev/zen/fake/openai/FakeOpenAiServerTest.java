package dev.zen.fake.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.spi.ChatMessage;
import dev.zen.fake.openai.FakeOpenAiServer.ClientAbort;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake server spoken to with a plain JDK client, as any OpenAI client would. */
class FakeOpenAiServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<FakeOpenAiServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(FakeOpenAiServer::close);
  }

  private FakeOpenAiServer started(FakeOpenAiServer.Builder builder) {
    FakeOpenAiServer server = builder.start();
    servers.add(server);
    return server;
  }

  private HttpResponse<String> chat(FakeOpenAiServer server, String key, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String body(String model, String prompt, boolean stream) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
        + "{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"temperature\":0.5,\"max_tokens\":77"
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
  }

  @Test
  void a_chat_request_gets_the_scripted_answer_with_word_counted_usage() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().apiKey("k")
        .reply("gpt-5", "(?i)capital of france", "Paris is the capital."));

    HttpResponse<String> response = chat(server, "k", body("gpt-5", "What is the CAPITAL of France?", false));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = JSON.readTree(response.body());
    assertThat(json.at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital.");
    assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(json.at("/model").asText()).isEqualTo("gpt-5");
    assertThat(json.at("/usage/prompt_tokens").asInt()).isEqualTo(8);
    assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(4);
    assertThat(json.at("/usage/total_tokens").asInt()).isEqualTo(12);
  }

  @Test
  void every_request_is_recorded_with_model_messages_headers_and_parameters() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder());

    chat(server, "any", body("o3", "hello", true));

    RecordedRequest recorded = server.chatRequests().get(0);
    assertThat(recorded.model()).isEqualTo("o3");
    assertThat(recorded.stream()).isTrue();
    assertThat(recorded.includeUsage()).isTrue();
    assertThat(recorded.temperature()).isEqualTo(0.5);
    assertThat(recorded.maxTokens()).isEqualTo(77);
    assertThat(recorded.messages()).containsExactly(ChatMessage.system("be brief"), ChatMessage.user("hello"));
    assertThat(recorded.header("AUTHORIZATION")).contains("Bearer any");
    assertThat(recorded.connectionId()).isEqualTo(1);
  }

  @Test
  void without_a_script_the_default_answer_names_the_model_that_answered() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().demo().latency("gemini-2.5-pro", Duration.ZERO));

    JsonNode json = JSON.readTree(chat(server, null, body("gemini-2.5-pro", "review my plan", false)).body());

    assertThat(json.at("/choices/0/message/content").asText())
        .startsWith("[gemini-2.5-pro] Here is my take on \"review my plan\"")
        .contains("model gemini-2.5-pro answered");
  }

  @Test
  void a_stream_sends_one_word_per_chunk_then_finish_usage_and_done() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().reply("count", "one two three"));

    HttpResponse<String> response = chat(server, null, body("m", "count", true));

    assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
    List<String> data = response.body().lines().filter(line -> line.startsWith("data: "))
        .map(line -> line.substring(6)).toList();
    assertThat(data).hasSize(7).last().isEqualTo("[DONE]");
    assertThat(JSON.readTree(data.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    for (String event : data.subList(1, 4)) {
      text.append(JSON.readTree(event).at("/choices/0/delta/content").asText());
    }
    assertThat(text).hasToString("one two three");
    assertThat(JSON.readTree(data.get(4)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(JSON.readTree(data.get(5)).at("/usage/completion_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void the_model_list_names_the_configured_models_and_others_are_not_found() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().models("gpt-5", "o3"));

    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unknown = chat(server, null, body("gpt-9", "hi", false));

    assertThat(JSON.readTree(list.body()).findValuesAsText("id")).containsExactly("gpt-5", "o3");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void a_wrong_or_missing_key_gets_401() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().apiKey("right"));

    assertThat(chat(server, "wrong", body("m", "hi", false)).statusCode()).isEqualTo(401);
    assertThat(chat(server, null, body("m", "hi", false)).statusCode()).isEqualTo(401);
    assertThat(chat(server, "right", body("m", "hi", false)).statusCode()).isEqualTo(200);
  }

  @Test
  void faults_hit_the_next_requests_to_their_model_then_stop() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder());
    server.failNext(2, "flaky", Fault.serverError());
    server.failNext(1, Fault.rateLimited(Duration.ofMillis(1500)));

    HttpResponse<String> limited = chat(server, null, body("steady", "hi", false));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).contains("2");
    assertThat(limited.headers().firstValue("retry-after-ms")).contains("1500");
    assertThat(chat(server, null, body("flaky", "hi", false)).statusCode()).isEqualTo(500);
    assertThat(chat(server, null, body("flaky", "hi", false)).statusCode()).isEqualTo(500);
    assertThat(chat(server, null, body("flaky", "hi", false)).statusCode()).isEqualTo(200);
    assertThat(chat(server, null, body("steady", "hi", false)).statusCode()).isEqualTo(200);
  }

  @Test
  void a_connection_reset_fault_resets_the_connection() {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder());
    server.failNext(1, Fault.connectionReset());

    assertThatThrownBy(() -> chat(server, null, body("m", "hi", false))).isInstanceOf(IOException.class);
  }

  @Test
  void a_truncated_stream_ends_without_done_and_malformed_json_is_not_json() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().reply("go", "a b c d e f"));
    server.failNext(1, Fault.truncatedStream());
    server.failNext(1, Fault.malformedJson());

    String truncated = chat(server, null, body("m", "go", true)).body();
    String malformed = chat(server, null, body("m", "go", false)).body();

    assertThat(truncated).contains("\"content\":\"a \"").doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
    assertThatThrownBy(() -> JSON.readTree(malformed)).isInstanceOf(IOException.class);
  }

  @Test
  void latency_is_per_model_and_does_not_hold_up_other_requests() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().latency("slow", Duration.ofMillis(1000)));

    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
            body("slow", "hi", false))).build(), HttpResponse.BodyHandlers.ofString());
    chat(server, null, body("fast", "hi", false));
    boolean slowDoneWhenFastWas = slow.isDone();
    slow.join();
    long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(slowDoneWhenFastWas).isFalse();
    assertThat(slowMillis).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void concurrent_requests_and_connections_are_counted_with_their_peaks() {
    // A second of latency keeps all ten in flight together even on a busy machine.
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().latency(Duration.ofMillis(1000)));
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString(body("m", "hi " + i, false))).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

    assertThat(server.peakActiveRequests()).isEqualTo(10);
    assertThat(server.peakConnections()).isEqualTo(10);
    assertThat(server.activeRequests()).isZero();
    server.resetPeaks();
    assertThat(server.peakActiveRequests()).isZero();
  }

  @Test
  void a_client_that_hangs_up_on_a_hanging_request_is_recorded_as_an_abort() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder());
    server.failNext(1, Fault.hang());
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .timeout(Duration.ofMillis(200)).POST(HttpRequest.BodyPublishers.ofString(body("m", "hi", false))).build();

    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.http.HttpTimeoutException.class);

    assertThat(server.awaitAborts(1, Duration.ofSeconds(5))).isTrue();
    ClientAbort abort = server.aborts().get(0);
    assertThat(abort.phase()).isEqualTo(ClientAbort.Phase.WAITING);
    assertThat(abort.request().model()).isEqualTo("m");
    // The server dates receipt when the whole request has arrived, which a loaded machine can delay
    // by most of the client's 200 ms; what matters is that the abort came after it, while waiting.
    assertThat(abort.afterReceipt()).isPositive().isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void a_client_that_closes_a_stream_midway_is_recorded_as_a_streaming_abort() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().chunkInterval(Duration.ofMillis(100))
        .reply("long", "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20"));
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body("m", "long", true))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      byte[] first = body.readNBytes(100);
      assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("data: ");
    }

    assertThat(server.awaitAborts(1, Duration.ofSeconds(5))).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.STREAMING);
  }

  @Test
  void close_stops_the_server_and_frees_the_port() {
    FakeOpenAiServer server = FakeOpenAiServer.start();
    String url = server.baseUrl();

    server.close();

    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/models")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void an_error_in_a_200_answer_is_placed_where_the_fault_says() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().reply("go", "a b c d"));
    server.failNext(1, Fault.errorInAnswer(Fault.ErrorPlacement.FIRST_THEN_DONE, "rate_limit_exceeded", "slow down"));
    server.failNext(1, Fault.errorInAnswer(Fault.ErrorPlacement.NAMED_EVENT, "502", "upstream died"));
    server.failNext(1, Fault.errorInAnswer(Fault.ErrorPlacement.FINISH_REASON_ERROR, "server_error", "cut"));
    server.failNext(1, Fault.errorInAnswer(Fault.ErrorPlacement.FIRST_THEN_DONE, "invalid_api_key", "bad key"));

    HttpResponse<String> first = chat(server, null, body("m", "go", true));
    String named = chat(server, null, body("m", "go", true)).body();
    List<String> finish = dataLines(chat(server, null, body("m", "go", true)).body());
    HttpResponse<String> json = chat(server, null, body("m", "go", false));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(dataLines(first.body())).containsExactly(
        "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}", "[DONE]");
    assertThat(named).startsWith("event: error\ndata: {\"error\":{\"message\":\"upstream died\",\"code\":502}}");
    JsonNode last = JSON.readTree(finish.get(finish.size() - 2));
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(last.at("/error/message").asText()).isEqualTo("cut");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(json.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
  }

  @Test
  void empty_answers_come_in_each_shape() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().reply("go", "thinking hard"));
    for (Fault.EmptyAnswer shape : Fault.EmptyAnswer.values()) {
      server.failNext(1, Fault.emptyAnswer(shape));
    }

    JsonNode noChoices = JSON.readTree(chat(server, null, body("m", "go", false)).body());
    JsonNode emptyChoices = JSON.readTree(chat(server, null, body("m", "go", false)).body());
    JsonNode nullContent = JSON.readTree(chat(server, null, body("m", "go", false)).body());
    JsonNode toolCalls = JSON.readTree(chat(server, null, body("m", "go", false)).body());
    List<String> reasoning = dataLines(chat(server, null, body("m", "go", true)).body());

    assertThat(noChoices.has("choices")).isFalse();
    assertThat(emptyChoices.get("choices")).isEmpty();
    assertThat(nullContent.at("/choices/0/message/content").isNull()).isTrue();
    assertThat(toolCalls.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(toolCalls.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(reasoning).anySatisfy(event -> assertThat(event).contains("\"reasoning_content\":\"thinking \""))
        .noneSatisfy(event -> assertThat(event).contains("\"content\":\"thinking"));
  }

  @Test
  void plain_json_answers_a_stream_request_and_a_stream_may_end_without_done() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().reply("go", "a b c"));
    server.failNext(1, Fault.plainJson());
    server.failNext(1, Fault.withoutDone());

    HttpResponse<String> json = chat(server, null, body("m", "go", true));
    List<String> noDone = dataLines(chat(server, null, body("m", "go", true)).body());

    assertThat(json.headers().firstValue("content-type")).contains("application/json");
    assertThat(JSON.readTree(json.body()).at("/choices/0/message/content").asText()).isEqualTo("a b c");
    assertThat(noDone).doesNotContain("[DONE]");
    assertThat(JSON.readTree(noDone.get(noDone.size() - 1)).at("/usage/completion_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void redirects_and_html_pages_answer_with_their_status() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder());
    server.failNext(1, Fault.redirect(307, "http://localhost:1/v1/chat/completions"));
    server.failNext(1, Fault.htmlPage(200));

    HttpResponse<String> redirect = chat(server, null, body("m", "hi", false));
    HttpResponse<String> html = chat(server, null, body("m", "hi", true));

    assertThat(redirect.statusCode()).isEqualTo(307);
    assertThat(redirect.headers().firstValue("location")).contains("http://localhost:1/v1/chat/completions");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("text/html"));
    assertThat(html.body()).contains("<title>");
  }

  @Test
  void gzip_content_parts_and_keep_alive_comments_carry_the_usual_answer() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().reply("go", "a b c"));
    server.failNext(1, Fault.gzip());
    server.failNext(1, Fault.contentParts());
    server.failNext(1, Fault.keepAliveComments());

    HttpResponse<byte[]> gzip = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body("m", "go", true))).build(), HttpResponse.BodyHandlers.ofByteArray());
    String parts = chat(server, null, body("m", "go", true)).body();
    String comments = chat(server, null, body("m", "go", true)).body();

    assertThat(gzip.headers().firstValue("content-encoding")).contains("gzip");
    String inflated = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))
        .readAllBytes(), StandardCharsets.UTF_8);
    assertThat(dataLines(inflated)).last().isEqualTo("[DONE]");
    assertThat(parts).contains("\"content\":[{\"type\":\"text\",\"text\":\"a \"}]");
    assertThat(comments).startsWith(": keep-alive\n\ndata: ");
  }

  @Test
  void a_stall_sends_the_headers_and_then_nothing() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder());
    server.failNext(1, Fault.stallAfterHeaders());

    HttpResponse<InputStream> response = http.sendAsync(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body("m", "hi", true))).build(),
        HttpResponse.BodyHandlers.ofInputStream()).get(5, TimeUnit.SECONDS);
    CompletableFuture<Integer> firstByte = CompletableFuture.supplyAsync(() -> {
      try {
        return response.body().read();
      } catch (IOException e) {
        return -2;
      }
    });

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(firstByte).isNotDone();
    response.body().close();
    assertThat(server.awaitAborts(1, Duration.ofSeconds(5))).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.STREAMING);
  }

  @Test
  void idle_keep_alive_connections_are_closed_after_the_idle_timeout() throws Exception {
    FakeOpenAiServer server = started(FakeOpenAiServer.builder().idleTimeout(Duration.ofMillis(200)));
    chat(server, null, body("m", "hi", false));
    assertThat(server.openConnections()).isEqualTo(1);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(server.openConnections()).isZero();
    assertThat(chat(server, null, body("m", "again", false)).statusCode()).isEqualTo(200);
  }

  private static List<String> dataLines(String body) {
    return body.lines().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
  }

  @Test
  void the_builder_rejects_bad_settings_at_once() {
    assertThatThrownBy(() -> FakeOpenAiServer.builder().latency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeOpenAiServer.builder().apiKey(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeOpenAiServer.builder().reply("m", "(unclosed", "x"))
        .isInstanceOf(java.util.regex.PatternSyntaxException.class);
    assertThatThrownBy(() -> Fault.status(200, "ok", "not a fault")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.redirect(200, "/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.dripBytes(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeOpenAiServer.builder().idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
