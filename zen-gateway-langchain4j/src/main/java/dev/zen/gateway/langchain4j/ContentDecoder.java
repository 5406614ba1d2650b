package dev.zen.gateway.langchain4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Undoes a {@code Content-Encoding} piece by piece, as the body arrives. The JDK client never asks
 * for compression and never decodes it, but some gateways and proxies gzip answers anyway; a
 * stream must still be read as it comes, so this inflates incrementally rather than waiting for
 * the whole body.
 */
abstract class ContentDecoder {
  /** A decoder for {@code encoding} (identity, gzip, x-gzip, deflate). */
  static ContentDecoder forEncoding(@Nullable String encoding) throws IOException {
    String name = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "", "identity" -> new Identity();
      case "gzip", "x-gzip" -> new Gzip();
      case "deflate" -> new Deflate();
      default -> throw new IOException("the answer came with Content-Encoding " + encoding
          + ", which Zen cannot decode (it never asks for one)");
    };
  }

  /** The decoded bytes of the next piece of the body. */
  abstract byte[] decode(ByteBuffer piece) throws IOException;

  /** Checks that the body ended where its encoding ends; frees what the decoder holds. */
  abstract void finish() throws IOException;

  /** Frees what the decoder holds (an {@link Inflater}'s native memory); idempotent. */
  void close() {}

  private static byte[] bytes(ByteBuffer piece) {
    byte[] bytes = new byte[piece.remaining()];
    piece.get(bytes);
    return bytes;
  }

  private static final class Identity extends ContentDecoder {
    @Override
    byte[] decode(ByteBuffer piece) {
      return bytes(piece);
    }

    @Override
    void finish() {}
  }

  /** Inflates with {@code inflater} until it needs more input or its stream ends. */
  private abstract static class Inflating extends ContentDecoder {
    Inflater inflater;
    private final byte[] buffer = new byte[16 * 1024];

    Inflating(boolean raw) {
      this.inflater = new Inflater(raw);
    }

    byte[] inflate(byte[] input, int offset, int length) throws IOException {
      inflater.setInput(input, offset, length);
      byte[] out = new byte[0];
      try {
        while (!inflater.finished()) {
          int n = inflater.inflate(buffer);
          if (n == 0) {
            if (inflater.needsInput() || inflater.needsDictionary()) {
              break;
            }
            continue;
          }
          out = Arrays.copyOf(out, out.length + n);
          System.arraycopy(buffer, 0, out, out.length - n, n);
        }
      } catch (DataFormatException e) {
        throw new IOException("the compressed answer is corrupt: " + e.getMessage(), e);
      }
      return out;
    }

    @Override
    void close() {
      inflater.end();
    }
  }

  private static final class Deflate extends Inflating {
    Deflate() {
      super(false);
    }

    @Override
    byte[] decode(ByteBuffer piece) throws IOException {
      byte[] input = bytes(piece);
      return inflate(input, 0, input.length);
    }

    @Override
    void finish() throws IOException {
      boolean complete = inflater.finished();
      close();
      if (!complete) {
        throw new IOException("the deflate-compressed answer ended before its compressed stream did");
      }
    }
  }

  /**
   * gzip (RFC 1952): a header of 10 bytes and optional fields, raw deflate data, an 8-byte
   * trailer; members may follow one another.
   */
  private static final class Gzip extends Inflating {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private enum State { HEADER, BODY, TRAILER }

    private State state = State.HEADER;
    private byte[] pending = new byte[0];
    private int trailerLeft;

    Gzip() {
      super(true);
    }

    @Override
    byte[] decode(ByteBuffer piece) throws IOException {
      byte[] input = bytes(piece);
      if (pending.length > 0) {
        byte[] joined = Arrays.copyOf(pending, pending.length + input.length);
        System.arraycopy(input, 0, joined, pending.length, input.length);
        input = joined;
        pending = new byte[0];
      }
      byte[] out = new byte[0];
      int at = 0;
      while (at < input.length) {
        switch (state) {
          case HEADER -> {
            int length = headerLength(input, at);
            if (length < 0) {
              pending = Arrays.copyOfRange(input, at, input.length);
              return out;
            }
            at += length;
            state = State.BODY;
          }
          case BODY -> {
            byte[] inflated = inflate(input, at, input.length - at);
            out = concat(out, inflated);
            if (inflater.finished()) {
              at = input.length - inflater.getRemaining();
              inflater.reset();
              state = State.TRAILER;
              trailerLeft = 8;
            } else {
              at = input.length;
            }
          }
          case TRAILER -> {
            int skip = Math.min(trailerLeft, input.length - at);
            at += skip;
            trailerLeft -= skip;
            if (trailerLeft == 0) {
              state = State.HEADER;
            }
          }
          default -> throw new IllegalStateException(state.name());
        }
      }
      return out;
    }

    /** The header's length if all of it is in {@code input} from {@code at}, else -1. */
    private static int headerLength(byte[] input, int at) throws IOException {
      int available = input.length - at;
      if (available < 10) {
        return -1;
      }
      if ((input[at] & 0xff) != 0x1f || (input[at + 1] & 0xff) != 0x8b || input[at + 2] != 8) {
        throw new IOException("the answer says Content-Encoding gzip but is not gzip data");
      }
      int flags = input[at + 3] & 0xff;
      int length = 10;
      if ((flags & FEXTRA) != 0) {
        if (available < length + 2) {
          return -1;
        }
        length += 2 + ((input[at + length] & 0xff) | (input[at + length + 1] & 0xff) << 8);
      }
      for (int flag : new int[] {FNAME, FCOMMENT}) {
        if ((flags & flag) != 0) {
          do {
            if (length >= available) {
              return -1;
            }
          } while (input[at + length++] != 0);
        }
      }
      if ((flags & FHCRC) != 0) {
        length += 2;
      }
      return length <= available ? length : -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
      if (a.length == 0) {
        return b;
      }
      byte[] joined = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, joined, a.length, b.length);
      return joined;
    }

    @Override
    void finish() throws IOException {
      boolean complete = state == State.HEADER && pending.length == 0;
      close();
      if (!complete) {
        throw new IOException("the gzip-compressed answer ended before its compressed stream did");
      }
    }
  }
}
