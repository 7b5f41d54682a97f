package dev.shuttle.demo;

/** Counts in printed text with the noun that fits: {@code 1 trace}, {@code 2 traces}. */
final class Plural {
  private Plural() {}

  /** Returns {@code count} and {@code one} if it is 1, else {@code many}: {@code 0 spans}. */
  static String count(long count, String one, String many) {
    return count + " " + (count == 1 ? one : many);
  }
}
