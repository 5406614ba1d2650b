package dev.zen.spi;

import java.util.Objects;

/** A piece of a streamed answer, in arrival order ({@code index} counts from 0). */
public record ChatChunk(int index, String text) {
  public ChatChunk {
    Objects.requireNonNull(text, "text");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
  }
}
