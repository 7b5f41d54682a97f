package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Estimates how many heap bytes a received OTLP message takes once stored, computed once per item
 * when it is added to the {@link TelemetryStore}.
 *
 * <p>An estimate is the message's serialized size (which stands for the content: string and bytes
 * payloads, numbers) plus the overhead of every Java object that holds it, found by walking the
 * message:
 *
 * <ul>
 *   <li>each message object: its shallow size, computed once per class from its declared instance
 *       fields (a 12-byte header, 4-byte references with compressed oops, 8-byte alignment) - the
 *       model JOL uses, without JOL: a {@code Span} is 104 bytes, a {@code KeyValue} 40;
 *   <li>each non-empty string or bytes field: {@value #TEXT} bytes ({@code String} or {@code
 *       ByteString} object 24, array header 16, padding 4 on average);
 *   <li>each {@code int} or {@code double} held in a oneof ({@code AnyValue}, data point values): a
 *       boxed value, {@value #BOX} bytes;
 *   <li>each non-empty repeated message field: {@value #LIST} bytes ({@code ArrayList}, its
 *       unmodifiable wrapper, the array header) plus {@value #SLOT} per element (a reference and
 *       the growth slack of a list built by appending);
 *   <li>each non-empty packed number list (histogram buckets): {@value #PRIMITIVE_LIST} bytes plus
 *       growth slack (2 bytes per element), or plus 8 per element for varints, which the wire packs
 *       tighter than a {@code long[]}.
 * </ul>
 *
 * <p>Measured (the heap in use after {@code System.gc()}, before and after parsing tens of
 * thousands of messages from their wire form; JDK 25, G1, compressed oops; see {@code
 * SizeEstimatorTest}): a span with ten attributes and an event, 531 bytes on the wire, takes 2,824
 * bytes of heap and is estimated at 3,043; a minimal span 272 (estimate 304), a span with a
 * 100-number array attribute 7,556 (8,868); a metric batch of 50 number points 24,705 (28,196), of
 * 20 histogram points 14,969 (16,832); a log batch of 20 records 13,465 (14,221). So estimates run
 * 5% to 17% above the heap, while the heap is 2.5 to 10 times the wire size depending on the shape:
 * a plain factor of the serialized size would let a sender of many small objects (a 10,000-number
 * array is 5 bytes a number on the wire and about 75 in the heap) pass the budget several times
 * over. Strings with characters beyond Latin-1 take up to twice their UTF-8 size as {@code
 * String}s; the estimate does not chase that.
 *
 * <p>Thread-safety: stateless apart from an immutable per-class cache; safe from any thread.
 */
final class SizeEstimator {
  /** Whether references are 4 bytes: HotSpot compresses them below a 32 GiB heap. */
  private static final boolean COMPRESSED_OOPS =
      Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;

  /** The size of a reference. */
  static final int REF = COMPRESSED_OOPS ? 4 : 8;

  /** An object header with compressed class pointers (HotSpot's default). */
  private static final int HEADER = 12;

  /** A non-empty string or bytes field beyond its content: object, array header, padding. */
  static final int TEXT = 44;

  /** A boxed {@code Long} or {@code Double}. */
  static final int BOX = 24;

  /** A non-empty repeated message field: list, unmodifiable wrapper, array header. */
  static final int LIST = 64;

  /** Each element of a repeated message field: a reference plus growth slack. */
  static final int SLOT = 6;

  /** A non-empty packed number list ({@code LongArrayList}, {@code DoubleArrayList}). */
  static final int PRIMITIVE_LIST = 40;

  private static final ClassValue<Integer> SHALLOW =
      new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
          long size = HEADER;
          for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              if (!Modifier.isStatic(field.getModifiers())) {
                size += fieldSize(field.getType());
              }
            }
          }
          return (int) align(size);
        }
      };

  private SizeEstimator() {}

  /** The shallow size of an object of the given class, as HotSpot lays it out. */
  static long shallow(Class<?> type) {
    return SHALLOW.get(type);
  }

  /** Rounds up to HotSpot's 8-byte object alignment. */
  static long align(long size) {
    return (size + 7) & ~7L;
  }

  private static int fieldSize(Class<?> type) {
    if (type == long.class || type == double.class) {
      return 8;
    }
    if (type == int.class || type == float.class) {
      return 4;
    }
    if (type == short.class || type == char.class) {
      return 2;
    }
    if (type == byte.class || type == boolean.class) {
      return 1;
    }
    return REF;
  }

  // ---------------------------------------------------------------- spans

  /**
   * Estimates a span with its attributes, events, links and status; its resource and scope are
   * estimated on their own with {@link #part}, as many spans share them.
   */
  static long span(Span span) {
    long bytes = span.getSerializedSize() + shallow(Span.class);
    bytes += bytes(span.getTraceId()) + bytes(span.getSpanId()) + bytes(span.getParentSpanId());
    bytes += text(span.getTraceStateBytes()) + TEXT; // the name
    bytes += attributes(span.getAttributesList());
    if (span.getEventsCount() > 0) {
      bytes += LIST;
      for (Span.Event event : span.getEventsList()) {
        bytes += SLOT + shallow(Span.Event.class) + TEXT + attributes(event.getAttributesList());
      }
    }
    if (span.getLinksCount() > 0) {
      bytes += LIST;
      for (Span.Link link : span.getLinksList()) {
        bytes += SLOT + shallow(Span.Link.class);
        bytes += bytes(link.getTraceId()) + bytes(link.getSpanId());
        bytes += text(link.getTraceStateBytes()) + attributes(link.getAttributesList());
      }
    }
    if (span.hasStatus()) {
      bytes += shallow(Status.class) + text(span.getStatus().getMessageBytes());
    }
    return bytes;
  }

  /**
   * Estimates a resource or an instrumentation scope with its schema URL, the parts that spans of
   * one {@code ResourceSpans} or {@code ScopeSpans} share.
   */
  static long part(Message part, String schemaUrl) {
    long bytes = part.getSerializedSize() + 2L * schemaUrl.length() + overhead(part);
    return schemaUrl.isEmpty() ? bytes : bytes + TEXT;
  }

  private static long overhead(Message part) {
    return switch (part) {
      case Resource resource -> resource(resource);
      case InstrumentationScope scope -> scope(scope);
      default -> shallow(part.getClass());
    };
  }

  private static long resource(Resource resource) {
    return shallow(Resource.class) + attributes(resource.getAttributesList());
  }

  private static long scope(InstrumentationScope scope) {
    return shallow(InstrumentationScope.class)
        + text(scope.getNameBytes())
        + text(scope.getVersionBytes())
        + attributes(scope.getAttributesList());
  }

  // ---------------------------------------------------------------- metrics

  /** Estimates a metric batch as stored: the whole {@code ResourceMetrics}. */
  static long resourceMetrics(ResourceMetrics batch) {
    long bytes = batch.getSerializedSize() + shallow(ResourceMetrics.class);
    bytes += resource(batch.getResource()) + text(batch.getSchemaUrlBytes());
    if (batch.getScopeMetricsCount() > 0) {
      bytes += LIST;
      for (ScopeMetrics scope : batch.getScopeMetricsList()) {
        bytes += SLOT + shallow(ScopeMetrics.class) + scope(scope.getScope());
        bytes += text(scope.getSchemaUrlBytes());
        if (scope.getMetricsCount() > 0) {
          bytes += LIST;
          for (Metric metric : scope.getMetricsList()) {
            bytes += SLOT + metric(metric);
          }
        }
      }
    }
    return bytes;
  }

  private static long metric(Metric metric) {
    long bytes = shallow(Metric.class) + TEXT; // the name
    bytes += text(metric.getDescriptionBytes()) + text(metric.getUnitBytes());
    bytes += attributes(metric.getMetadataList());
    return bytes
        + switch (metric.getDataCase()) {
          case GAUGE -> {
            Gauge gauge = metric.getGauge();
            yield shallow(Gauge.class) + numberPoints(gauge.getDataPointsList());
          }
          case SUM -> {
            Sum sum = metric.getSum();
            yield shallow(Sum.class) + numberPoints(sum.getDataPointsList());
          }
          case HISTOGRAM -> {
            Histogram histogram = metric.getHistogram();
            long points = histogram.getDataPointsCount() == 0 ? 0 : LIST;
            for (HistogramDataPoint point : histogram.getDataPointsList()) {
              points += SLOT + shallow(HistogramDataPoint.class) + pointCommon(point);
            }
            yield shallow(Histogram.class) + points;
          }
          case EXPONENTIAL_HISTOGRAM -> {
            ExponentialHistogram histogram = metric.getExponentialHistogram();
            long points = histogram.getDataPointsCount() == 0 ? 0 : LIST;
            for (ExponentialHistogramDataPoint point : histogram.getDataPointsList()) {
              points += SLOT + shallow(ExponentialHistogramDataPoint.class);
              points += attributes(point.getAttributesList()) + exemplars(point.getExemplarsList());
              points += buckets(point.hasPositive(), point.getPositive());
              points += buckets(point.hasNegative(), point.getNegative());
            }
            yield shallow(ExponentialHistogram.class) + points;
          }
          case SUMMARY -> {
            Summary summary = metric.getSummary();
            long points = summary.getDataPointsCount() == 0 ? 0 : LIST;
            for (SummaryDataPoint point : summary.getDataPointsList()) {
              points += SLOT + shallow(SummaryDataPoint.class);
              points += attributes(point.getAttributesList());
              int quantiles = point.getQuantileValuesCount();
              if (quantiles > 0) {
                points +=
                    LIST
                        + (long) quantiles
                            * (SLOT + shallow(SummaryDataPoint.ValueAtQuantile.class));
              }
            }
            yield shallow(Summary.class) + points;
          }
          case DATA_NOT_SET -> 0L;
        };
  }

  private static long numberPoints(List<NumberDataPoint> points) {
    long bytes = points.isEmpty() ? 0 : LIST;
    for (NumberDataPoint point : points) {
      bytes += SLOT + shallow(NumberDataPoint.class);
      bytes += attributes(point.getAttributesList()) + exemplars(point.getExemplarsList());
      bytes += point.getValueCase() == NumberDataPoint.ValueCase.VALUE_NOT_SET ? 0 : BOX;
    }
    return bytes;
  }

  private static long pointCommon(HistogramDataPoint point) {
    return attributes(point.getAttributesList())
        + exemplars(point.getExemplarsList())
        + fixedNumbers(point.getBucketCountsCount())
        + fixedNumbers(point.getExplicitBoundsCount());
  }

  private static long buckets(boolean present, ExponentialHistogramDataPoint.Buckets buckets) {
    return present
        ? shallow(ExponentialHistogramDataPoint.Buckets.class)
            + varintNumbers(buckets.getBucketCountsCount())
        : 0;
  }

  /** A packed list of 8-byte numbers on the wire too: the serialized size has the content. */
  private static long fixedNumbers(int count) {
    return count == 0 ? 0 : PRIMITIVE_LIST + 2L * count;
  }

  /** A packed list of varints, 1 to 10 bytes each on the wire and 8 in a {@code long[]}. */
  private static long varintNumbers(int count) {
    return count == 0 ? 0 : PRIMITIVE_LIST + 8L * count;
  }

  private static long exemplars(List<Exemplar> exemplars) {
    long bytes = exemplars.isEmpty() ? 0 : LIST;
    for (Exemplar exemplar : exemplars) {
      bytes += SLOT + shallow(Exemplar.class) + attributes(exemplar.getFilteredAttributesList());
      bytes += bytes(exemplar.getSpanId()) + bytes(exemplar.getTraceId());
      bytes += exemplar.getValueCase() == Exemplar.ValueCase.VALUE_NOT_SET ? 0 : BOX;
    }
    return bytes;
  }

  /** Returns the number of data points of a metric; a metric without data has none. */
  static int dataPoints(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  /** Returns the number of data points of a metric batch. */
  static int dataPoints(ResourceMetrics batch) {
    int points = 0;
    for (ScopeMetrics scope : batch.getScopeMetricsList()) {
      for (Metric metric : scope.getMetricsList()) {
        points += dataPoints(metric);
      }
    }
    return points;
  }

  // ---------------------------------------------------------------- logs

  /** Estimates a log batch as stored: the whole {@code ResourceLogs}. */
  static long resourceLogs(ResourceLogs batch) {
    long bytes = batch.getSerializedSize() + shallow(ResourceLogs.class);
    bytes += resource(batch.getResource()) + text(batch.getSchemaUrlBytes());
    if (batch.getScopeLogsCount() > 0) {
      bytes += LIST;
      for (ScopeLogs scope : batch.getScopeLogsList()) {
        bytes += SLOT + shallow(ScopeLogs.class) + scope(scope.getScope());
        bytes += text(scope.getSchemaUrlBytes());
        if (scope.getLogRecordsCount() > 0) {
          bytes += LIST;
          for (LogRecord record : scope.getLogRecordsList()) {
            bytes += SLOT + logRecord(record);
          }
        }
      }
    }
    return bytes;
  }

  private static long logRecord(LogRecord record) {
    long bytes = shallow(LogRecord.class) + text(record.getSeverityTextBytes());
    bytes += record.hasBody() ? anyValue(record.getBody()) : 0;
    bytes += attributes(record.getAttributesList());
    bytes += bytes(record.getTraceId()) + bytes(record.getSpanId());
    return bytes + text(record.getEventNameBytes());
  }

  /** Returns the number of log records of a log batch. */
  static int logRecords(ResourceLogs batch) {
    int records = 0;
    for (ScopeLogs scope : batch.getScopeLogsList()) {
      records += scope.getLogRecordsCount();
    }
    return records;
  }

  // ---------------------------------------------------------------- common

  private static long attributes(List<KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return 0;
    }
    long bytes = LIST;
    for (KeyValue attribute : attributes) {
      bytes += SLOT + keyValue(attribute);
    }
    return bytes;
  }

  private static long keyValue(KeyValue attribute) {
    long bytes = shallow(KeyValue.class) + TEXT; // the key
    return attribute.hasValue() ? bytes + anyValue(attribute.getValue()) : bytes;
  }

  private static long anyValue(AnyValue value) {
    long bytes = shallow(AnyValue.class);
    return bytes
        + switch (value.getValueCase()) {
          case STRING_VALUE, BYTES_VALUE -> TEXT;
          case INT_VALUE, DOUBLE_VALUE, STRING_VALUE_STRINDEX -> BOX;
          case BOOL_VALUE, VALUE_NOT_SET -> 0L;
          case ARRAY_VALUE -> {
            ArrayValue array = value.getArrayValue();
            long elements = shallow(ArrayValue.class) + (array.getValuesCount() == 0 ? 0 : LIST);
            for (AnyValue element : array.getValuesList()) {
              elements += SLOT + anyValue(element);
            }
            yield elements;
          }
          case KVLIST_VALUE -> {
            KeyValueList list = value.getKvlistValue();
            yield shallow(KeyValueList.class) + attributes(list.getValuesList());
          }
        };
  }

  private static long bytes(ByteString bytes) {
    return bytes.isEmpty() ? 0 : TEXT;
  }

  private static long text(ByteString utf8) {
    return utf8.isEmpty() ? 0 : TEXT;
  }
}
