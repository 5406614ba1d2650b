package dev.zen.gateway.langchain4j;

import dev.langchain4j.exception.HttpException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A non-2xx answer, with what langchain4j's {@link HttpException} drops: the headers (for
 * {@code Retry-After}) and the URL. It extends {@link HttpException} so langchain4j's own error
 * mapping still recognises it on the way up.
 */
final class HttpStatusException extends HttpException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BODY_IN_MESSAGE = 500;

  private final String body;
  private final URI uri;
  private final transient Map<String, List<String>> headers;

  HttpStatusException(int statusCode, String body, Map<String, List<String>> headers, URI uri) {
    super(statusCode, "HTTP " + statusCode + " from " + Urls.redact(uri) + ": " + abbreviate(body));
    this.body = body;
    this.uri = uri;
    this.headers = Map.copyOf(headers);
  }

  String body() {
    return body;
  }

  URI uri() {
    return uri;
  }

  /** The first value of a header, matched case-insensitively. */
  Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
        return Optional.of(entry.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_BODY_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }
}
