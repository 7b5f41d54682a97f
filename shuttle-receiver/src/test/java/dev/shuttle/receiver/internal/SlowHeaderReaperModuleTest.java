package dev.shuttle.receiver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.server.AbstractConnector;
import org.junit.jupiter.api.Test;

/**
 * On the module path the reaper reads a Jetty package that Jetty does not export; without the
 * export it would guard nothing, so the receiver refuses to start and says which option to add.
 * These tests run on the module path with the option the build passes.
 */
class SlowHeaderReaperModuleTest {
  private static final Module JETTY = AbstractConnector.class.getModule();

  @Test
  void theReceiverModuleReadsJettysConnectionWhenTheExportIsGiven() {
    assertThat(JETTY.isNamed()).as("Jetty runs as a named module here").isTrue();
    assertThat(SlowHeaderReaper.missingExport(JETTY, SlowHeaderReaper.class.getModule())).isNull();
  }

  @Test
  void aModuleWithoutTheExportIsToldTheOptionToAdd() {
    assertThat(SlowHeaderReaper.missingExport(JETTY, Object.class.getModule()))
        .contains("slow request heads")
        .endsWith(
            "add --add-exports org.eclipse.jetty.server/org.eclipse.jetty.server.internal=java.base"
                + " to the java command");
  }

  @Test
  void codeOnTheClassPathIsToldToExportToAllUnnamed() {
    Module unnamed = ClassLoader.getSystemClassLoader().getUnnamedModule();
    assertThat(SlowHeaderReaper.missingExport(JETTY, unnamed))
        .contains(
            "--add-exports org.eclipse.jetty.server/org.eclipse.jetty.server.internal=ALL-UNNAMED");
  }

  @Test
  void jettyOnTheClassPathNeedsNoExport() {
    Module unnamed = ClassLoader.getSystemClassLoader().getUnnamedModule();
    assertThat(SlowHeaderReaper.missingExport(unnamed, Object.class.getModule())).isNull();
  }
}
