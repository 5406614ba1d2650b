package dev.zen;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The requested model is unknown to the gateway or not allowed; the message lists what is. */
public class ModelNotFoundException extends NonRetriableException {
  private static final long serialVersionUID = 1L;
  private final String model;
  private final List<String> available;

  public ModelNotFoundException(String message, String model, List<String> available, @Nullable Throwable cause) {
    super(message, cause);
    this.model = model;
    this.available = List.copyOf(available);
  }

  /** The model name that was asked for. */
  public String model() {
    return model;
  }

  /** The model names that could have been used instead. */
  public List<String> available() {
    return available;
  }
}
