package dev.zen.checkpoint.redis;

import dev.zen.internal.Futures;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * The Lua scripts of the store. Each runs atomically on the node owning the thread's slot; its keys
 * are always {@code KEYS[1]} index, {@code KEYS[2]} bodies, {@code KEYS[3]} metadata of one thread
 * (see {@link KeyLayout}). Scripts are called by SHA ({@code EVALSHA}); a node that does not know
 * the script (after a restart or failover) answers {@code NOSCRIPT}, and the call is repeated once
 * with {@code EVAL}, which also loads it.
 */
final class Scripts {

  /** Refreshes the thread's TTL when less than half of it remains (or it has none); ARGV[1] = ttl ms. */
  private static final String REFRESH = """
      local function refresh(ttl)
        if ttl > 0 then
          local left = redis.call('PTTL', KEYS[1])
          if left == -1 or (left >= 0 and left < ttl / 2) then
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            redis.call('PEXPIRE', KEYS[3], ttl)
          end
        end
      end
      """;

  /**
   * Puts a checkpoint. ARGV: id, body, max count, max bytes, ttl ms, now ms. A known id is replaced
   * in place (same sequence number, so a replayed put changes nothing); a new one gets the next
   * sequence number. Then the oldest checkpoints are trimmed until count and bytes fit, never the
   * newest. Returns {1 if the thread is not yet marked as in the thread index else 0, trimmed count}.
   */
  static final Script PUT = new Script("put", """
      local idx, body, meta = KEYS[1], KEYS[2], KEYS[3]
      local id, data = ARGV[1], ARGV[2]
      local maxCount, maxBytes, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
      local m = redis.call('HMGET', meta, 'bytes', 'indexed')
      local bytes = tonumber(m[1] or '0')
      local unindexed = 0
      if not m[2] then unindexed = 1 end
      if redis.call('ZSCORE', idx, id) then
        bytes = bytes - redis.call('HSTRLEN', body, id)
      else
        local seq = redis.call('HINCRBY', meta, 'seq', 1)
        redis.call('ZADD', idx, seq, id)
      end
      redis.call('HSET', body, id, data)
      bytes = bytes + string.len(data)
      local count = redis.call('ZCARD', idx)
      local trimmed = 0
      while count > 1 and (count > maxCount or bytes > maxBytes) do
        local oldest = redis.call('ZRANGE', idx, 0, 0)[1]
        bytes = bytes - redis.call('HSTRLEN', body, oldest)
        redis.call('HDEL', body, oldest)
        redis.call('ZREM', idx, oldest)
        count = count - 1
        trimmed = trimmed + 1
      end
      redis.call('HSET', meta, 'bytes', bytes, 'updated', ARGV[6])
      if ttl > 0 then
        redis.call('PEXPIRE', idx, ttl)
        redis.call('PEXPIRE', body, ttl)
        redis.call('PEXPIRE', meta, ttl)
      else
        redis.call('PERSIST', idx)
        redis.call('PERSIST', body)
        redis.call('PERSIST', meta)
      end
      return {unindexed, trimmed}
      """);

  /** Marks a thread as listed in the thread index, if it still exists. Returns 1 if marked. */
  static final Script MARK_INDEXED = new Script("mark-indexed", """
      if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
      redis.call('HSET', KEYS[3], 'indexed', '1')
      return 1
      """);

  /**
   * Removes thread-index entries (KEYS[1]) whose score is still the one observed. ARGV: member,
   * score, member, score... Returns how many were removed.
   */
  static final Script PRUNE_INDEX = new Script("prune-index", """
      local removed = 0
      for i = 1, #ARGV, 2 do
        local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
        if score and tonumber(score) == tonumber(ARGV[i + 1]) then
          removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
        end
      end
      return removed
      """);

  /** The newest checkpoint's body, or nil. ARGV: ttl ms. */
  static final Script LATEST = new Script("latest", REFRESH + """
      local id = redis.call('ZRANGE', KEYS[1], -1, -1)[1]
      if not id then return false end
      local data = redis.call('HGET', KEYS[2], id)
      refresh(tonumber(ARGV[1]))
      return data
      """);

  /** One checkpoint's body, or nil. ARGV: ttl ms, id. */
  static final Script GET = new Script("get", REFRESH + """
      local data = redis.call('HGET', KEYS[2], ARGV[2])
      if data then refresh(tonumber(ARGV[1])) end
      return data
      """);

  /**
   * Up to ARGV[2] bodies, newest first. ARGV: ttl ms, limit. An index entry without a body (which
   * the atomic scripts never leave) is returned as an empty string so the caller can report it.
   */
  static final Script HISTORY = new Script("history", REFRESH + """
      local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1, 'REV')
      local out = {}
      local i = 1
      while i <= #ids do
        local last = math.min(i + 499, #ids)
        local bodies = redis.call('HMGET', KEYS[2], unpack(ids, i, last))
        for j = 1, #bodies do
          out[#out + 1] = bodies[j] or ''
        end
        i = last + 1
      end
      if #ids > 0 then refresh(tonumber(ARGV[1])) end
      return out
      """);

  private Scripts() {}

  /** Runs {@code script} by SHA, falling back to EVAL once on NOSCRIPT. */
  static <T> CompletableFuture<T> run(RedisClusterAsyncCommands<byte[], byte[]> commands, Script script,
      ScriptOutputType type, byte[][] keys, byte[]... args) {
    CompletableFuture<T> bySha = commands.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture();
    return bySha.handle((value, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(value);
      }
      if (Futures.unwrap(failure) instanceof RedisNoScriptException) {
        return commands.<T>eval(script.source(), type, keys, args).toCompletableFuture();
      }
      return CompletableFuture.<T>failedFuture(Futures.unwrap(failure));
    }).thenCompose(next -> next);
  }

  /** A script's source and SHA-1 digest. */
  record Script(String name, byte[] source, String sha) {
    Script(String name, String source) {
      this(name, source.getBytes(StandardCharsets.UTF_8), sha1(source));
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-1", e);
      }
    }
  }
}
