package dev.zen.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The files prepared for one model request: what was embedded (line-numbered, within the token
 * budget) and what was not, and why. Contents stay in memory for the run; only the paths reach
 * the checkpoint.
 *
 * @param embedded files whose text goes into the request, this request's first
 * @param requested the files this request named (directories expanded), stored with the turn
 * @param notEmbedded files that did not fit the token budget
 * @param missing named files that do not exist (not fatal)
 * @param skipped files left out on purpose (binary, unreadable), with the reason
 * @param tooLarge files over the size cap, embedded as a marker only
 * @param refused files a directory walk found whose real location is refused (symlinks)
 * @param promptFromFile the text of a {@code prompt.txt} the client passed instead of a long prompt
 */
record FileBundle(List<Embedded> embedded, List<String> requested, List<String> notEmbedded, List<String> missing,
    List<String> skipped, List<String> tooLarge, List<String> refused, @Nullable String promptFromFile) {

  static final FileBundle EMPTY = new FileBundle(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
      List.of(), null);

  /** One embedded file. */
  record Embedded(String path, String text, int tokens, boolean fromHistory) {}

  FileBundle {
    embedded = List.copyOf(embedded);
    requested = List.copyOf(requested);
    notEmbedded = List.copyOf(notEmbedded);
    missing = List.copyOf(missing);
    skipped = List.copyOf(skipped);
    tooLarge = List.copyOf(tooLarge);
    refused = List.copyOf(refused);
  }

  int tokens() {
    return embedded.stream().mapToInt(Embedded::tokens).sum();
  }

  boolean isEmpty() {
    return embedded.isEmpty() && notEmbedded.isEmpty() && missing.isEmpty() && skipped.isEmpty()
        && refused.isEmpty();
  }

  /** The files as one block for the request, or the empty string. */
  String block() {
    if (embedded.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("=== FILES ===\n");
    boolean history = embedded.stream().anyMatch(Embedded::fromHistory);
    if (history) {
      text.append("(Files from earlier turns of this conversation are included once, in their current state.)\n");
    }
    for (Embedded file : embedded) {
      text.append('\n').append(file.text()).append('\n');
    }
    return text.append("=== END FILES ===\n").toString();
  }

  /** Notes for the model about files it was not shown, or the empty string. */
  String notes() {
    List<String> notes = new ArrayList<>();
    if (!notEmbedded.isEmpty()) {
      notes.add("Not included for lack of context space: " + String.join(", ", notEmbedded));
    }
    if (!missing.isEmpty()) {
      notes.add("Not found: " + String.join(", ", missing));
    }
    if (!tooLarge.isEmpty()) {
      notes.add("Too large to include: " + String.join(", ", tooLarge));
    }
    return notes.isEmpty() ? "" : String.join("\n", notes) + "\n";
  }

  /** Structured report for the client. */
  Map<String, Object> report() {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("embedded", embedded.stream().map(Embedded::path).toList());
    if (!notEmbedded.isEmpty()) {
      report.put("not_embedded", notEmbedded);
    }
    if (!missing.isEmpty()) {
      report.put("missing", missing);
    }
    if (!tooLarge.isEmpty()) {
      report.put("too_large", tooLarge);
    }
    if (!skipped.isEmpty()) {
      report.put("skipped", skipped);
    }
    if (!refused.isEmpty()) {
      report.put("refused", refused);
    }
    report.put("tokens", tokens());
    return report;
  }

  /** One or two lines for the answer text, or the empty string when nothing is worth saying. */
  String summary() {
    if (isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("Files: " + embedded.size() + " embedded");
    if (!notEmbedded.isEmpty()) {
      text.append("; did not fit the context budget: ").append(String.join(", ", notEmbedded));
    }
    if (!missing.isEmpty()) {
      text.append("; not found: ").append(String.join(", ", missing));
    }
    if (!tooLarge.isEmpty()) {
      text.append("; over the size limit (marker only): ").append(String.join(", ", tooLarge));
    }
    if (!skipped.isEmpty()) {
      text.append("; skipped: ").append(String.join(", ", skipped));
    }
    if (!refused.isEmpty()) {
      text.append("; refused: ").append(String.join(", ", refused));
    }
    return text.append('.').toString();
  }
}
