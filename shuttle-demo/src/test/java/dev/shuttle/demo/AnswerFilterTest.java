package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.InstanceNotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnswerFilterTest {
  /** A class of the application: what a gadget chain is made of. */
  record Gadget(String command) implements Serializable {}

  @BeforeAll
  static void install() throws GoroutinesFailure {
    AnswerFilter.install();
    AnswerFilter.install(); // twice is fine
  }

  private static byte[] serialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @Test
  void refusesAnApplicationClassInAnAnswer() throws Exception {
    byte[] bytes = serialize(new Gadget("rm -rf /"));
    assertThatThrownBy(() -> AnswerFilter.during(() -> read(bytes)))
        .isInstanceOf(InvalidClassException.class);
  }

  @Test
  void refusesAJdkClassThatTheMBeanNeverSends() throws Exception {
    byte[] bytes = serialize(new HashMap<>(Map.of("key", "value")));
    assertThatThrownBy(() -> AnswerFilter.during(() -> read(bytes)))
        .isInstanceOf(InvalidClassException.class);
  }

  @Test
  void acceptsStringsNumbersAndTheTargetsJdkExceptions() throws Exception {
    assertThat(AnswerFilter.during(() -> read(serialize("dump")))).isEqualTo("dump");
    assertThat(AnswerFilter.during(() -> read(serialize(3)))).isEqualTo(3);
    Object failure =
        AnswerFilter.during(() -> read(serialize(new InstanceNotFoundException("gone"))));
    assertThat(failure)
        .isInstanceOfSatisfying(
            InstanceNotFoundException.class, e -> assertThat(e).hasMessage("gone"));
  }

  @Test
  void refusesAnAnswerNestedTooDeeply() throws Exception {
    List<Object> nested = new ArrayList<>();
    List<Object> inner = nested;
    for (int i = 0; i < 50; i++) {
      List<Object> next = new ArrayList<>();
      inner.add(next);
      inner = next;
    }
    byte[] bytes = serialize(nested);
    assertThatThrownBy(() -> AnswerFilter.during(() -> read(bytes)))
        .isInstanceOf(InvalidClassException.class);
  }

  @Test
  void changesNothingOutsideAnAnswer() throws Exception {
    assertThat(read(serialize(new Gadget("echo")))).isEqualTo(new Gadget("echo"));
  }
}
