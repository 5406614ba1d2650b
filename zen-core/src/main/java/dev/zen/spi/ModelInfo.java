package dev.zen.spi;

import java.util.Objects;

/** A model a gateway can answer with, as its provider lists it (for example {@code GET /v1/models}). */
public record ModelInfo(String id) {
  public ModelInfo {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("model id must not be blank");
    }
  }
}
