package dev.shuttle.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks, before any long work, that a file an option names can be written when the work ends. */
final class OutputFile {
  private OutputFile() {}

  /**
   * Checks that {@code file}, given by {@code option}, is not a directory and that its directory
   * exists and is writable (as is the file, if it exists).
   *
   * @throws UserError if not, naming the option and what to do
   */
  static void checkWritable(Path file, String option) {
    Path absolute = file.toAbsolutePath().normalize();
    Path directory = absolute.getParent();
    String given = option + " " + file;
    if (Files.isDirectory(absolute)) {
      throw new UserError(given + " is a directory; give a file name");
    }
    if (directory == null || !Files.isDirectory(directory)) {
      throw new UserError(
          given + ": there is no directory " + directory + "; create it or choose another file");
    }
    if (!Files.isWritable(directory) || (Files.exists(absolute) && !Files.isWritable(absolute))) {
      throw new UserError(given + ": cannot write there; choose another file");
    }
  }
}
