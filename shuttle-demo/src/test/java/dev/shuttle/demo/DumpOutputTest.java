package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DumpOutputTest {
  @Test
  void aTextDumpCannotDriveTheTerminal() {
    String hostile = "goroutine 1 \"\u001b]0;pwned\u0007\" [chan receive on \u202eorders]\n";

    String shown = DumpOutput.text(hostile);

    assertThat(shown)
        .isEqualTo("goroutine 1 \"\\u001b]0;pwned\\u0007\" [chan receive on \\u202eorders]\n")
        .doesNotContain("\u001b", "\u0007", "\u202e");
  }

  @Test
  void aJsonDumpIsCheckedAndItsHiddenCharactersEscaped() throws GoroutinesFailure {
    String json = "{\"name\": \"a\u202eb\u0085\", \"n\": 1.50, \"x\": null}";

    String shown = DumpOutput.json(json);

    assertThat(shown).isEqualTo("{\"name\":\"a\\u202eb\\u0085\",\"n\":1.50,\"x\":null}\n");
    assertThat(JsonParser.parseString(shown).getAsJsonObject().get("name").getAsString())
        .isEqualTo("a\u202eb\u0085");
  }

  @Test
  void somethingElseThanJsonIsAFailure() {
    assertThatThrownBy(() -> DumpOutput.json("{\"a\": 1} trailing"))
        .isInstanceOf(GoroutinesFailure.class)
        .hasMessageStartingWith("the JVM sent a dump that is not JSON");
    assertThatThrownBy(() -> DumpOutput.json("{a: 1}")).isInstanceOf(GoroutinesFailure.class);
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
  }
}
