package dev.shuttle.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dump as text (grouped by owner, as Go prints one) and as JSON. */
class GoroutineDumpTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final SpanContext PARENT = span("00f067aa0ba902b7");
  private static final SpanContext OWN = span("b7ad6b7169203331");

  private static SpanContext span(String spanId) {
    return SpanContext.create(
        "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId,
        TraceFlags.getSampled(),
        TraceState.getDefault());
  }

  private final GoroutineDump dump =
      new GoroutineDump(
          NOW,
          List.of(
              new GoroutineInfo(
                  42,
                  "shuttle-go-7",
                  "errgroup fetch-all",
                  12,
                  "fetch",
                  OWN,
                  PARENT,
                  NOW.minusMillis(3_200),
                  new BlockedOn.ChannelSend("jobs", 10, 10),
                  NOW.minusMillis(2_100)),
              new GoroutineInfo(
                  12,
                  "shuttle-go-1",
                  "go",
                  0,
                  null,
                  SpanContext.getInvalid(),
                  SpanContext.getInvalid(),
                  NOW.minus(Duration.ofMinutes(3)),
                  null,
                  null),
              new GoroutineInfo(
                  41,
                  "shuttle-go-6",
                  "errgroup fetch-all",
                  12,
                  null,
                  PARENT,
                  PARENT,
                  NOW.minusMillis(850),
                  null,
                  null)));

  @Test
  void rendersTextGroupedByOwnerWithWhatEachWaitsOnAndItsTrace() {
    assertThat(dump.toText())
        .isEqualTo(
            """
            Shuttle goroutines at 2026-12-02T10:00:00Z: 3 goroutines, 1 blocked

            go: 1 goroutine
              goroutine 12 "shuttle-go-1" [running]
                untraced, started 3 min 0 s ago

            errgroup fetch-all: 2 goroutines
              goroutine 41 "shuttle-go-6" [running]
                trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7, started 850 ms ago by goroutine 12
              goroutine 42 "shuttle-go-7" [chan send on jobs (len 10, cap 10), 2.1 s]
                trace 4bf92f3577b34da6a3ce929d0e0e4736 span b7ad6b7169203331 "fetch", started 3.2 s ago by goroutine 12
            """);
  }

  @Test
  void rendersJsonWithEveryField() {
    JsonObject json = JsonParser.parseString(dump.toJson()).getAsJsonObject();

    assertThat(json.get("takenAt").getAsString()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(json.get("count").getAsInt()).isEqualTo(3);
    assertThat(json.get("blocked").getAsInt()).isEqualTo(1);
    JsonObject blocked = json.getAsJsonArray("goroutines").get(2).getAsJsonObject();
    assertThat(blocked.get("id").getAsLong()).isEqualTo(42);
    assertThat(blocked.get("state").getAsString()).isEqualTo("blocked");
    assertThat(blocked.getAsJsonObject("blockedOn").get("kind").getAsString())
        .isEqualTo("chan send");
    assertThat(blocked.getAsJsonObject("blockedOn").get("description").getAsString())
        .isEqualTo("chan send on jobs (len 10, cap 10)");
    assertThat(blocked.get("blockedForMillis").getAsLong()).isEqualTo(2_100);
    assertThat(blocked.get("blockedSince").getAsString()).isEqualTo("2026-12-02T09:59:57.900Z");
    assertThat(blocked.get("traceId").getAsString()).isEqualTo(OWN.getTraceId());
    assertThat(blocked.get("spanId").getAsString()).isEqualTo(OWN.getSpanId());
    assertThat(blocked.get("parentSpanId").getAsString()).isEqualTo(PARENT.getSpanId());
    assertThat(blocked.get("spanName").getAsString()).isEqualTo("fetch");
    assertThat(blocked.get("owner").getAsString()).isEqualTo("errgroup fetch-all");
    assertThat(blocked.get("parentId").getAsLong()).isEqualTo(12);
    JsonObject untraced = json.getAsJsonArray("goroutines").get(0).getAsJsonObject();
    assertThat(untraced.get("traceId").isJsonNull()).isTrue();
    assertThat(untraced.get("blockedOn").isJsonNull()).isTrue();
  }

  @Test
  void escapesNamesInJson() {
    GoroutineInfo odd =
        new GoroutineInfo(
            1,
            "quote\" backslash\\ newline\n tab\t nul\u0000 ls\u2028",
            "go",
            0,
            null,
            SpanContext.getInvalid(),
            SpanContext.getInvalid(),
            NOW,
            null,
            null);
    String json = new GoroutineDump(NOW, List.of(odd)).toJson();

    assertThat(
            JsonParser.parseString(json)
                .getAsJsonObject()
                .getAsJsonArray("goroutines")
                .get(0)
                .getAsJsonObject()
                .get("name")
                .getAsString())
        .isEqualTo(odd.name());
    assertThat(json).doesNotContain("\n").doesNotContain("\u2028");
  }

  @Test
  void filtersKeepTheMomentAndOrderById() {
    GoroutineDump blocked = dump.filter(GoroutineInfo::blocked);

    assertThat(blocked.takenAt()).isEqualTo(NOW);
    assertThat(blocked.goroutines()).extracting(GoroutineInfo::id).containsExactly(42L);
    assertThat(dump.goroutines()).extracting(GoroutineInfo::id).containsExactly(12L, 41L, 42L);
  }
}
