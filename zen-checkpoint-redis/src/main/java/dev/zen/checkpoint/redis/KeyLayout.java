package dev.zen.checkpoint.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Where a thread's data lives. Every key of one thread carries the same hash tag, the encoded
 * thread id in braces, so Redis Cluster puts them in one slot and a Lua script may touch them all:
 *
 * <pre>
 *   {prefix}:{enc}:idx    ZSET   checkpoint id -> per-thread sequence number (put order)
 *   {prefix}:{enc}:body   HASH   checkpoint id -> encoded checkpoint (CheckpointCodec)
 *   {prefix}:{enc}:meta   HASH   seq (last sequence number), bytes (sum of bodies), updated (ms),
 *                                indexed_until (the expiry its thread-index entry carries)
 *   {prefix}:{enc}:lease  STRING the holder of the thread's write lease, expiring with the lease
 *   {prefix}:threads      ZSET   thread id -> the thread's expiry (ms, +inf without TTL), at most
 *                                half a TTL behind it; best effort, own slot, expires too
 * </pre>
 *
 * <p>{@code enc} percent-encodes the thread id's UTF-8 bytes except {@code A-Z a-z 0-9 - . _ ~},
 * so it never contains {@code {}, {@code }} or {@code :} and two thread ids never share keys.
 */
final class KeyLayout {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String prefix;

  KeyLayout(String prefix) {
    this.prefix = prefix;
  }

  /** The three keys of a thread, in the order the scripts expect: index, bodies, metadata. */
  byte[][] threadKeys(String threadId) {
    String base = prefix + ":{" + encode(threadId) + "}:";
    return new byte[][] {utf8(base + "idx"), utf8(base + "body"), utf8(base + "meta")};
  }

  /** The thread's keys followed by its lease key, for a put (same slot). */
  byte[][] putKeys(String threadId) {
    byte[][] keys = threadKeys(threadId);
    return new byte[][] {keys[0], keys[1], keys[2], leaseKey(threadId)};
  }

  /** The key of the thread's write lease. Not one of {@link #threadKeys}: deleting a thread leaves a lease alone. */
  byte[] leaseKey(String threadId) {
    return utf8(prefix + ":{" + encode(threadId) + "}:lease");
  }

  byte[] threadIndexKey() {
    return utf8(prefix + ":threads");
  }

  /** A SCAN pattern matching the index key of every thread under this prefix. */
  String indexKeyPattern() {
    // The prefix holds no glob characters (see RedisCheckpointStoreOptions.keyPrefix).
    return prefix + ":{*}:idx";
  }

  /** The thread id of an index key found by {@link #indexKeyPattern()}, or null if it is not one. */
  @Nullable String threadIdOfIndexKey(String key) {
    String head = prefix + ":{";
    String tail = "}:idx";
    if (!key.startsWith(head) || !key.endsWith(tail) || key.length() < head.length() + tail.length()) {
      return null;
    }
    return decode(key.substring(head.length(), key.length() - tail.length()));
  }

  static String encode(String threadId) {
    byte[] bytes = threadId.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /** The inverse of {@link #encode}; null when {@code encoded} is not an encoding. */
  static @Nullable String decode(String encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          return null;
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return null;
      }
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
