package dev.shuttle.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One {@link LongAdder} per attribute set: the local side of a counter that OpenTelemetry observes.
 *
 * <p>Implementation note: the attribute-less adder is a field (no map look-up on the most common
 * path); the others live in a {@link ConcurrentHashMap} and are created with {@code
 * computeIfAbsent}, so two threads adding under the same new attribute set share one adder (a
 * load-then-store on a {@code sync.Map} would lose one of them). At most {@link #MAX_SETS}
 * attribute sets are kept; later ones are counted under {@code otel.metric.overflow=true}, as the
 * OpenTelemetry SDK does, so a high-cardinality mistake costs bounded memory. Sums are read without
 * locks: exact once writers are quiet, a moment's snapshot otherwise. Thread-safe.
 */
final class AdderMap {
  static final int MAX_SETS = 2000;
  static final Attributes OVERFLOW =
      Attributes.of(AttributeKey.booleanKey("otel.metric.overflow"), true);

  private final LongAdder unattributed = new LongAdder();
  // set once the attribute-less adder is first used, so a counter only ever added to with
  // attributes exports no extra zero point without them
  private volatile boolean unattributedUsed;
  private final ConcurrentHashMap<Attributes, LongAdder> byAttributes = new ConcurrentHashMap<>();

  void add(long delta, Attributes attributes) {
    adder(attributes).add(delta);
  }

  private LongAdder adder(Attributes attributes) {
    if (attributes.isEmpty()) {
      if (!unattributedUsed) {
        unattributedUsed = true;
      }
      return unattributed;
    }
    LongAdder existing = byAttributes.get(attributes);
    if (existing != null) {
      return existing;
    }
    Attributes key = byAttributes.size() < MAX_SETS ? attributes : OVERFLOW;
    return byAttributes.computeIfAbsent(key, k -> new LongAdder());
  }

  long sum() {
    long total = unattributed.sum();
    for (LongAdder adder : byAttributes.values()) {
      total += adder.sum();
    }
    return total;
  }

  long sum(Attributes attributes) {
    if (attributes.isEmpty()) {
      return unattributed.sum();
    }
    LongAdder adder = byAttributes.get(attributes);
    return adder == null ? 0 : adder.sum();
  }

  void observe(ObservableLongMeasurement measurement) {
    if (unattributedUsed || byAttributes.isEmpty()) { // an unused counter still reports its 0
      measurement.record(unattributed.sum());
    }
    byAttributes.forEach((attributes, adder) -> measurement.record(adder.sum(), attributes));
  }
}
