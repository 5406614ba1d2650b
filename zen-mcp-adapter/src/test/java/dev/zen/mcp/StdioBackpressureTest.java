package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 15: a client that stops reading stdout. The server must stop reading stdin
 * rather than queue answers without bound, and must not drop a single answer: once the client
 * reads again, every request is answered.
 */
class StdioBackpressureTest {
  private static final int MAX_OUTSTANDING = 64;
  private static final int CALLS = 3_000;

  private final ScriptedHost host = new ScriptedHost();
  private McpStdioServer server;
  private OutputStream toServer;
  private InputStream fromServer;

  @BeforeEach
  void start() throws IOException {
    Pipe in = Pipe.open();
    Pipe out = Pipe.open();
    server = McpStdioServer.start(host, new ServerIdentity("zen", "Zen", "test"), Channels.newInputStream(in.source()),
        Channels.newOutputStream(out.sink()), MAX_OUTSTANDING);
    toServer = Channels.newOutputStream(in.sink());
    fromServer = Channels.newInputStream(out.source());
  }

  @AfterEach
  void stop() throws IOException {
    toServer.close();
    server.close();
  }

  @Test
  void a_client_that_stops_reading_stops_being_read_and_gets_every_answer_once_it_reads_again() throws Exception {
    String text = "x".repeat(2_000);
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
      write("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
          + "\"capabilities\":{},\"clientInfo\":{\"name\":\"slow\",\"version\":\"1\"}}}");
      write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      for (int id = 1; id <= CALLS; id++) {
        write("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\"" + text + "\"}}}");
      }
    });
    StdioTransport transport = server.transport();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!transport.paused() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(transport.paused()).as("the reader paused while nobody reads stdout").isTrue();
    int most = 0;
    for (int i = 0; i < 100; i++) {
      most = Math.max(most, transport.outstanding());
      Thread.sleep(10);
    }
    assertThat(most).as("requests and queued answers stay bounded").isLessThanOrEqualTo(2 * MAX_OUTSTANDING);
    assertThat(writing).as("the client's writes block: the server stopped reading").isNotDone();

    Set<Integer> answered = new HashSet<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
      while (answered.size() < CALLS + 1) {
        String line = lines.readLine();
        assertThat(line).as("stdout ended after " + answered.size() + " answers").isNotNull();
        JsonNode message = RawClient.JSON.readTree(line);
        if (message.has("id")) {
          assertThat(message.has("result")).as(line.length() > 300 ? line.substring(0, 300) : line).isTrue();
          assertThat(answered.add(message.get("id").asInt())).as("answered once").isTrue();
        }
      }
    }
    writing.get(30, TimeUnit.SECONDS);
    assertThat(answered).hasSize(CALLS + 1);
  }

  private void write(String line) {
    try {
      toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
