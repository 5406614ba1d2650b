package dev.zen.agent;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Files that hold credentials, which Zen never sends to a model: refused when a client names one,
 * left out (with a note) when a directory expands to one. Patterns are globs; one without a
 * {@code /} matches a file's name anywhere, one starting with {@code ~/} matches a path below the
 * home directory. The defaults are {@link #DEFAULT_PATTERNS}; {@link ZenAgentOptions.Builder#refusedFiles}
 * adds more.
 */
final class SecretFiles {
  /** The built-in list, documented in the zen-agent README. */
  static final List<String> DEFAULT_PATTERNS = List.of(
      // Environment files with secrets (but not their checked-in templates, see ALLOWED).
      ".env", ".env.*", "*.env",
      // Keys and certificates with private parts, key stores, password databases.
      "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519",
      // Credential files of common tools.
      ".npmrc", ".netrc", "_netrc", ".git-credentials", ".pypirc", ".pgpass", ".my.cnf", ".htpasswd", ".dockercfg",
      "credentials.tfrc.json", "*.tfstate", "*.tfstate.backup",
      // Shell and REPL histories: they hold typed passwords and tokens.
      ".*_history", ".histfile",
      // Credential stores below the home directory.
      "~/.config/gh/**", "~/.config/gcloud/**", "~/.azure/**", "~/.password-store/**", "~/.m2/settings-security.xml",
      "~/.gradle/gradle.properties", "~/.cargo/credentials*", "~/.terraform.d/**");
  /** Look-alikes that hold no secrets: templates, and public keys. */
  private static final List<String> ALLOWED = List.of(".env.example", ".env.sample", ".env.template", ".env.dist",
      "*.pub");

  private record Rule(String pattern, PathMatcher matcher, boolean underHome) {}

  private final List<Rule> refused;
  private final List<PathMatcher> allowed;
  private final @Nullable Path home;

  SecretFiles(List<String> extraPatterns, @Nullable Path home) {
    this.home = home;
    List<Rule> rules = new ArrayList<>();
    for (String pattern : DEFAULT_PATTERNS) {
      rules.add(rule(pattern));
    }
    for (String pattern : extraPatterns) {
      rules.add(rule(pattern));
    }
    this.refused = List.copyOf(rules);
    this.allowed = ALLOWED.stream().map(SecretFiles::glob).toList();
  }

  /** Checks a pattern the way the rules will use it; the message says what is wrong. */
  static void check(String pattern) {
    rule(pattern);
  }

  private static Rule rule(String pattern) {
    String trimmed = pattern.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("a refused-file pattern must not be blank");
    }
    boolean underHome = trimmed.startsWith("~/");
    if (!underHome && trimmed.contains("/")) {
      throw new IllegalArgumentException("refused-file pattern '" + pattern + "' must be a file-name glob (*.secret) "
          + "or a path below the home directory (~/.config/tool/**)");
    }
    try {
      return new Rule(trimmed, glob(underHome ? trimmed.substring(2) : trimmed), underHome);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("refused-file pattern '" + pattern + "' is not a valid glob: " + e.getMessage(),
          e);
    }
  }

  private static PathMatcher glob(String pattern) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
  }

  /** The pattern {@code path} matches, or null when it looks like an ordinary file. */
  @Nullable String match(Path path) {
    Path name = path.getFileName();
    if (name == null) {
      return null;
    }
    Path lowerName;
    try {
      lowerName = Path.of(name.toString().toLowerCase(Locale.ROOT));
    } catch (InvalidPathException e) {
      return null;
    }
    for (PathMatcher allow : allowed) {
      if (allow.matches(lowerName)) {
        return null;
      }
    }
    Path normalized = path.toAbsolutePath().normalize();
    Path belowHome = home != null && normalized.startsWith(home) && !normalized.equals(home)
        ? home.relativize(normalized) : null;
    for (Rule rule : refused) {
      if (rule.underHome()) {
        if (belowHome != null && rule.matcher().matches(belowHome)) {
          return rule.pattern();
        }
      } else if (rule.matcher().matches(lowerName)) {
        return rule.pattern();
      }
    }
    return null;
  }
}
