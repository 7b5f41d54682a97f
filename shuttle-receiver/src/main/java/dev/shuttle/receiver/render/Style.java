package dev.shuttle.receiver.render;

/** ANSI styling that is either on or off. Immutable and thread-safe. */
final class Style {
  private static final String RESET = "\u001B[0m";
  private final boolean colour;

  Style(boolean colour) {
    this.colour = colour;
  }

  boolean colour() {
    return colour;
  }

  String bold(String text) {
    return wrap("\u001B[1m", text);
  }

  String dim(String text) {
    return wrap("\u001B[2m", text);
  }

  String red(String text) {
    return wrap("\u001B[31m", text);
  }

  String green(String text) {
    return wrap("\u001B[32m", text);
  }

  String yellow(String text) {
    return wrap("\u001B[33m", text);
  }

  String cyan(String text) {
    return wrap("\u001B[36m", text);
  }

  private String wrap(String code, String text) {
    return colour ? code + text + RESET : text;
  }
}
