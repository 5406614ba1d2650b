package dev.zen.executor.ssh;

import dev.zen.NonRetriableException;
import java.util.Objects;

/**
 * The server's host key did not verify: unknown to known_hosts, different from the key recorded
 * (or pinned) for the host, or revoked. The message names the host and the fingerprint the server
 * offered, so a person can check it out of band. Never retried: a changed key may be an attack.
 */
public class HostKeyRejectedException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /** Why a host key was refused. */
  public enum Reason {
    /** No known_hosts entry (and no pin) for the host. */
    UNKNOWN,
    /** The host has a known_hosts entry or a pin, for another key. */
    CHANGED,
    /** The key is marked {@code @revoked} in known_hosts. */
    REVOKED
  }

  private final String host;
  private final String offeredFingerprint;
  private final Reason reason;

  public HostKeyRejectedException(String message, String host, String offeredFingerprint, Reason reason) {
    super(message);
    this.host = Objects.requireNonNull(host, "host");
    this.offeredFingerprint = Objects.requireNonNull(offeredFingerprint, "offeredFingerprint");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The host as known_hosts names it: {@code host} or {@code [host]:port}. */
  public String host() {
    return host;
  }

  /** The {@code SHA256:} fingerprint of the key the server offered. */
  public String offeredFingerprint() {
    return offeredFingerprint;
  }

  public Reason reason() {
    return reason;
  }
}
