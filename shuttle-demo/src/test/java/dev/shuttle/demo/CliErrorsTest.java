package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliErrorsTest {
  private final StringWriter err = new StringWriter();

  /** A command that fails as told: {@code --fail user} or {@code --fail bug}. */
  @Command(name = "failing")
  static final class Failing implements Callable<Integer> {
    @Option(names = "--fail")
    String fail = "";

    @Option(names = "--endpoint")
    String endpoint = "";

    @Override
    public Integer call() {
      if (fail.equals("user")) {
        throw new UserError("--fail user: the user got it wrong");
      }
      throw new IllegalStateException("a bug in the command");
    }
  }

  private int run(String... args) {
    CommandLine cli = Main.configure(new CommandLine(new Failing()));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void aUserErrorIsItsOneLineAndExitCode2() {
    assertThat(run("--fail", "user")).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly("--fail user: the user got it wrong");
  }

  @Test
  void aBugKeepsItsStackTraceAndExitCode1() {
    assertThat(run("--fail", "bug")).isEqualTo(1);
    assertThat(err.toString())
        .contains("java.lang.IllegalStateException: a bug in the command")
        .contains("\tat dev.shuttle.demo.CliErrorsTest$Failing.call");
  }

  @Test
  void aMistypedOptionIsOneLineWithTheLikelyOne() {
    assertThat(run("--endpont", "x")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly("Unknown options: '--endpont', 'x'; did you mean --endpoint?");
  }

  @Test
  void anUnknownOptionIsOneLineThatPointsToHelp() {
    assertThat(run("--zzz")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly("Unknown option: '--zzz'; 'failing --help' lists the options");
  }

  @Test
  void aValueThatCannotBeReadIsOneLineWithoutTheUsage() {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("view", "--for", "5x", "file.json")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "Invalid value for option '--for': '5x' is not a duration; use 5s, 200ms, 1m or"
                + " ISO-8601 like PT5S");
  }
}
