package dev.zen.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Continuation ids: UUIDs (RFC 9562 version 8, as clients of the Python server expect a UUID)
 * whose first 32 bits are a tag of the conversation's owner and whose other 90 free bits are
 * random. Listing an owner's conversations then reads only the threads with their tag instead of
 * every thread in a store many users share; the owner check on the thread's own metadata stays
 * the rule (two owners may share a tag). Ids in any other form (version 4, from before) cannot be
 * ruled out by their id and are read as before.
 *
 * <p>The tag is a hash of the principal's name: whoever sees two ids can tell whether one owner
 * started both, nothing more; the random part keeps an id unguessable.
 */
final class ConversationIds {
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  /** The tag of calls without a principal (every stdio call): hashed once, not on every call. */
  private static final int NO_PRINCIPAL_TAG = hash(null);

  private ConversationIds() {}

  /** A new conversation's id, tagged with {@code owner} (null: started without a principal). */
  static String newId(@Nullable String owner) {
    UUID random = UUID.randomUUID();
    long high = ((long) tag(owner) << 32) | (random.getMostSignificantBits() & 0xFFFF_0FFFL) | 0x8000L;
    // The low half keeps version 4's IETF variant bits (10xx), which version 8 shares.
    return new UUID(high, random.getLeastSignificantBits()).toString();
  }

  /** False only when {@code threadId} is a tagged id whose tag is not {@code owner}'s. */
  static boolean mayBelongTo(String threadId, @Nullable String owner) {
    return mayBelongTo(owner).test(threadId);
  }

  /** {@link #mayBelongTo(String, String)} for many ids: the owner's tag is hashed once. */
  static Predicate<String> mayBelongTo(@Nullable String owner) {
    int ownerTag = tag(owner);
    return threadId -> !CANONICAL.matcher(threadId).matches()
        || (int) (UUID.fromString(threadId).getMostSignificantBits() >>> 32) == ownerTag;
  }

  static int tag(@Nullable String owner) {
    return owner == null ? NO_PRINCIPAL_TAG : hash(owner);
  }

  private static int hash(@Nullable String owner) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // Null and every name hash apart: "no principal" is not the principal named "".
      byte[] hash = sha.digest((owner == null ? "\u0000no principal" : "principal:" + owner)
          .getBytes(StandardCharsets.UTF_8));
      return ((hash[0] & 0xFF) << 24) | ((hash[1] & 0xFF) << 16) | ((hash[2] & 0xFF) << 8) | (hash[3] & 0xFF);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
