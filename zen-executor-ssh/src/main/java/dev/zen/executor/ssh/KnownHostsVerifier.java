package dev.zen.executor.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strict host-key checking: a pinned fingerprint for the host if there is one, else the
 * known_hosts file (plain and hashed host patterns, {@code [host]:port}, {@code @revoked}); anything
 * else is refused and the reason kept for the connect error. The file is read per connection, so
 * an entry added while the executor runs counts at once.
 */
final class KnownHostsVerifier implements ServerKeyVerifier {
  private static final Logger log = LoggerFactory.getLogger(KnownHostsVerifier.class);

  /** The target a connection is for (set in the connect context). */
  static final AttributeKey<SshTarget> TARGET = new AttributeKey<>();
  /** Where the verifier leaves its refusal for the connect error. */
  static final AttributeKey<AtomicReference<HostKeyRejectedException>> REJECTION = new AttributeKey<>();

  private final Path knownHosts;
  private final Map<String, String> pinned;

  KnownHostsVerifier(Path knownHosts, Map<String, String> pinned) {
    this.knownHosts = knownHosts;
    this.pinned = pinned;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    AttributeRepository context = session.getConnectionContext();
    SshTarget target = context == null ? null : context.getAttribute(TARGET);
    if (target == null) {
      log.warn("refusing the host key of {}: the connection has no target", remoteAddress);
      return false;
    }
    HostKeyRejectedException rejection = check(target, serverKey);
    if (rejection == null) {
      return true;
    }
    AtomicReference<HostKeyRejectedException> holder = context.getAttribute(REJECTION);
    if (holder != null) {
      holder.set(rejection);
    }
    log.warn(rejection.getMessage());
    return false;
  }

  /** Null when the key is accepted for the target. */
  @Nullable HostKeyRejectedException check(SshTarget target, PublicKey offered) {
    String fingerprint = KeyUtils.getFingerPrint(offered);
    String keyType = KeyUtils.getKeyType(offered);
    String name = target.knownHostsName();
    String pin = pinned.get((target.host() + ":" + target.port()).toLowerCase(Locale.ROOT));
    if (pin == null) {
      pin = pinned.get(target.host().toLowerCase(Locale.ROOT));
    }
    if (pin != null) {
      if (pin.equals(fingerprint)) {
        return null;
      }
      return new HostKeyRejectedException("host key of " + name + " does not match its pinned fingerprint: the server "
          + "offered " + keyType + " " + fingerprint + ", pinned " + pin + ". This may be a man-in-the-middle attack; "
          + "if the host's key changed legitimately, pin the new fingerprint", name, fingerprint,
          HostKeyRejectedException.Reason.CHANGED);
    }
    List<KnownHostEntry> entries;
    try {
      entries = Files.exists(knownHosts) ? KnownHostEntry.readKnownHostEntries(knownHosts) : List.of();
    } catch (NoSuchFileException e) {
      entries = List.of();
    } catch (IOException | RuntimeException e) {
      return new HostKeyRejectedException("cannot check the host key of " + name + " (the server offered " + keyType
          + " " + fingerprint + "): known_hosts file " + knownHosts + " is unreadable: " + e.getMessage(), name,
          fingerprint, HostKeyRejectedException.Reason.UNKNOWN);
    }
    String expected = null;
    for (KnownHostEntry entry : entries) {
      if (!entry.isHostMatch(target.host(), target.port())) {
        continue;
      }
      PublicKey known = publicKey(entry);
      if (known == null) {
        continue;
      }
      String marker = entry.getMarker();
      boolean same = KeyUtils.compareKeys(known, offered);
      if ("revoked".equals(marker)) {
        if (same) {
          return new HostKeyRejectedException("host key of " + name + " (" + keyType + " " + fingerprint
              + ") is marked @revoked in " + knownHosts, name, fingerprint, HostKeyRejectedException.Reason.REVOKED);
        }
        continue;
      }
      if (marker != null) {
        // @cert-authority: host certificates are not supported, so such a line vouches for no plain key.
        continue;
      }
      if (same) {
        return null;
      }
      if (KeyUtils.getKeyType(known).equals(keyType)) {
        expected = KeyUtils.getFingerPrint(known);
      }
    }
    if (expected != null) {
      return new HostKeyRejectedException("HOST KEY CHANGED for " + name + ": the server offered " + keyType + " "
          + fingerprint + " but " + knownHosts + " records " + expected + ". This may be a man-in-the-middle attack; "
          + "if the key changed legitimately, remove the old entry (ssh-keygen -R '" + name + "' -f " + knownHosts
          + ") and add the new one after checking its fingerprint", name, fingerprint,
          HostKeyRejectedException.Reason.CHANGED);
    }
    return new HostKeyRejectedException("unknown host key for " + name + ": the server offered " + keyType + " "
        + fingerprint + " and " + knownHosts + " has no entry for it. Check the fingerprint with the host's owner, then "
        + "add it (ssh-keyscan " + (target.port() == 22 ? "" : "-p " + target.port() + " ") + target.host() + " >> "
        + knownHosts + ") or pin it", name, fingerprint, HostKeyRejectedException.Reason.UNKNOWN);
  }

  private static @Nullable PublicKey publicKey(KnownHostEntry entry) {
    AuthorizedKeyEntry key = entry.getKeyEntry();
    if (key == null) {
      return null;
    }
    try {
      return key.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      log.debug("skipping a known_hosts line whose key cannot be read: {}", entry.getConfigLine(), e);
      return null;
    }
  }
}
