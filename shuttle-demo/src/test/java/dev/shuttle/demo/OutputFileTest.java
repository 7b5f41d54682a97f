package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
  @Test
  void aNewFileInAnExistingDirectoryIsWritable(@TempDir Path dir) {
    assertThatCode(() -> OutputFile.checkWritable(dir.resolve("dump.json"), "--dump"))
        .doesNotThrowAnyException();
  }

  @Test
  void aMissingDirectoryIsNamed(@TempDir Path dir) {
    Path file = dir.resolve("missing").resolve("dump.json");
    assertThatThrownBy(() -> OutputFile.checkWritable(file, "--dump"))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--dump "
                + file
                + ": there is no directory "
                + file.getParent()
                + "; create it or choose another file");
  }

  @Test
  void aDirectoryIsNotAFile(@TempDir Path dir) {
    assertThatThrownBy(() -> OutputFile.checkWritable(dir, "--dump"))
        .isInstanceOf(UserError.class)
        .hasMessage("--dump " + dir + " is a directory; give a file name");
  }
}
