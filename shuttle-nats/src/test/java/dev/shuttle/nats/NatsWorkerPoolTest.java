package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.channel.SpanRelation;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Jobs round trip through a real nats-server: results, traces, retries, dead letters. */
@Timeout(60)
class NatsWorkerPoolTest {
  private static PoolFixture nats;

  @RegisterExtension final TestTelemetry telemetry = new TestTelemetry();

  @BeforeAll
  static void startServer() throws Exception {
    nats = PoolFixture.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (nats != null) {
      nats.close();
    }
  }

  @ParameterizedTest
  @EnumSource(SpanRelation.class)
  void aJobRoundTripsWithItsResultAndTheSubmittersTrace(SpanRelation relation) throws Exception {
    NatsWorkerPool<String, String> pool = nats.pool(relation);
    Span request = ShuttleTelemetry.tracer().spanBuilder("request").startSpan();
    Context submitter = Context.root().with(request);

    NatsJob<String> job = pool.submit(submitter, "cat", "job-1");
    String done;
    try (NatsWorkers workers = pool.startWorkers(2, (ctx, value) -> value + " rendered")) {
      done = job.result(Context.root());
    } finally {
      request.end();
    }

    assertThat(done).isEqualTo("cat rendered");
    assertThat(job.id()).isEqualTo("job-1");
    assertThat(job.duplicate()).isFalse();
    String subject = "shuttle.pool." + pool.name() + ".jobs";
    SpanData send = telemetry.spans("send " + subject).getFirst();
    SpanData process = telemetry.spans("process " + subject).getFirst();
    assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(send.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(send.getAttributes().get(ChannelAttributes.MESSAGING_MESSAGE_ID)).isEqualTo("job-1");
    assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(process.getAttributes().get(PoolAttributes.JOB_ATTEMPT)).isEqualTo(1L);
    assertThat(process.getAttributes().get(ChannelAttributes.MESSAGING_MESSAGE_ID))
        .isEqualTo("job-1");
    if (relation == SpanRelation.PARENT) {
      assertThat(process.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
      assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    } else {
      assertThat(process.getLinks()).hasSize(1);
      assertThat(process.getLinks().getFirst().getSpanContext().getTraceId())
          .isEqualTo(request.getSpanContext().getTraceId());
      assertThat(process.getLinks().getFirst().getSpanContext().getSpanId())
          .isEqualTo(send.getSpanId());
    }
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "success")).isEqualTo(1);
    assertThat(telemetry.count(PoolMetricNames.JOB_DURATION, pool.name())).isEqualTo(1);
    assertThat(telemetry.count(PoolMetricNames.QUEUE_WAIT_DURATION, pool.name())).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.WORKERS, pool.name(), null)).isZero(); // closed
    assertThat(telemetry.sum(PoolMetricNames.ACTIVE_WORKERS, pool.name(), null)).isZero();
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
  }

  @Test
  void theHandlersSpansAreChildrenOfTheProcessSpan() throws Exception {
    NatsWorkerPool<String, String> pool = nats.pool(SpanRelation.LINK);
    NatsJob<String> job = pool.submit(Context.root(), "x");
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              ShuttleTelemetry.tracer().spanBuilder("render").startSpan().end(); // current: ctx
              return "ok";
            })) {
      job.result(Context.root());
    }

    SpanData process = telemetry.spans("process shuttle.pool." + pool.name() + ".jobs").getFirst();
    SpanData render = telemetry.spans("render").getFirst();
    assertThat(render.getParentSpanId()).isEqualTo(process.getSpanId());
  }

  @Test
  void aJobThatFailsTwiceSucceedsOnItsThirdAttempt() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().maxAttempts(5).build();
    AtomicInteger calls = new AtomicInteger();
    NatsJob<String> job = pool.submit(Context.root(), "flaky");
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("backend down");
              }
              return "third time";
            })) {
      assertThat(job.result(Context.root())).isEqualTo("third time");
    }

    assertThat(calls).hasValue(3);
    List<Long> attempts =
        telemetry.spans("process shuttle.pool." + pool.name() + ".jobs").stream()
            .map(s -> s.getAttributes().get(PoolAttributes.JOB_ATTEMPT))
            .sorted()
            .toList();
    assertThat(attempts).containsExactly(1L, 2L, 3L);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_REDELIVERED, pool.name(), null)).isEqualTo(2);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "failure")).isEqualTo(2);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "success")).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_DEAD_LETTERED, pool.name(), null)).isZero();
  }

  @Test
  void aJobThatAlwaysFailsGoesToTheDeadLetterStreamAfterItsLastAttempt() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().maxAttempts(3).build();
    AtomicInteger calls = new AtomicInteger();
    NatsJob<String> job = pool.submit(Context.root(), "poison", "job-p");
    try (NatsWorkers workers =
        pool.startWorkers(
            2,
            (ctx, value) -> {
              calls.incrementAndGet();
              throw new IllegalArgumentException("cannot render " + value);
            })) {
      assertThatThrownBy(() -> job.result(Context.root()))
          .isInstanceOfSatisfying(
              NatsJobException.class,
              e -> {
                assertThat(e.outcome()).isEqualTo(NatsJobException.Outcome.DEAD_LETTERED);
                assertThat(e.attempts()).isEqualTo(3);
                assertThat(e.jobId()).isEqualTo("job-p");
                assertThat(e.getMessage())
                    .contains("java.lang.IllegalArgumentException: cannot render poison");
              });
    }

    assertThat(calls).hasValue(3);
    MessageInfo dead =
        nats.connection
            .jetStreamManagement()
            .getMessage("shuttle-pool-" + pool.name() + "-dead", 1);
    assertThat(new String(dead.getData(), StandardCharsets.UTF_8)).isEqualTo("poison");
    assertThat(dead.getHeaders().getFirst("Shuttle-Error"))
        .isEqualTo("java.lang.IllegalArgumentException: cannot render poison");
    assertThat(dead.getHeaders().getFirst("Shuttle-Attempts")).isEqualTo("3");
    assertThat(dead.getHeaders().getFirst("Shuttle-Job-Id")).isEqualTo("job-p");
    assertThat(dead.getHeaders().getFirst("traceparent")).isNotNull();
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
    assertThat(telemetry.sum(PoolMetricNames.JOBS_DEAD_LETTERED, pool.name(), null)).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "failure")).isEqualTo(3);
  }

  @Test
  void aBodyTheCodecCannotDecodeGoesToTheDeadLetterStreamAtOnce() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().maxAttempts(5).build();
    String inbox = nats.connection.createInbox();
    Subscription replies = nats.connection.subscribe(inbox);
    Headers headers = new Headers().put("Shuttle-Job-Id", "raw-1").put("Shuttle-Reply-To", inbox);
    nats.connection
        .jetStream()
        .publish(
            "shuttle.pool." + pool.name() + ".jobs",
            headers,
            new byte[] {(byte) 0xff, (byte) 0xfe});
    AtomicInteger calls = new AtomicInteger();
    Message reply;
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              calls.incrementAndGet();
              return "never";
            })) {
      reply = replies.nextMessage(Duration.ofSeconds(30));
    }

    assertThat(reply).isNotNull();
    assertThat(reply.getHeaders().getFirst("Shuttle-Outcome")).isEqualTo("dead_lettered");
    assertThat(reply.getHeaders().getFirst("Shuttle-Attempts")).isEqualTo("1");
    assertThat(calls).hasValue(0);
    MessageInfo dead =
        nats.connection
            .jetStreamManagement()
            .getMessage("shuttle-pool-" + pool.name() + "-dead", 1);
    assertThat(dead.getData()).containsExactly((byte) 0xff, (byte) 0xfe);
    assertThat(dead.getHeaders().getFirst("Shuttle-Error"))
        .isEqualTo("java.lang.IllegalArgumentException: the message body is not UTF-8");
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
    assertThat(telemetry.sum(PoolMetricNames.JOBS_DEAD_LETTERED, pool.name(), null)).isEqualTo(1);
  }

  @Test
  void aJobIdSubmittedTwiceIsStoredAndRunOnce() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    NatsJob<String> first = pool.submit(Context.root(), "once", "order-42");
    NatsJob<String> second = pool.submit(Context.root(), "once", "order-42");

    assertThat(first.duplicate()).isFalse();
    assertThat(second.duplicate()).isTrue();
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isEqualTo(1);
    AtomicInteger calls = new AtomicInteger();
    try (NatsWorkers workers =
        pool.startWorkers(2, (ctx, value) -> value + " " + calls.incrementAndGet())) {
      assertThat(first.result(Context.root())).isEqualTo("once 1");
      assertThat(second.result(Context.root())).isEqualTo("once 1");
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void workersNeverRunMoreJobsAtOnceThanTheirConcurrency() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    List<NatsJob<String>> jobs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      jobs.add(pool.submit(Context.root(), "j" + i));
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch twoRunning = new CountDownLatch(2);
    try (NatsWorkers workers =
        pool.startWorkers(
            2,
            (ctx, value) -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              twoRunning.countDown();
              try {
                assertThat(twoRunning.await(20, TimeUnit.SECONDS)).isTrue(); // both slots busy
                return value;
              } finally {
                running.decrementAndGet();
              }
            })) {
      for (NatsJob<String> job : jobs) {
        job.result(Context.root());
      }
      assertThat(workers.concurrency()).isEqualTo(2);
    }

    assertThat(most).hasValue(2);
  }
}
