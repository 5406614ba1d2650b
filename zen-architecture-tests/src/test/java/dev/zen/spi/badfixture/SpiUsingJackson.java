package dev.zen.spi.badfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Deliberately bad: zen-core code that needs Jackson. */
public final class SpiUsingJackson {
  static String write(ObjectMapper mapper) {
    return String.valueOf(mapper);
  }
}
