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
 * The Lua scripts of the store. Each runs atomically on the node owning its keys' slot. A thread's
 * scripts get {@code KEYS[1]} index, {@code KEYS[2]} bodies, {@code KEYS[3]} metadata (and
 * {@code KEYS[4]} its lease for a put) of one thread, which share a slot (see {@link KeyLayout});
 * the thread-index scripts get the index key alone. Scripts check the types of their keys before
 * they write anything. Scripts are called by SHA ({@code EVALSHA}); a node that does not know
 * the script (after a restart or failover) answers {@code NOSCRIPT}, and the call is repeated once
 * with {@code EVAL}, which also loads it.
 */
final class Scripts {

  /**
   * Fails the script, before it writes anything, when a key holds another type than the store
   * keeps there: {@code ZENWRONGTYPE <key> <found> <expected>}, which the store reports as damage
   * rather than as Redis being unavailable.
   */
  private static final String EXPECT = """
      local function expect(key, want)
        local found = redis.call('TYPE', key)['ok']
        if found ~= 'none' and found ~= want then
          return redis.error_reply('ZENWRONGTYPE ' .. key .. ' ' .. found .. ' ' .. want)
        end
        return nil
      end
      local function expectThread()
        return expect(KEYS[1], 'zset') or expect(KEYS[2], 'hash') or expect(KEYS[3], 'hash')
      end
      """;

  /**
   * Refreshes the thread's TTL when less than half of it remains (or it has none); returns the new
   * expiry (ms) when it did, so the caller moves the thread's index entry along, else false.
   */
  private static final String REFRESH = EXPECT + """
      local function refresh(ttl, now)
        if ttl > 0 then
          local left = redis.call('PTTL', KEYS[1])
          if left == -1 or (left >= 0 and left < ttl / 2) then
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            redis.call('PEXPIRE', KEYS[3], ttl)
            return now + ttl
          end
        end
        return false
      end
      """;

  /**
   * Puts a checkpoint. KEYS[4] is the thread's lease. ARGV: id, body, max count, max bytes, ttl ms,
   * now ms, lease holder ('' for an unfenced put). With a holder, nothing is written unless the
   * lease is the holder's. A known id is replaced in place (same sequence number, so a replayed put
   * changes nothing); a new one gets the next sequence number. Then the oldest checkpoints are
   * trimmed until count and bytes fit, never the newest. Returns {1 if written else 0, the
   * thread's expiry (ms, or 'inf') when its thread-index entry must move to it, else false}: an
   * entry moves when it is new or the thread gained more than half a TTL since it last moved.
   */
  static final Script PUT = new Script("put", EXPECT + """
      local idx, body, meta, lease = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
      local id, data = ARGV[1], ARGV[2]
      local maxCount, maxBytes, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
      local now, holder = tonumber(ARGV[6]), ARGV[7]
      local wrong = expectThread() or expect(lease, 'string')
      if wrong then return wrong end
      if holder ~= '' and redis.call('GET', lease) ~= holder then return {0, false} end
      local m = redis.call('HMGET', meta, 'bytes', 'indexed_until')
      local bytes = tonumber(m[1] or '0')
      if redis.call('ZSCORE', idx, id) then
        bytes = bytes - redis.call('HSTRLEN', body, id)
      else
        local seq = redis.call('HINCRBY', meta, 'seq', 1)
        redis.call('ZADD', idx, seq, id)
      end
      redis.call('HSET', body, id, data)
      bytes = bytes + string.len(data)
      local count = redis.call('ZCARD', idx)
      while count > 1 and (count > maxCount or bytes > maxBytes) do
        local oldest = redis.call('ZRANGE', idx, 0, 0)[1]
        bytes = bytes - redis.call('HSTRLEN', body, oldest)
        redis.call('HDEL', body, oldest)
        redis.call('ZREM', idx, oldest)
        count = count - 1
      end
      redis.call('HSET', meta, 'bytes', bytes, 'updated', ARGV[6])
      local reindex = false
      if ttl > 0 then
        redis.call('PEXPIRE', idx, ttl)
        redis.call('PEXPIRE', body, ttl)
        redis.call('PEXPIRE', meta, ttl)
        if now + ttl - tonumber(m[2] or '0') > ttl / 2 then reindex = now + ttl end
      else
        redis.call('PERSIST', idx)
        redis.call('PERSIST', body)
        redis.call('PERSIST', meta)
        if m[2] ~= 'inf' then reindex = 'inf' end
      end
      return {1, reindex}
      """);

  /**
   * Takes or renews a thread's lease (KEYS[1]) for a holder. ARGV: holder, ttl ms. Returns 1 when
   * the holder has the lease now, 0 while another holder's lease stands.
   */
  static final Script LEASE = new Script("lease", EXPECT + """
      local wrong = expect(KEYS[1], 'string')
      if wrong then return wrong end
      local current = redis.call('GET', KEYS[1])
      if not current then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
      end
      if current == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      return 0
      """);

  /** Deletes a thread's lease (KEYS[1]) if the holder ARGV[1] still has it. Returns 1 if deleted. */
  static final Script RELEASE = new Script("release", EXPECT + """
      local wrong = expect(KEYS[1], 'string')
      if wrong then return wrong end
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """);

  /**
   * Moves one thread's entry in the thread index (KEYS[1]) to the thread's expiry and drops the
   * entries of threads that have surely expired. ARGV: thread id, expiry (ms or 'inf'), prune
   * before (ms: entries scored below it lag their thread by more than the half TTL an entry may
   * lag, so their threads are gone), the index key's own TTL in ms (0: none; it only ever grows, to
   * outlive the entries' threads by at most half a TTL). So the index never outlives the threads it
   * lists by long, whether or not anyone calls threads(). Returns how many were pruned.
   */
  static final Script INDEX = new Script("index", EXPECT + """
      local wrong = expect(KEYS[1], 'zset')
      if wrong then return wrong end
      redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
      local pruned = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
      local ttl = tonumber(ARGV[4])
      if ttl > 0 then
        if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
      else
        redis.call('PERSIST', KEYS[1])
      end
      return pruned
      """);

  /**
   * Records in a thread's metadata the expiry its index entry now carries (ARGV[1], ms or 'inf'),
   * if the thread still exists. Returns 1 if recorded.
   */
  static final Script MARK_INDEXED = new Script("mark-indexed", """
      if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
      redis.call('HSET', KEYS[3], 'indexed_until', ARGV[1])
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

  /** {reindex, the newest checkpoint's body or nil}. ARGV: ttl ms, now ms. */
  static final Script LATEST = new Script("latest", REFRESH + """
      local wrong = expectThread()
      if wrong then return wrong end
      local id = redis.call('ZRANGE', KEYS[1], -1, -1)[1]
      if not id then return {false, false} end
      local data = redis.call('HGET', KEYS[2], id)
      return {refresh(tonumber(ARGV[1]), tonumber(ARGV[2])), data}
      """);

  /** {reindex, one checkpoint's body or nil}. ARGV: ttl ms, now ms, id. */
  static final Script GET = new Script("get", REFRESH + """
      local wrong = expectThread()
      if wrong then return wrong end
      local data = redis.call('HGET', KEYS[2], ARGV[3])
      if not data then return {false, false} end
      return {refresh(tonumber(ARGV[1]), tonumber(ARGV[2])), data}
      """);

  /**
   * {reindex, then up to ARGV[3] bodies, newest first}. ARGV: ttl ms, now ms, limit. An index entry
   * without a body (which the atomic scripts never leave) is returned as an empty string so the
   * caller can report it.
   */
  static final Script HISTORY = new Script("history", REFRESH + """
      local wrong = expectThread()
      if wrong then return wrong end
      local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1, 'REV')
      local out = {false}
      local i = 1
      while i <= #ids do
        local last = math.min(i + 499, #ids)
        local bodies = redis.call('HMGET', KEYS[2], unpack(ids, i, last))
        for j = 1, #bodies do
          out[#out + 1] = bodies[j] or ''
        end
        i = last + 1
      end
      if #ids > 0 then out[1] = refresh(tonumber(ARGV[1]), tonumber(ARGV[2])) end
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
