package dev.zen.agent;

import dev.zen.InvalidRequestException;
import dev.zen.gateway.ModelSpec;
import dev.zen.internal.Futures;
import dev.zen.spi.ContentPart;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Turns a call's {@code images} (absolute paths or {@code data:} URLs) into image parts for models
 * that see images, within the reference's limits: at most {@value ModelSpec#MAX_IMAGES} images,
 * and no more bytes than the smallest limit among the call's models. Paths follow the file rules
 * (regular files only, no system or credential locations) and reads have the file reads' deadline.
 * Every problem fails with an {@link InvalidRequestException} that says what to do.
 */
final class ImageLoader {
  private static final Map<String, String> MEDIA_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg",
      "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

  private final FileRules rules;
  private final Executor executor;

  ImageLoader(FileRules rules, Executor executor) {
    this.rules = rules;
    this.executor = executor;
  }

  /** Whether the entry is an inline image rather than a path. */
  static boolean isDataUrl(String entry) {
    return entry.regionMatches(true, 0, "data:", 0, 5);
  }

  /** Why an inline image is malformed, or null: checked with the arguments, before anything runs. */
  static String dataUrlProblem(String entry) {
    try {
      new ContentPart.Image(URI.create(entry));
      return null;
    } catch (IllegalArgumentException e) {
      return "an entry of 'images' is not a valid image data URL (" + e.getMessage() + ")";
    }
  }

  /**
   * The images as parts, after checking that every model of the call sees images.
   *
   * @param visionModels what to suggest when a model does not (names of models that do)
   */
  CompletableFuture<List<ContentPart.Image>> load(List<String> entries, List<ModelSpec> models,
      List<String> visionModels) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    for (ModelSpec model : models) {
      if (!model.supportsImages()) {
        return CompletableFuture.failedFuture(new InvalidRequestException("model '" + model.name() + "' does not "
            + "accept images; choose one that does" + (visionModels.isEmpty() ? "" : " (" + String.join(", ",
                visionModels) + ")") + " or call without images"));
      }
    }
    if (entries.size() > ModelSpec.MAX_IMAGES) {
      return CompletableFuture.failedFuture(new InvalidRequestException("at most " + ModelSpec.MAX_IMAGES
          + " images per request; " + entries.size() + " were given"));
    }
    long maxBytes = models.stream().mapToLong(ModelSpec::maxImageBytes).min().orElse(0);
    List<CompletableFuture<ContentPart.Image>> reads = new ArrayList<>();
    for (String entry : entries) {
      reads.add(isDataUrl(entry)
          ? CompletableFuture.completedFuture(new ContentPart.Image(URI.create(entry)))
          : CompletableFuture.supplyAsync(() -> read(entry), executor)
              .orTimeout(FileLoader.READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
    return Futures.all(reads).thenApply(images -> {
      long total = images.stream().mapToLong(ImageLoader::bytes).sum();
      if (total > maxBytes) {
        throw new CompletionException(new InvalidRequestException("the images add up to " + megabytes(total)
            + " MB; the model takes at most " + megabytes(maxBytes) + " MB: send fewer or smaller images"));
      }
      return images;
    }).exceptionally(error -> {
      Throwable cause = Futures.unwrap(error);
      throw new CompletionException(cause instanceof InvalidRequestException ? cause
          : new InvalidRequestException("could not read the images within " + FileLoader.READ_TIMEOUT.toSeconds()
              + " s (" + Futures.describe(cause) + ")", cause));
    });
  }

  private ContentPart.Image read(String entry) {
    Path path = Path.of(entry);
    String refused = rules.realProblem(path);
    if (refused != null) {
      throw new InvalidRequestException(refused);
    }
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    String mediaType = MEDIA_TYPES.get(extension);
    if (mediaType == null) {
      throw new InvalidRequestException("'" + entry + "' is not a PNG, JPEG, GIF or WebP image");
    }
    try {
      Path real = path.toRealPath();
      if (!Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
        throw new InvalidRequestException("'" + entry + "' is not a regular file");
      }
      return ContentPart.Image.of(Files.readAllBytes(real), mediaType);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidRequestException("image '" + entry + "' was not found");
    } catch (IOException e) {
      throw new InvalidRequestException("image '" + entry + "' could not be read: " + e.getMessage(), e);
    }
  }

  private static long bytes(ContentPart.Image image) {
    // Inline bytes from their base64 length; a remote URL costs the provider, not the request.
    return image.base64Data().map(data -> (long) data.length() * 3 / 4).orElse(0L);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }
}
