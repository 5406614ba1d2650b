package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ContentDecoderTest {
  private static final String TEXT = "data: {\"choices\":[{\"delta\":{\"content\":\"héllo wörld\"}}]}\n\n".repeat(50);

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    }
    return out.toByteArray();
  }

  private static String decodeInTwo(ContentDecoder decoder, byte[] body, int split) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(body, 0, split))));
    out.write(decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(body, split, body.length))));
    decoder.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void gzip_is_inflated_whatever_the_pieces_it_arrives_in() throws IOException {
    byte[] body = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
    for (int split = 0; split <= body.length; split++) {
      assertThat(decodeInTwo(ContentDecoder.forEncoding("gzip"), body, split)).isEqualTo(TEXT);
    }
  }

  @Test
  void concatenated_gzip_members_and_deflate_are_inflated_too() throws IOException {
    byte[] first = gzip("one ".getBytes(StandardCharsets.UTF_8));
    byte[] second = gzip("two".getBytes(StandardCharsets.UTF_8));
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    ByteArrayOutputStream zlib = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(zlib, new Deflater())) {
      deflate.write(TEXT.getBytes(StandardCharsets.UTF_8));
    }

    assertThat(decodeInTwo(ContentDecoder.forEncoding("x-gzip"), both, 7)).isEqualTo("one two");
    assertThat(decodeInTwo(ContentDecoder.forEncoding("deflate"), zlib.toByteArray(), 5)).isEqualTo(TEXT);
  }

  @Test
  void a_cut_or_unknown_encoding_is_an_error() throws IOException {
    byte[] body = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
    ContentDecoder decoder = ContentDecoder.forEncoding("gzip");
    decoder.decode(ByteBuffer.wrap(Arrays.copyOf(body, body.length / 2)));

    assertThatThrownBy(decoder::finish).isInstanceOf(IOException.class).hasMessageContaining("ended before");
    assertThatThrownBy(() -> ContentDecoder.forEncoding("br")).isInstanceOf(IOException.class)
        .hasMessageContaining("br");
    assertThat(decodeInTwo(ContentDecoder.forEncoding(null), "plain".getBytes(StandardCharsets.UTF_8), 2))
        .isEqualTo("plain");
  }
}
