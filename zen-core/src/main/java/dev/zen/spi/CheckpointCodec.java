package dev.zen.spi;

import dev.zen.CorruptCheckpointException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The binary form of a {@link Checkpoint} for stores that keep bytes: a versioned envelope
 * (magic, format version, content type, thread and node ids, creation time) around the state,
 * encoded with a type tag per value so that every {@link StateValues state value} reads back with
 * the same type. Decoding never runs code from the bytes (unlike Java serialization).
 *
 * <p>Format 1: {@code 'Z' 'C'}, version byte {@code 1}, then length-prefixed UTF-8 strings for
 * content type, thread id, checkpoint id, node id and next node id (length -1 for absent), the
 * creation time (epoch seconds, nanos), and the state value.
 */
public final class CheckpointCodec {
  /** The format version this class writes; it reads this version only. */
  public static final int FORMAT_VERSION = 1;
  /** The content type of the state part of format 1. */
  public static final String CONTENT_TYPE = "application/x-zen-state; v=1";

  private static final byte MAGIC_1 = 'Z';
  private static final byte MAGIC_2 = 'C';
  // The same bound StateValues enforces, so whatever encode accepts, decode reads back.
  private static final int MAX_DEPTH = StateValues.MAX_DEPTH;

  private static final byte T_NULL = 0;
  private static final byte T_FALSE = 1;
  private static final byte T_TRUE = 2;
  private static final byte T_INT = 3;
  private static final byte T_LONG = 4;
  private static final byte T_DOUBLE = 5;
  private static final byte T_FLOAT = 6;
  private static final byte T_STRING = 7;
  private static final byte T_LIST = 8;
  private static final byte T_MAP = 9;
  private static final byte T_SHORT = 10;
  private static final byte T_BYTE = 11;
  private static final byte T_BIG_INTEGER = 12;
  private static final byte T_BIG_DECIMAL = 13;

  private CheckpointCodec() {}

  /** Encodes a checkpoint into format {@value #FORMAT_VERSION}. */
  public static byte[] encode(Checkpoint checkpoint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MAGIC_1);
      out.writeByte(MAGIC_2);
      out.writeByte(FORMAT_VERSION);
      writeString(out, CONTENT_TYPE);
      writeString(out, checkpoint.threadId());
      writeString(out, checkpoint.id());
      writeString(out, checkpoint.nodeId());
      writeString(out, checkpoint.nextNodeId());
      out.writeLong(checkpoint.createdAt().getEpochSecond());
      out.writeInt(checkpoint.createdAt().getNano());
      writeValue(out, checkpoint.state());
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory encoding cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws CorruptCheckpointException when the bytes are truncated, damaged or of another format
   */
  public static Checkpoint decode(byte[] bytes) {
    // A null array is a caller's bug, not damaged data: fail as an invalid argument.
    Objects.requireNonNull(bytes, "bytes");
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      if (!startsWithMagic(bytes)) {
        throw new CorruptCheckpointException("not a Zen checkpoint (bad magic bytes, " + bytes.length + " bytes)", null);
      }
      in.readByte();
      in.readByte();
      int version = in.readUnsignedByte();
      if (version != FORMAT_VERSION) {
        throw new CorruptCheckpointException("checkpoint format version " + version
            + " is not supported by this Zen version (it reads version " + FORMAT_VERSION
            + "); upgrade Zen to read it", null);
      }
      String contentType = readString(in);
      if (!CONTENT_TYPE.equals(contentType)) {
        throw new CorruptCheckpointException("unsupported checkpoint content type '" + contentType + "'", null);
      }
      String threadId = require(readString(in), "thread id");
      String id = require(readString(in), "checkpoint id");
      String nodeId = readString(in);
      String nextNodeId = readString(in);
      Instant createdAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
      Object state = readValue(in, 0);
      if (!(state instanceof Map<?, ?>)) {
        throw new CorruptCheckpointException("checkpoint state is not a map", null);
      }
      if (in.read() != -1) {
        throw new CorruptCheckpointException("checkpoint has trailing bytes after its state", null);
      }
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> stateMap = (Map<String, @Nullable Object>) state;
      return new Checkpoint(threadId, id, nodeId, nextNodeId, stateMap, createdAt);
    } catch (CorruptCheckpointException e) {
      throw e;
    } catch (EOFException e) {
      throw new CorruptCheckpointException("checkpoint bytes are truncated (" + bytes.length + " bytes)", e);
    } catch (IOException | RuntimeException e) {
      throw new CorruptCheckpointException("checkpoint bytes cannot be decoded (" + bytes.length + " bytes): " + e, e);
    }
  }

  /** A prefix of the magic ({@code "Z"}, {@code "ZC"}) is a truncated checkpoint, not a foreign one. */
  private static boolean startsWithMagic(byte[] bytes) {
    return (bytes.length < 1 || bytes[0] == MAGIC_1) && (bytes.length < 2 || bytes[1] == MAGIC_2);
  }

  private static String require(@Nullable String value, String what) {
    if (value == null) {
      throw new CorruptCheckpointException("checkpoint has no " + what, null);
    }
    return value;
  }

  private static void writeString(DataOutputStream out, @Nullable String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static @Nullable String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new CorruptCheckpointException("checkpoint is truncated or damaged: string length " + length
          + " exceeds the " + in.available() + " remaining bytes", null);
    }
    byte[] utf8 = in.readNBytes(length);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static void writeValue(DataOutputStream out, @Nullable Object value) throws IOException {
    if (value == null) {
      out.writeByte(T_NULL);
    } else if (value instanceof String s) {
      out.writeByte(T_STRING);
      writeString(out, s);
    } else if (value instanceof Boolean b) {
      out.writeByte(b ? T_TRUE : T_FALSE);
    } else if (value instanceof Integer i) {
      out.writeByte(T_INT);
      out.writeInt(i);
    } else if (value instanceof Long l) {
      out.writeByte(T_LONG);
      out.writeLong(l);
    } else if (value instanceof Double d) {
      out.writeByte(T_DOUBLE);
      out.writeDouble(d);
    } else if (value instanceof Float f) {
      out.writeByte(T_FLOAT);
      out.writeFloat(f);
    } else if (value instanceof Short s) {
      out.writeByte(T_SHORT);
      out.writeShort(s);
    } else if (value instanceof Byte b) {
      out.writeByte(T_BYTE);
      out.writeByte(b);
    } else if (value instanceof BigInteger b) {
      out.writeByte(T_BIG_INTEGER);
      writeString(out, b.toString());
    } else if (value instanceof BigDecimal b) {
      out.writeByte(T_BIG_DECIMAL);
      writeString(out, b.toString());
    } else if (value instanceof Map<?, ?> map) {
      out.writeByte(T_MAP);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        writeString(out, (String) entry.getKey());
        writeValue(out, entry.getValue());
      }
    } else if (value instanceof List<?> list) {
      out.writeByte(T_LIST);
      out.writeInt(list.size());
      for (Object element : list) {
        writeValue(out, element);
      }
    } else {
      // Checkpoint's constructor froze the state, so this means a bug, not bad input.
      throw new IllegalStateException("not a state value: " + value.getClass().getName());
    }
  }

  private static @Nullable Object readValue(DataInputStream in, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new CorruptCheckpointException("checkpoint state nests deeper than " + MAX_DEPTH + " levels", null);
    }
    byte tag = in.readByte();
    switch (tag) {
      case T_NULL:
        return null;
      case T_FALSE:
        return Boolean.FALSE;
      case T_TRUE:
        return Boolean.TRUE;
      case T_INT:
        return in.readInt();
      case T_LONG:
        return in.readLong();
      case T_DOUBLE:
        return in.readDouble();
      case T_FLOAT:
        return in.readFloat();
      case T_SHORT:
        return in.readShort();
      case T_BYTE:
        return in.readByte();
      case T_STRING:
        return require(readString(in), "string value");
      case T_BIG_INTEGER:
        return new BigInteger(require(readString(in), "number"));
      case T_BIG_DECIMAL:
        return new BigDecimal(require(readString(in), "number"));
      case T_MAP: {
        int size = readSize(in);
        Map<String, @Nullable Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
        for (int i = 0; i < size; i++) {
          String key = require(readString(in), "map key");
          map.put(key, readValue(in, depth + 1));
        }
        return map;
      }
      case T_LIST: {
        int size = readSize(in);
        List<@Nullable Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          list.add(readValue(in, depth + 1));
        }
        return list;
      }
      default:
        throw new CorruptCheckpointException("unknown value tag " + tag + " in checkpoint state", null);
    }
  }

  private static int readSize(InputStream in) throws IOException {
    int size = ((DataInputStream) in).readInt();
    // Every element takes at least one byte, so a larger count is damage, not a big container.
    if (size < 0 || size > in.available()) {
      throw new CorruptCheckpointException("checkpoint is truncated or damaged: container size " + size
          + " exceeds the " + in.available() + " remaining bytes", null);
    }
    return size;
  }
}
