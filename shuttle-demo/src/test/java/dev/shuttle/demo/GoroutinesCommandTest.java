package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code shuttle goroutines PID} against real JVMs: a child JVM ({@link GoroutinesChild}) with
 * goroutines blocked on channels and in an errgroup under a traced request, read through the JDK
 * attach API and JMX, as a user would read a hung service.
 */
@Timeout(60)
class GoroutinesCommandTest {
  private static Child shuttle;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** A child JVM and what it printed when ready: its pid, and the trace id of its request. */
  private record Child(Process process, long pid, String traceId) implements AutoCloseable {
    static Child start(String mode) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  GoroutinesChild.class.getName(),
                  mode)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = lines.readLine();
      assertThat(ready).as("the child's first line").startsWith("ready ");
      List<String> words = List.of(ready.split(" ", -1));
      assertThat(Long.parseLong(words.get(1))).isEqualTo(process.pid());
      return new Child(process, process.pid(), words.size() > 2 ? words.get(2) : "");
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy(); // its stdin closes with it, too
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @BeforeAll
  static void startTheChild() throws IOException {
    shuttle = Child.start("shuttle");
  }

  @AfterAll
  static void stopTheChild() throws InterruptedException {
    if (shuttle != null) {
      shuttle.close();
    }
  }

  private int goroutines(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("goroutines"));
    all.addAll(List.of(args));
    return cli.execute(all.toArray(String[]::new));
  }

  /** Asserts exit code 2 and one line on stderr that contains {@code text}, nothing on stdout. */
  private void assertOneLineError(int code, String text) {
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString().lines())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(text);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void printsEachGoroutineWhatItWaitsOnAndTheTraceOfTheRequest() {
    // when
    int code = goroutines(Long.toString(shuttle.pid()));

    // then
    assertThat(code).as(err.toString()).isZero();
    String dump = out.toString();
    assertThat(dump)
        .startsWith("Shuttle goroutines at ")
        .contains("3 goroutines, 3 blocked")
        .contains("chan receive on " + GoroutinesChild.ORDERS + " (len 0, cap 0)")
        .contains("chan receive on " + GoroutinesChild.REPLIES + " (len 0, cap 4)")
        .contains("errgroup wait")
        .contains("errgroup " + GoroutinesChild.GROUP + ": 1 goroutine")
        .contains('"' + GoroutinesChild.CONSUMER + '"');
    assertThat(dump.lines().filter(line -> line.contains("trace " + shuttle.traceId())))
        .as("every goroutine runs in the request's trace")
        .hasSize(3);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void printsTheDumpAsJsonWithJson() {
    // when
    int code = goroutines(Long.toString(shuttle.pid()), "--json");

    // then
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines()).hasSize(1);
    JsonObject dump = JsonParser.parseString(out.toString()).getAsJsonObject();
    assertThat(dump.get("count").getAsInt()).isEqualTo(3);
    assertThat(dump.get("blocked").getAsInt()).isEqualTo(3);
    List<JsonObject> goroutines =
        dump.getAsJsonArray("goroutines").asList().stream()
            .map(JsonElement::getAsJsonObject)
            .toList();
    assertThat(goroutines)
        .extracting(g -> g.get("traceId").getAsString())
        .containsOnly(shuttle.traceId());
    assertThat(goroutines)
        .extracting(g -> g.getAsJsonObject("blockedOn").get("description").getAsString())
        .anySatisfy(d -> assertThat(d).isEqualTo("chan receive on orders (len 0, cap 0)"))
        .anySatisfy(d -> assertThat(d).isEqualTo("chan receive on replies (len 0, cap 4)"))
        .anySatisfy(d -> assertThat(d).startsWith("errgroup wait"));
    assertThat(goroutines)
        .extracting(g -> g.getAsJsonObject("blockedOn").get("kind").getAsString())
        .containsExactlyInAnyOrder("chan receive", "chan receive", "errgroup wait");
  }

  @Test
  void aPidThatIsNotANumberIsOneLine() {
    assertOneLineError(goroutines("abc"), "'abc' is not a process id");
  }

  @Test
  void aProcessThatHasEndedIsOneLine() throws Exception {
    // given
    Process ended = new ProcessBuilder("true").start();
    assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();

    // when
    int code = goroutines(Long.toString(ended.pid()));

    // then
    assertOneLineError(code, "no process has pid " + ended.pid());
  }

  @Test
  void aJvmWithoutShuttleIsOneLine() throws Exception {
    try (Child plain = Child.start("plain")) {
      // when
      int code = goroutines(Long.toString(plain.pid()));

      // then
      assertOneLineError(
          code,
          "JVM " + plain.pid() + " has no Shuttle goroutines MBean (dev.shuttle:type=Goroutines)");
    }
  }

  @Test
  void aProcessThatIsNotAJvmIsOneLine() throws Exception {
    // given
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      // when
      int code = goroutines(Long.toString(sleep.pid()));

      // then
      assertOneLineError(code, "cannot attach to process " + sleep.pid());
      assertThat(err.toString()).contains("it is not a JVM");
      assertThat(sleep.isAlive()).as("not killed by a SIGQUIT").isTrue();
    } finally {
      sleep.destroy();
    }
  }

  @Test
  void aJvmThatDoesNotAnswerTimesOut() throws Exception {
    try (Child plain = Child.start("plain")) {
      // given: a stopped JVM
      signal("STOP", plain.pid());
      try {
        // when
        long start = System.nanoTime();
        int code = goroutines(Long.toString(plain.pid()), "--timeout", "1s");

        // then
        assertOneLineError(code, "process " + plain.pid() + " did not answer within 1 s");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
      } finally {
        signal("CONT", plain.pid());
      }
    }
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
