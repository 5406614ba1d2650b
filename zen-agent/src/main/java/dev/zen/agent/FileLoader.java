package dev.zen.agent;

import dev.zen.internal.Futures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Expands, checks, reads and budgets the files of one request. Reading is blocking I/O, so each
 * file is read as its own task on the runtime executor: a request naming many files waits for the
 * slowest one, not for their sum.
 */
final class FileLoader {
  /** Most files one request may expand to: a walk of a huge tree would stall the call. */
  static final int MAX_FILES = 1_000;
  /** The file name clients use to pass a prompt that is too long for an argument. */
  static final String PROMPT_FILE = "prompt.txt";

  private static final Set<String> SKIPPED_DIRS = Set.of("node_modules", "target", "build", "dist", "out", "bin",
      "obj", "__pycache__", "venv", "env", "coverage", "CVS", "vendor", "bower_components", "Pods", "DerivedData");
  private static final Set<String> BINARY_EXTENSIONS = Set.of("class", "jar", "war", "ear", "zip", "gz", "tgz",
      "bz2", "xz", "7z", "rar", "tar", "so", "dylib", "dll", "exe", "bin", "o", "a", "obj", "lib", "pyc", "pyo",
      "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tiff", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
      "mp3", "mp4", "wav", "avi", "mov", "mkv", "flac", "ogg", "woff", "woff2", "ttf", "otf", "eot", "sqlite", "db",
      "iso", "dmg", "img", "wasm", "keystore", "jks", "p12");
  private static final int SNIFF_BYTES = 8_000;
  /** How long one file may take to read before the call goes on without it. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final FileRules rules;
  private final Executor executor;
  private final long maxFileBytes;

  FileLoader(FileRules rules, Executor executor, long maxFileBytes) {
    this.rules = rules;
    this.executor = executor;
    this.maxFileBytes = maxFileBytes;
  }

  /** A named path whose real location is refused: the whole call is refused, not just the file. */
  static final class RefusedPathException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefusedPathException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Loads {@code requested} (absolute, already checked lexically) and then {@code fromHistory}
   * (newest first) until {@code budgetTokens} are used. Completes exceptionally with
   * {@link RefusedPathException} when a named path resolves to a refused location.
   */
  CompletableFuture<FileBundle> load(List<String> requested, List<String> fromHistory, int budgetTokens) {
    if (requested.isEmpty() && fromHistory.isEmpty()) {
      return CompletableFuture.completedFuture(FileBundle.EMPTY);
    }
    return CompletableFuture.supplyAsync(() -> plan(requested, fromHistory), executor)
        .thenCompose(plan -> {
          List<CompletableFuture<Read>> reads = new ArrayList<>();
          for (Candidate candidate : plan.candidates) {
            // A read that hangs (a file system that stopped answering) must not hold the call: it
            // is reported as skipped, and the call goes on without it.
            reads.add(CompletableFuture.supplyAsync(() -> read(candidate), executor)
                .completeOnTimeout(new Read(candidate, null, candidate.path() + " (read timed out after "
                    + READ_TIMEOUT.toSeconds() + " s)", false), READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
          }
          CompletableFuture<@Nullable String> prompt = plan.promptFile == null
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.supplyAsync(() -> readPrompt(plan.promptFile), executor)
                  .orTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                  .exceptionally(error -> {
                    Throwable cause = Futures.unwrap(error);
                    throw cause instanceof RefusedPathException refused ? refused
                        : new RefusedPathException("could not read the prompt file '" + plan.promptFile + "' within "
                            + READ_TIMEOUT.toSeconds() + " s");
                  });
          return Futures.all(reads).thenCombine(prompt, (loaded, promptText) -> fit(plan, loaded, promptText, budgetTokens));
        });
  }

  private record Candidate(Path path, boolean fromHistory) {}

  private record Read(Candidate candidate, @Nullable String text, @Nullable String skipReason, boolean tooLarge) {}

  private static final class Plan {
    final List<Candidate> candidates = new ArrayList<>();
    final List<String> requested = new ArrayList<>();
    final List<String> missing = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
    final List<String> refused = new ArrayList<>();
    @Nullable Path promptFile;
    final Set<Path> seen = new LinkedHashSet<>();
    boolean capped;
  }

  /**
   * Why {@code path} cannot be looked at: {@code ""} when it does not exist, a reason when it may
   * not be looked at (a parent without search permission), null when it is there.
   */
  private static @Nullable String absence(Path path) {
    try {
      Files.readAttributes(path, BasicFileAttributes.class);
      return null;
    } catch (NoSuchFileException e) {
      return "";
    } catch (AccessDeniedException e) {
      return "permission denied" + (e.getFile() == null || e.getFile().equals(path.toString()) ? ""
          : " on " + e.getFile());
    } catch (IOException e) {
      return "cannot be read: " + e.getClass().getSimpleName();
    }
  }

  private Plan plan(List<String> requested, List<String> fromHistory) {
    Plan plan = new Plan();
    for (String raw : requested) {
      Path path = Path.of(raw).normalize();
      // Files.exists answers false for a file it may not look at: a user would hunt for a typo.
      String absent = absence(path);
      if (absent != null) {
        if (absent.isEmpty()) {
          plan.missing.add(raw);
        } else {
          plan.skipped.add(raw + " (" + absent + ")");
        }
        continue;
      }
      String problem = rules.realProblem(path);
      if (problem != null) {
        throw new RefusedPathException(problem);
      }
      if (Files.isDirectory(path)) {
        expand(path, plan);
      } else if (!Files.isRegularFile(path)) {
        // A device, FIFO or socket: reading it could block forever or read someone else's input.
        throw new RefusedPathException("'" + raw + "' is not a regular file (a device, pipe or socket); Zen reads "
            + "only regular files");
      } else if (path.getFileName() != null && path.getFileName().toString().equals(PROMPT_FILE)
          && plan.promptFile == null) {
        plan.promptFile = path;
      } else {
        add(plan, path, false);
      }
    }
    plan.candidates.forEach(candidate -> plan.requested.add(candidate.path().toString()));
    for (String raw : fromHistory) {
      Path path = Path.of(raw).normalize();
      if (plan.seen.contains(path)) {
        continue;
      }
      // History paths passed these checks when they were named; the disk may have changed since.
      if (!Files.isRegularFile(path)) {
        plan.missing.add(raw);
        continue;
      }
      String problem = rules.realProblem(path);
      if (problem != null) {
        plan.refused.add(raw);
        continue;
      }
      add(plan, path, true);
    }
    return plan;
  }

  private void add(Plan plan, Path file, boolean fromHistory) {
    if (!plan.seen.add(file)) {
      return;
    }
    if (plan.candidates.size() >= MAX_FILES) {
      if (!plan.capped) {
        plan.capped = true;
        plan.skipped.add("files beyond the first " + MAX_FILES + " (name fewer files or a narrower directory)");
      }
      return;
    }
    if (isBinaryName(file)) {
      plan.skipped.add(file + " (binary)");
      return;
    }
    plan.candidates.add(new Candidate(file, fromHistory));
  }

  private void expand(Path root, Plan plan) {
    List<Path> found = new ArrayList<>();
    try {
      Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), 64, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(root) && skipDirectory(dir)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          return found.size() > MAX_FILES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isSymbolicLink()) {
            String problem = rules.realProblem(file);
            if (problem != null) {
              plan.refused.add(file.toString());
              return FileVisitResult.CONTINUE;
            }
            // Linked directories are not walked: links can form cycles and lead far from the project.
            if (!Files.isRegularFile(file)) {
              if (!Files.isDirectory(file)) {
                plan.skipped.add(file + " (not a regular file)");
              }
              return FileVisitResult.CONTINUE;
            }
          } else if (!attrs.isRegularFile()) {
            plan.skipped.add(file + " (not a regular file)");
            return FileVisitResult.CONTINUE;
          }
          String secret = rules.secretFile(file);
          if (secret != null) {
            plan.skipped.add(file + " (" + secret + ")");
            return FileVisitResult.CONTINUE;
          }
          found.add(file);
          return found.size() > MAX_FILES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          plan.skipped.add(file + " (unreadable: " + e.getClass().getSimpleName() + ")");
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      plan.skipped.add(root + " (could not list: " + e.getMessage() + ")");
    }
    // Walk order depends on the file system; sorted order gives the model and tests a stable view.
    found.sort(null);
    found.forEach(file -> add(plan, file, false));
  }

  private static boolean skipDirectory(Path dir) {
    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
    // Dot-directories are VCS data (.git, .svn, .hg), tool caches (.gradle, .idea, .venv) or secrets.
    return name.startsWith(".") || SKIPPED_DIRS.contains(name) || name.endsWith(".egg-info");
  }

  private static boolean isBinaryName(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot >= 0 && BINARY_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private Read read(Candidate candidate) {
    Path path = candidate.path();
    try {
      // Checked again at the last moment: the path may have been swapped for a pipe since it was planned.
      Path real = path.toRealPath();
      if (!Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
        return new Read(candidate, null, path + " (not a regular file)", false);
      }
      long size = Files.size(real);
      if (size > maxFileBytes) {
        String marker = "--- FILE TOO LARGE: " + path + " is " + String.format("%,d", size) + " bytes, over the "
            + String.format("%,d", maxFileBytes) + "-byte limit; it was not embedded. Ask for the relevant part. ---";
        return new Read(candidate, marker, null, true);
      }
      byte[] bytes = Files.readAllBytes(real);
      for (int i = 0; i < Math.min(bytes.length, SNIFF_BYTES); i++) {
        if (bytes[i] == 0) {
          return new Read(candidate, null, path + " (binary)", false);
        }
      }
      return new Read(candidate, numbered(path, new String(bytes, StandardCharsets.UTF_8)), null, false);
    } catch (IOException | RuntimeException e) {
      return new Read(candidate, null, path + " (unreadable: " + Futures.describe(e) + ")", false);
    }
  }

  private @Nullable String readPrompt(Path file) {
    try {
      if (Files.size(file) > maxFileBytes) {
        throw new RefusedPathException("'" + file + "' is larger than the " + String.format("%,d", maxFileBytes)
            + "-byte file limit; shorten the prompt");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RefusedPathException("could not read the prompt file '" + file + "': " + e.getMessage());
    }
  }

  /** The file with line numbers, framed so the model can tell files apart and cite lines. */
  static String numbered(Path path, String content) {
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    String[] lines = text.split("\r?\n", -1);
    int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    int width = Math.max(4, String.valueOf(count).length());
    StringBuilder out = new StringBuilder(text.length() + count * (width + 3) + 100);
    out.append("--- BEGIN FILE: ").append(path).append(" (").append(count).append(count == 1 ? " line" : " lines")
        .append(") ---\n");
    for (int i = 0; i < count; i++) {
      String number = String.valueOf(i + 1);
      out.append(" ".repeat(width - number.length())).append(number).append("│ ").append(lines[i]).append('\n');
    }
    return out.append("--- END FILE: ").append(path).append(" ---").toString();
  }

  private static FileBundle fit(Plan plan, List<Read> reads, @Nullable String promptText, int budgetTokens) {
    List<FileBundle.Embedded> embedded = new ArrayList<>();
    List<String> notEmbedded = new ArrayList<>();
    List<String> tooLarge = new ArrayList<>();
    List<String> skipped = new ArrayList<>(plan.skipped);
    Map<String, Boolean> requestedSkipped = new LinkedHashMap<>();
    int used = 0;
    for (Read read : reads) {
      String path = read.candidate().path().toString();
      if (read.text() == null) {
        skipped.add(read.skipReason() == null ? path : read.skipReason());
        requestedSkipped.put(path, true);
        continue;
      }
      int tokens = Tokens.estimate(read.text());
      // A file that does not fit is listed, and smaller ones after it still get their chance.
      if (used + tokens > budgetTokens) {
        notEmbedded.add(path);
        continue;
      }
      used += tokens;
      if (read.tooLarge()) {
        tooLarge.add(path);
      }
      embedded.add(new FileBundle.Embedded(path, read.text(), tokens, read.candidate().fromHistory()));
    }
    List<String> requested = plan.requested.stream().filter(path -> !requestedSkipped.containsKey(path)).toList();
    return new FileBundle(embedded, requested, notEmbedded, plan.missing, skipped, tooLarge, plan.refused, promptText);
  }
}
