package dev.shuttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module a modular application reads: every API package exported to everyone, the internal
 * package to nobody. The tests run on the class path, so the descriptor is read the way the module
 * path reads it: from the compiled classes, packages found by scanning them.
 */
class ModuleExportsTest {
  @Test
  void exportsEveryPackageButTheInternalOneToEveryone() throws Exception {
    Path classes = Path.of(Go.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<ModuleReference> found = ModuleFinder.of(classes).findAll();
    assertThat(found).as("modules in %s", classes).hasSize(1);
    ModuleDescriptor module = found.iterator().next().descriptor();
    assertThat(module.name()).isEqualTo("dev.shuttle");

    Set<String> exported =
        module.exports().stream()
            .peek(e -> assertThat(e.isQualified()).as("export of %s", e.source()).isFalse())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    Set<String> api =
        module.packages().stream()
            .filter(
                p -> !p.equals("dev.shuttle.internal") && !p.startsWith("dev.shuttle.internal."))
            .collect(Collectors.toSet());
    assertThat(exported).isEqualTo(api).noneMatch(p -> p.contains(".internal"));
    assertThat(module.packages()).contains("dev.shuttle.internal");
  }
}
