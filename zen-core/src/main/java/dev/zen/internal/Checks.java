package dev.zen.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Argument checks with the messages Zen's builders use; each returns the checked value. */
public final class Checks {
  private Checks() {}

  /**
   * Why {@code text} is not valid Unicode (an unpaired UTF-16 surrogate, which JSON's {@code \\ud800}
   * escapes can carry and which every UTF-8 encoder silently turns into {@code ?}), or null when
   * it is valid.
   */
  public static @Nullable String unicodeProblem(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return String.format("it is not valid Unicode: an unpaired UTF-16 surrogate (\\u%04x) at character %d", (int) c, i);
      }
    }
    return null;
  }

  /** {@code value}, which must not be null or blank. */
  public static String requireText(@Nullable String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be null or blank");
    }
    return value;
  }

  /** {@code value}, which must be positive. */
  public static int requirePositive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /** {@code value}, which must be positive. */
  public static long requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /** {@code duration}, which must be positive. */
  public static Duration requirePositive(@Nullable Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
    return duration;
  }

  /** A duration as people read it in messages: {@code 30 s}, {@code 250 ms}. */
  public static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
  }
}
