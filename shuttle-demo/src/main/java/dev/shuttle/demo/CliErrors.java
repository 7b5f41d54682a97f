package dev.shuttle.demo;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How {@code shuttle} reports what went wrong: a user's mistake as one line and exit code 2, a bug
 * with its stack trace and exit code 1.
 *
 * <p>User mistakes are a {@link ParameterException} (picocli's, for an option it could not read,
 * and the commands' own, for options that do not go together), a {@link UserError}, and an {@link
 * ConfigurationException} from the OpenTelemetry SDK, which reads its {@code OTEL_*} variables and
 * {@code otel.*} properties when the demo starts it. Anything else is a bug, and its stack trace is
 * what a report needs.
 */
final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  /** The exit code of a user's mistake. */
  static final int USAGE = 2;

  private CliErrors() {}

  /** Sets these handlers on {@code cli} and its subcommands, and returns it. */
  static CommandLine install(CommandLine cli) {
    CliErrors errors = new CliErrors();
    return cli.setParameterExceptionHandler(errors).setExecutionExceptionHandler(errors);
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    String line = String.valueOf(ex.getMessage());
    if (ex instanceof UnmatchedArgumentException unmatched) {
      var suggestions = unmatched.getSuggestions();
      line +=
          suggestions.isEmpty()
              ? "; '" + cli.getCommandSpec().qualifiedName() + " --help' lists the options"
              : "; did you mean " + String.join(" or ", suggestions) + "?";
    }
    return print(cli, line);
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed)
      throws Exception {
    if (ex instanceof UserError) {
      return print(cli, String.valueOf(ex.getMessage()));
    }
    if (ex instanceof ConfigurationException) {
      return print(
          cli,
          "OpenTelemetry's settings (OTEL_* variables, otel.* properties) are wrong: "
              + ex.getMessage());
    }
    throw ex; // a bug: picocli prints its stack trace and exits with 1
  }

  private static int print(CommandLine cli, String line) {
    PrintWriter err = cli.getErr();
    err.println(line);
    err.flush();
    return USAGE;
  }
}
