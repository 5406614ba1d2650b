package dev.zen.agent;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which paths a client may make the agent read. A model must never be handed system files or a
 * whole home directory because a client passed a careless path, and a symlink or {@code ..} must
 * not get around that.
 */
final class FileRules {
  /** System locations refused with everything below them. */
  private static final List<String> SYSTEM_DIRS = List.of("/etc", "/proc", "/sys", "/dev", "/usr", "/bin", "/sbin",
      "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/run", "/var/run", "/var/lib", "/var/log", "/var/spool",
      "/var/cache", "/var/mail", "/private/etc", "/private/var/run", "/System", "/Library",
      "C:\\Windows", "C:\\Program Files", "C:\\Program Files (x86)", "C:\\ProgramData");
  /** Credential stores below the home directory. */
  private static final List<String> SECRET_HOME_DIRS = List.of(".ssh", ".gnupg", ".aws", ".kube", ".docker");

  private final List<Path> systemDirs;
  private final @Nullable Path home;
  private final SecretFiles secrets;

  FileRules(@Nullable Path home) {
    this(home, List.of());
  }

  FileRules(@Nullable Path home, List<String> refusedFiles) {
    List<Path> dirs = new ArrayList<>();
    for (String dir : SYSTEM_DIRS) {
      try {
        Path path = Path.of(dir);
        if (path.isAbsolute()) {
          dirs.add(path);
        }
      } catch (InvalidPathException e) {
        // A Windows name on Unix or the reverse: it cannot match any path here.
      }
    }
    this.systemDirs = List.copyOf(dirs);
    this.home = home == null ? null : home.toAbsolutePath().normalize();
    this.secrets = new SecretFiles(refusedFiles, this.home);
  }

  static FileRules forThisMachine(List<String> refusedFiles) {
    String home = System.getProperty("user.home");
    return new FileRules(home == null || home.isBlank() ? null : Path.of(home), refusedFiles);
  }

  /** Why a file found by expanding a directory is left out as a credential file, or null. */
  @Nullable String secretFile(Path file) {
    String pattern = secrets.match(file);
    return pattern == null ? null : "looks like a credential file (" + pattern + ")";
  }

  /**
   * Why the path as the client wrote it is refused (relative, {@code ..}, a refused location),
   * or {@code null} when it is acceptable. Reads nothing from disk.
   */
  @Nullable String lexicalProblem(String raw, String argument) {
    if (raw.isBlank()) {
      return "'" + argument + "' contains an empty path";
    }
    Path path;
    try {
      path = Path.of(raw);
    } catch (InvalidPathException e) {
      return "'" + raw + "' in '" + argument + "' is not a valid path (" + e.getReason() + ")";
    }
    if (!path.isAbsolute()) {
      return "'" + raw + "' in '" + argument + "' is a relative path; pass FULL absolute paths "
          + "(for example /home/me/project/src/Main.java)";
    }
    for (Path name : path) {
      if (name.toString().equals("..")) {
        return "'" + raw + "' in '" + argument + "' contains '..'; pass the path without parent references";
      }
    }
    String refusal = refusal(path.normalize());
    return refusal == null ? null : "'" + raw + "' in '" + argument + "' is refused: " + refusal;
  }

  /**
   * Why the path's real location (after following symlinks) is refused, or {@code null} when it
   * is acceptable or does not exist (missing files are reported elsewhere).
   */
  @Nullable String realProblem(Path path) {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // It exists but cannot be resolved (a link into a pipe, a vanished process's fd): never read it.
      return "'" + path + "' cannot be resolved to a real file (" + e.getClass().getSimpleName()
          + "); Zen reads only regular files";
    }
    String refusal = refusal(real);
    if (refusal == null) {
      return null;
    }
    return real.equals(path) ? "'" + path + "' is refused: " + refusal
        : "'" + path + "' resolves through a symlink to '" + real + "', which is refused: " + refusal;
  }

  private @Nullable String secretRefusal(Path path) {
    String pattern = secrets.match(path);
    return pattern == null ? null : "it looks like a credential file (pattern '" + pattern + "'); Zen never sends "
        + "credential files to a model (the zen-agent README lists the patterns)";
  }

  /** Why an absolute, normalized path is refused, or {@code null}. */
  @Nullable String refusal(Path path) {
    if (path.getParent() == null) {
      return "it is a filesystem root; name the project directory or files instead";
    }
    if (home != null && path.equals(home)) {
      return "it is the home directory itself; name the project directory or files inside it instead";
    }
    for (Path dir : systemDirs) {
      if (startsWithIgnoringCaseOnWindows(path, dir)) {
        return "it is in the system directory " + dir + ", which Zen does not read";
      }
    }
    if (home != null && path.startsWith(home) && path.getNameCount() > home.getNameCount()) {
      String first = path.getName(home.getNameCount()).toString();
      if (SECRET_HOME_DIRS.contains(first)) {
        return "it is in " + home.resolve(first) + ", which holds credentials";
      }
    }
    return secretRefusal(path);
  }

  private static boolean startsWithIgnoringCaseOnWindows(Path path, Path dir) {
    if (dir.getFileSystem().getSeparator().equals("\\")) {
      String candidate = path.toString().toLowerCase(Locale.ROOT);
      String prefix = dir.toString().toLowerCase(Locale.ROOT);
      return candidate.equals(prefix) || candidate.startsWith(prefix + "\\");
    }
    return path.startsWith(dir);
  }
}
