package dev.zen.spi;

import java.net.URI;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A piece of a {@link ChatMessage}: text, or an image (user messages only). */
public sealed interface ContentPart {

  /** Text. */
  record Text(String text) implements ContentPart {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image, by URL: an {@code https}/{@code http} address the provider fetches, or a
   * {@code data:} URI that carries the bytes inline (what {@link #of(byte[], String)} builds).
   * Gateways pass it on in their provider's form (OpenAI: an {@code image_url} part).
   */
  record Image(URI url) implements ContentPart {
    private static final Pattern DATA = Pattern.compile("data:([\\w.+-]+/[\\w.+-]+);base64,[A-Za-z0-9+/=]*");

    public Image {
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "https", "http" -> { }
        case "data" -> {
          if (!DATA.matcher(url.toString()).matches()) {
            throw new IllegalArgumentException("an image data URI must read data:<media type>;base64,<data>");
          }
        }
        default -> throw new IllegalArgumentException("an image is an http(s) URL or a data: URI, not '"
            + (scheme.isEmpty() ? "a relative reference" : scheme + ":") + "'");
      }
    }

    /** An image carried inline, as a {@code data:} URI. */
    public static Image of(byte[] data, String mediaType) {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(mediaType, "mediaType");
      if (!mediaType.toLowerCase(Locale.ROOT).startsWith("image/")) {
        throw new IllegalArgumentException("an image's media type starts with image/, was '" + mediaType + "'");
      }
      return new Image(URI.create("data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(data)));
    }

    /** Whether the bytes travel inline ({@code data:}) rather than by address. */
    public boolean inline() {
      return "data".equalsIgnoreCase(url.getScheme());
    }

    /** The media type of an inline image ({@code image/png}, ...). */
    public Optional<String> mediaType() {
      Matcher matcher = DATA.matcher(url.toString());
      return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The base64 payload of an inline image. */
    public Optional<String> base64Data() {
      if (!inline()) {
        return Optional.empty();
      }
      String text = url.toString();
      return Optional.of(text.substring(text.indexOf(',') + 1));
    }

    @Override
    public String toString() {
      // A data URI can be megabytes: never print it whole.
      return inline() ? "Image[" + mediaType().orElse("?") + ", " + base64Data().map(String::length).orElse(0)
          + " base64 chars]" : "Image[" + url + "]";
    }
  }
}
