package dev.shuttle.receiver.viewer;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The page's files, from the class path: {@code index.html} and everything under {@code /assets/}
 * from the folder {@value #ROOT}, and uPlot from the webjar {@code org.webjars.npm:uplot}.
 *
 * <p>Only regular files of known types are served, by a path whose segments are plain names ({@code
 * [A-Za-z0-9_-][A-Za-z0-9._-]*}, no {@code ..}): no directory listing, no escaping the folder by
 * {@code ..} or by an encoded character, nothing else on the class path. Files from a jar are read
 * once and kept (a jar does not change); files from a directory (a build's {@code target/classes})
 * are read for each request.
 *
 * <p>Thread-safety: safe to use from any thread (the cache is a concurrent map of immutable
 * entries).
 */
final class StaticAssets {
  /** The class path folder of the page's own files. */
  static final String ROOT = "dev/shuttle/receiver/viewer/assets/";

  /** The uPlot version of the webjar this module depends on. */
  static final String UPLOT_VERSION = "1.6.30";

  /** The class path folder of uPlot's files in its webjar. */
  static final String UPLOT_ROOT = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

  /** The paths under {@code /assets/} served from the webjar, and their names in it. */
  static final Map<String, String> UPLOT_FILES =
      Map.of(
          "uplot/uPlot.iife.min.js", "uPlot.iife.min.js", "uplot/uPlot.min.css", "uPlot.min.css");

  private static final int MAX_PATH_CHARS = 256;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json; charset=utf-8",
          "woff2", "font/woff2");

  /** A file to send. */
  record Asset(ByteString bytes, String contentType) {}

  private final ClassLoader loader;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  StaticAssets(ClassLoader loader) {
    this.loader = loader;
  }

  /** The page, or null if the jar has none. */
  @Nullable Asset index() throws IOException {
    return load(ROOT + "index.html", "html");
  }

  /**
   * The file at {@code path} under {@code /assets/} (raw, as in the request line), or null if there
   * is none that may be served.
   */
  @Nullable Asset asset(String path) throws IOException {
    if (path.length() > MAX_PATH_CHARS) {
      return null;
    }
    String uplot = UPLOT_FILES.get(path);
    if (uplot != null) {
      return load(UPLOT_ROOT + uplot, extension(uplot));
    }
    if (path.startsWith("uplot/")) {
      return null; // the webjar's folder: only the two files above
    }
    String[] segments = path.split("/", -1);
    for (String segment : segments) {
      if (!SEGMENT.matcher(segment).matches() || segment.contains("..")) {
        return null;
      }
    }
    String extension = extension(segments[segments.length - 1]);
    if (extension == null) {
      return null;
    }
    return load(ROOT + path, extension);
  }

  private static @Nullable String extension(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.containsKey(extension) ? extension : null;
  }

  private @Nullable Asset load(String resource, @Nullable String extension) throws IOException {
    String type = extension == null ? null : TYPES.get(extension);
    if (type == null) {
      return null;
    }
    Asset cached = cache.get(resource);
    if (cached != null) {
      return cached;
    }
    URL url = loader.getResource(resource);
    if (url == null) {
      return null;
    }
    URLConnection connection = url.openConnection();
    boolean fromJar = connection instanceof JarURLConnection;
    if (connection instanceof JarURLConnection jar) {
      if (jar.getJarEntry() == null || jar.getJarEntry().isDirectory()) {
        return null;
      }
    } else if (url.getProtocol().equals("file")) {
      try {
        if (!Files.isRegularFile(Path.of(url.toURI()))) {
          return null;
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        return null;
      }
    }
    ByteString bytes;
    try (InputStream in = connection.getInputStream()) {
      bytes = ByteString.readFrom(in);
    }
    Asset asset = new Asset(bytes, type);
    if (fromJar) {
      cache.put(resource, asset);
    }
    return asset;
  }
}
