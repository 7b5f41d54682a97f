/*
 * Prints the comparison table of issue 15 from a JMH JSON result (and, optionally, the output of
 * the Go benchmarks in scripts/go-bench). Single-file program, JDK 21+, no dependencies:
 *
 *   java scripts/BenchTable.java <jmh-result.json> [<go-bench-output.txt>]
 *
 * One row per (shape, peer). "peer/Shuttle" is the peer's ns divided by Shuttle's: 1.00 is a tie,
 * above 1.00 Shuttle is faster. "target" is the bar for that ratio; "met" says whether the
 * measured ratio reaches it (noise included: read Shuttle's ± first).
 */
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class BenchTable {
  /**
   * One JMH result: benchmark method (Class.method), parameters, and its score: the median of the
   * forks' means when there are several forks (on virtual threads a fork often settles into a fast
   * or a slow mode, and a mean of modes describes neither), with the lowest and highest fork mean;
   * with one fork, JMH's score and its error.
   */
  record Result(
      String benchmark,
      Map<String, String> params,
      double score,
      double error,
      int forks,
      double lowest,
      double highest) {}

  /** Where a figure comes from: a JMH benchmark with these parameters, or a Go benchmark. */
  record Source(String benchmark, Map<String, String> params, String goName) {
    static Source jmh(String benchmark, String... keyValues) {
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < keyValues.length; i += 2) {
        params.put(keyValues[i], keyValues[i + 1]);
      }
      return new Source(benchmark, params, "");
    }

    static Source go(String name) {
      return new Source("", Map.of(), name);
    }
  }

  record Peer(String name, Source source, double target) {}

  record Shape(String name, Source shuttle, List<Peer> peers) {}

  private static final double CHANNEL = 1.0;
  private static final double GO_MOONSHOT = 0.5; // Shuttle within 2x of Go
  private static final double POOL = 1.0;
  private static final double GOROUTINE = 1 / 1.1; // Shuttle at most 1.1x raw virtual threads

  static List<Shape> shapes() {
    String pc = "ChannelBenchmark.producerConsumer";
    String chain = "ChainBenchmark.chain";
    String select = "SelectBenchmark.selectOverTwo";
    String pool = "WorkerPoolBenchmark.tinyJobs";
    String start = "GoroutineStartBenchmark";
    List<Shape> shapes = new ArrayList<>();
    shapes.add(channel("rendezvous 1->1 (ns/msg)", pc, "0", "SynchronousQueue", "Rendezvous"));
    shapes.add(channel("buffered 16 (ns/msg)", pc, "16", "ArrayBlockingQueue", "Buffered16"));
    shapes.add(channel("buffered 100 (ns/msg)", pc, "100", "ArrayBlockingQueue", "Buffered100"));
    shapes.add(
        channel("chain 1,000 x cap 16 (ns/hop)", chain, "16", "ArrayBlockingQueue", "Chain16"));
    for (String capacity : List.of("0", "16")) {
      shapes.add(
          new Shape(
              "select over two, "
                  + (capacity.equals("0") ? "rendezvous" : "buffered 16")
                  + " (ns/msg)",
              Source.jmh(select, "impl", "shuttle", "capacity", capacity),
              List.of(
                  new Peer("Jox", Source.jmh(select, "impl", "jox", "capacity", capacity), CHANNEL),
                  new Peer(
                      "Go",
                      Source.go(capacity.equals("0") ? "SelectRendezvous" : "SelectBuffered16"),
                      GO_MOONSHOT))));
    }
    for (String queue : List.of("4", "1024")) {
      shapes.add(
          new Shape(
              "pool, queue " + queue + " (ns/job)",
              Source.jmh(pool, "impl", "shuttle", "queue", queue),
              List.of(
                  new Peer(
                      "ThreadPoolExecutor, instrumented",
                      Source.jmh(pool, "impl", "tpe-instrumented", "queue", queue),
                      POOL))));
    }
    Source raw = Source.jmh(start + ".rawVirtualThreads");
    Source wrapped = Source.jmh(start + ".rawVirtualThreadsContextWrap");
    shapes.add(
        new Shape(
            "goroutines, no SDK (ns/goroutine)",
            Source.jmh(start + ".waitGroupGo", "telemetry", "no-sdk"),
            List.of(
                new Peer("raw virtual threads", raw, GOROUTINE),
                new Peer("Go", Source.go("GoroutineStart"), GO_MOONSHOT))));
    shapes.add(
        new Shape(
            "goroutines, SDK, unsampled parent",
            Source.jmh(start + ".waitGroupGo", "telemetry", "sdk-unsampled"),
            List.of(
                new Peer("raw virtual threads", raw, GOROUTINE),
                new Peer("raw + Context.wrap", wrapped, GOROUTINE))));
    shapes.add(
        new Shape(
            "goroutines, SDK, unsampled, own span",
            Source.jmh(start + ".waitGroupGo", "telemetry", "sdk-unsampled-traced"),
            List.of(new Peer("raw + Context.wrap", wrapped, GOROUTINE))));
    return shapes;
  }

  private static Shape channel(
      String name, String benchmark, String capacity, String juc, String go) {
    return new Shape(
        name,
        Source.jmh(benchmark, "impl", "shuttle", "capacity", capacity),
        List.of(
            new Peer("Jox", Source.jmh(benchmark, "impl", "jox", "capacity", capacity), CHANNEL),
            new Peer(juc, Source.jmh(benchmark, "impl", "juc", "capacity", capacity), CHANNEL),
            new Peer("Go", Source.go(go), GO_MOONSHOT)));
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: java BenchTable.java <jmh-result.json> [<go-bench-output.txt>]");
      System.exit(2);
    }
    List<Result> jmh;
    Map<String, double[]> go;
    try {
      jmh = results(Json.parse(Files.readString(Path.of(args[0]))));
      go = args.length == 2 ? goResults(Path.of(args[1])) : Map.of();
    } catch (IOException e) {
      System.err.println("bench-table: cannot read " + e.getMessage());
      System.exit(2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("bench-table: " + args[0] + " is not JSON (" + e.getMessage() + ")");
      System.exit(2);
      return;
    } catch (ClassCastException | NullPointerException e) {
      System.err.println(
          "bench-table: "
              + args[0]
              + " is not a JMH result: expected a list of runs, each with"
              + " benchmark, params and primaryMetric.score");
      System.exit(2);
      return;
    }
    String format = "%-38s %16s  %-33s %10s %12s %8s %4s%n";
    System.out.printf(
        Locale.ROOT, format, "shape", "Shuttle", "peer", "peer", "peer/Shuttle", "target", "met");
    System.out.println("-".repeat(129));
    for (Shape shape : shapes()) {
      Result shuttle = find(jmh, shape.shuttle());
      String shuttleText =
          shuttle == null
              ? "not run"
              : shuttle.forks() > 1
                  ? String.format(
                      Locale.ROOT,
                      "%.1f (%.0f-%.0f)",
                      shuttle.score(),
                      shuttle.lowest(),
                      shuttle.highest())
                  : Double.isNaN(shuttle.error())
                      ? String.format(Locale.ROOT, "%.1f", shuttle.score())
                      : String.format(
                          Locale.ROOT, "%.1f ± %.1f", shuttle.score(), shuttle.error());
      boolean first = true;
      for (Peer peer : shape.peers()) {
        double peerScore = Double.NaN;
        if (!peer.source().goName().isEmpty()) {
          double[] g = go.get(peer.source().goName());
          if (g != null) {
            peerScore = g[0];
          }
        } else {
          Result r = find(jmh, peer.source());
          if (r != null) {
            peerScore = r.score();
          }
        }
        String peerText =
            Double.isNaN(peerScore) ? "not run" : String.format(Locale.ROOT, "%.1f", peerScore);
        String ratio = "—";
        String met = "";
        if (shuttle != null && !Double.isNaN(peerScore)) {
          double r = peerScore / shuttle.score();
          ratio = String.format(Locale.ROOT, "%.2f", r);
          met = r >= peer.target() ? "yes" : "no";
        }
        System.out.printf(
            Locale.ROOT,
            format,
            first ? shape.name() : "",
            first ? shuttleText : "",
            peer.name(),
            peerText,
            ratio,
            String.format(Locale.ROOT, ">= %.2f", peer.target()),
            met);
        first = false;
      }
    }
    System.out.println(
        "peer/Shuttle = the peer's time / Shuttle's time: above 1.00 Shuttle is faster. With"
            + " several forks every score is the median of the forks' means, and Shuttle's range is"
            + " the lowest and highest fork; with one fork, ± is JMH's 99.9% error.");
    System.out.println(
        "Targets (issue 15): channels >= 1.00 against Jox and j.u.c, >= 0.50 against Go (within"
            + " 2x); pools >= 1.00; goroutines >= 0.91 (at most 1.1x raw virtual threads).");
  }

  private static Result find(List<Result> results, Source source) {
    for (Result r : results) {
      if (r.benchmark().endsWith("." + source.benchmark())
          && r.params().entrySet().containsAll(source.params().entrySet())) {
        return r;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static List<Result> results(Object json) {
    List<Result> results = new ArrayList<>();
    for (Object o : (List<Object>) json) {
      Map<String, Object> run = (Map<String, Object>) o;
      Map<String, Object> metric = (Map<String, Object>) run.get("primaryMetric");
      Map<String, String> params = new LinkedHashMap<>();
      Object p = run.get("params");
      if (p != null) {
        ((Map<String, Object>) p).forEach((k, v) -> params.put(k, String.valueOf(v)));
      }
      Object error = metric.get("scoreError");
      double score = ((Number) metric.get("score")).doubleValue();
      List<Double> forkMeans = new ArrayList<>();
      if (metric.get("rawData") instanceof List<?> forks) {
        for (Object fork : forks) {
          double sum = 0;
          int count = 0;
          for (Object iteration : (List<Object>) fork) {
            sum += ((Number) iteration).doubleValue();
            count++;
          }
          if (count > 0) {
            forkMeans.add(sum / count);
          }
        }
      }
      forkMeans.sort(null);
      int forks = forkMeans.size();
      if (forks > 1) {
        score =
            forks % 2 == 1
                ? forkMeans.get(forks / 2)
                : (forkMeans.get(forks / 2 - 1) + forkMeans.get(forks / 2)) / 2;
      }
      results.add(
          new Result(
              (String) run.get("benchmark"),
              params,
              score,
              error instanceof Number n ? n.doubleValue() : Double.NaN,
              forks,
              forks > 0 ? forkMeans.get(0) : score,
              forks > 0 ? forkMeans.get(forks - 1) : score));
    }
    return results;
  }

  /** Mean of each Go benchmark's custom ns/<unit> metric over its -count runs: {mean, runs}. */
  static Map<String, double[]> goResults(Path file) throws IOException {
    Pattern line =
        Pattern.compile("^Benchmark(\\w+?)(?:-\\d+)?\\s+\\d+\\s.*?([0-9.]+) ns/(?!op)\\w+\\s*$");
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String l : Files.readAllLines(file)) {
      Matcher m = line.matcher(l);
      if (m.matches()) {
        double[] s = sums.computeIfAbsent(m.group(1), k -> new double[2]);
        s[0] += Double.parseDouble(m.group(2));
        s[1]++;
      }
    }
    Map<String, double[]> means = new LinkedHashMap<>();
    sums.forEach((k, s) -> means.put(k, new double[] {s[0] / s[1], s[1]}));
    return means;
  }

  /** A JSON reader just large enough for JMH's result file. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json json = new Json(text);
      Object value;
      try {
        value = json.value();
      } catch (IndexOutOfBoundsException e) {
        throw new IllegalArgumentException("the JSON ends too early");
      }
      json.space();
      if (json.i != text.length()) {
        throw json.error("trailing text");
      }
      return value;
    }

    private Object value() {
      space();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          Map<String, Object> map = new LinkedHashMap<>();
          i++;
          space();
          if (s.charAt(i) == '}') {
            i++;
            return map;
          }
          while (true) {
            space();
            String key = string();
            space();
            expect(':');
            map.put(key, value());
            space();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return map;
            }
          }
        }
        case '[' -> {
          List<Object> list = new ArrayList<>();
          i++;
          space();
          if (s.charAt(i) == ']') {
            i++;
            return list;
          }
          while (true) {
            list.add(value());
            space();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return list;
            }
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          int start = i;
          while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
            i++;
          }
          String word = s.substring(start, i);
          return switch (word) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            case "NaN", "\"NaN\"" -> Double.NaN;
            default -> {
              try {
                yield Double.parseDouble(word);
              } catch (NumberFormatException e) {
                throw error("not a JSON value: " + word);
              }
            }
          };
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
              out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> out.append(e);
          }
        } else {
          out.append(c);
        }
      }
      i++;
      return out.toString();
    }

    private void space() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private void expect(char c) {
      if (i >= s.length() || s.charAt(i) != c) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at offset " + i);
    }
  }
}
