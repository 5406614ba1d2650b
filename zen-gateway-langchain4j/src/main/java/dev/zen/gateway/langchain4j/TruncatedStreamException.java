package dev.zen.gateway.langchain4j;

import java.io.IOException;
import java.net.URI;

/** An SSE stream that ended with neither the OpenAI protocol's {@code data: [DONE]} nor a final finish reason. */
final class TruncatedStreamException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int events;

  TruncatedStreamException(URI uri, int events) {
    super("the event stream from " + Urls.redact(uri) + " ended after " + events
        + " events without [DONE] or a finish reason");
    this.events = events;
  }

  int events() {
    return events;
  }
}
