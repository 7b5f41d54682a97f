package dev.shuttle.sync;

import dev.shuttle.Task;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.SpanOutcome;
import dev.shuttle.internal.TaskLauncher;
import dev.shuttle.telemetry.ShuttleAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Runs a group of tasks on virtual threads and returns the first failure: Go's {@code
 * golang.org/x/sync/errgroup}, with its context, {@code SetLimit} and {@code TryGo}, plus an
 * optional span for the whole group and an option to collect every failure.
 *
 * <p>The first task to fail cancels the group's {@linkplain #context() context} with that failure
 * as the cause, and is what {@link #await()} throws, unchanged and with its own stack trace; later
 * failures are attached to it as suppressed exceptions (except the {@link ContextDoneException}s
 * that merely report the group's own cancellation). {@code await()} cancels the context when it
 * returns, as Go's {@code Wait} does.
 *
 * {@snippet :
 * ErrGroup group = ErrGroup.builder(Context.current()).span("errgroup-tasks").limit(8).build();
 * for (int i = 0; i < tasks.size(); i++) {
 *   String name = tasks.get(i);
 *   group.go("errgroup-task", Attributes.of(TASK_INDEX, (long) i, TASK_NAME, name),
 *       () -> process(name)); // sees group.context() as Context.current()
 * }
 * group.await(); // throws the first failure; the group span has status ERROR
 * }
 *
 * <p>Thread-safe, except that {@link #setLimit} must not race with {@link #go}, as in Go.
 *
 * <p>Implementation note: {@code running} counts tasks between their start and their end; {@code
 * pending} (a {@link WaitGroup}) counts from {@code go} to the end, so {@code await} cannot miss a
 * task that a running task starts. The first failure is decided by a CAS on {@code firstFailure};
 * the loser's failure goes to {@code laterFailures}. {@code finished} makes the end of the group
 * (span end, context cancel, suppressed attachment) happen once, under {@code finishLock}, even if
 * {@code await} is called again or from several threads; every caller then throws the same outcome.
 */
public final class ErrGroup {
  private final CancelableContext context;
  private final @Nullable Span span;
  private final boolean collectAll;
  private final WaitGroup pending = new WaitGroup();
  private final AtomicLong running = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Throwable> laterFailures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Throwable> allFailures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final ReentrantLock finishLock = new ReentrantLock();
  // @GuardedBy("finishLock"); meaningful once finished is true
  private @Nullable Throwable outcome;
  private volatile @Nullable Semaphore limit;
  private volatile int limitValue;

  private ErrGroup(Builder builder) {
    Context parent = builder.parent;
    if (builder.spanName != null) {
      Span groupSpan =
          ShuttleTelemetry.tracer()
              .spanBuilder(builder.spanName)
              .setParent(parent)
              .setAllAttributes(builder.spanAttributes)
              .startSpan();
      if (builder.limit > 0) {
        groupSpan.setAttribute(ShuttleAttributes.ERRGROUP_LIMIT, builder.limit);
      }
      parent = parent.with(groupSpan);
      this.span = groupSpan;
    } else {
      this.span = null;
    }
    this.context = Contexts.withCancelCause(parent);
    this.collectAll = builder.collectAll;
    if (builder.limit > 0) {
      this.limit = new Semaphore(builder.limit);
      this.limitValue = builder.limit;
    }
  }

  /**
   * Returns a group whose context derives from {@code parent} and is cancelled by the first failure
   * (Go's {@code errgroup.WithContext}).
   */
  public static ErrGroup withContext(Context parent) {
    return builder(parent).build();
  }

  /** Returns a group under the current context (Go's zero {@code errgroup.Group}). */
  public static ErrGroup create() {
    return withContext(Context.current());
  }

  /** Returns a builder for a group whose context derives from {@code parent}. */
  public static Builder builder(Context parent) {
    return new Builder(Objects.requireNonNull(parent, "parent"));
  }

  /**
   * Returns the group's context: current inside every task, cancelled by the first failure (cause:
   * that failure) or when {@link #await()} returns.
   */
  public Context context() {
    return context.context();
  }

  /**
   * Runs {@code task} on a new virtual thread with the group's context current. At the concurrency
   * limit, blocks until a running task ends.
   *
   * @throws InterruptedException if interrupted while waiting for a free slot; the task is not
   *     started
   * @throws IllegalStateException if {@link #await()} has already returned
   */
  public void go(Task task) throws InterruptedException {
    start(null, Attributes.empty(), task, true);
  }

  /** As {@link #go(Task)}, inside a child span named {@code spanName} with {@code attributes}. */
  public void go(String spanName, Attributes attributes, Task task) throws InterruptedException {
    start(
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task,
        true);
  }

  /**
   * Runs {@code task} only if the group is below its limit (Go's {@code TryGo}).
   *
   * @return {@code true} if the task was started, {@code false} at the limit
   */
  public boolean tryGo(Task task) {
    return startWithoutWaiting(null, Attributes.empty(), task);
  }

  /**
   * As {@link #tryGo(Task)}, inside a child span named {@code spanName} with {@code attributes}.
   */
  public boolean tryGo(String spanName, Attributes attributes, Task task) {
    return startWithoutWaiting(
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task);
  }

  private boolean startWithoutWaiting(@Nullable String spanName, Attributes attributes, Task task) {
    try {
      return start(spanName, attributes, task, false);
    } catch (InterruptedException e) {
      throw new AssertionError("a non-blocking start cannot be interrupted", e);
    }
  }

  private boolean start(@Nullable String spanName, Attributes attributes, Task task, boolean wait)
      throws InterruptedException {
    Objects.requireNonNull(task, "task");
    if (finished.get()) {
      throw new IllegalStateException(
          "go() after await() returned: this ErrGroup is finished; create a new one");
    }
    Semaphore slots = limit;
    if (slots != null) {
      if (wait) {
        slots.acquire();
      } else if (!slots.tryAcquire()) {
        return false;
      }
    }
    pending.add(1);
    running.incrementAndGet();
    started.incrementAndGet();
    TaskLauncher.launch(
        context.context(),
        spanName,
        attributes,
        task,
        failure -> {
          try {
            if (failure != null) {
              recordFailure(failure);
            }
          } finally {
            running.decrementAndGet();
            if (slots != null) {
              slots.release();
            }
            pending.done();
          }
        });
    return true;
  }

  private void recordFailure(Throwable failure) {
    if (collectAll) {
      allFailures.add(failure);
      return;
    }
    if (firstFailure.compareAndSet(null, failure)) {
      context.cancel(failure);
    } else {
      laterFailures.add(failure);
    }
  }

  /**
   * Limits the group to {@code n} tasks running at once (Go's {@code SetLimit}): {@link #go} blocks
   * and {@link #tryGo} returns {@code false} at the limit.
   *
   * @throws IllegalArgumentException if {@code n < 1}; use {@link #removeLimit()} for no limit
   * @throws IllegalStateException if tasks are running
   */
  public void setLimit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "ErrGroup limit must be at least 1, was " + n + "; call removeLimit() for no limit");
    }
    checkNoneRunning("setLimit(" + n + ")");
    limit = new Semaphore(n);
    limitValue = n;
  }

  /**
   * Removes the limit (Go's {@code SetLimit(-1)}).
   *
   * @throws IllegalStateException if tasks are running
   */
  public void removeLimit() {
    checkNoneRunning("removeLimit()");
    limit = null;
    limitValue = 0;
  }

  /** Returns the current limit, or 0 when there is none. */
  public int limit() {
    return limitValue;
  }

  private void checkNoneRunning(String call) {
    long active = running.get();
    if (active > 0) {
      throw new IllegalStateException(
          "cannot call " + call + " while " + active + " tasks of this ErrGroup are still running");
    }
  }

  /**
   * Waits for every task, cancels the group's context, and throws the first failure (Go's {@code
   * Wait}).
   *
   * @throws Exception the first task failure, unchanged (later ones attached as suppressed); or,
   *     with {@link Builder#collectAllFailures()}, a {@link GroupFailedException} holding them all
   * @throws InterruptedException if interrupted while waiting; the tasks keep running
   */
  public void await() throws Exception {
    pending.await();
    Throwable failure = finish();
    if (failure == null) {
      return;
    }
    throw Rethrow.failure(failure);
  }

  private @Nullable Throwable finish() {
    finishLock.lock();
    try {
      if (!finished.get()) {
        outcome = endGroup();
        finished.set(true);
      }
      return outcome;
    } finally {
      finishLock.unlock();
    }
  }

  private @Nullable Throwable endGroup() {
    Throwable first = firstFailure.get();
    Throwable failure = collectAll ? aggregate() : first;
    if (first != null) {
      for (Throwable later : laterFailures) {
        if (!isEcho(later, first)) {
          first.addSuppressed(later);
        }
      }
    }
    context.cancel(failure);
    if (span != null) {
      span.setAttribute(ShuttleAttributes.ERRGROUP_TASKS, started.get());
      span.setAttribute(
          ShuttleAttributes.ERRGROUP_FAILURES,
          collectAll ? allFailures.size() : (first == null ? 0 : 1 + laterFailures.size()));
      if (failure != null) {
        SpanOutcome.recordFailure(span, failure);
      }
      span.end();
    }
    return failure;
  }

  private @Nullable Throwable aggregate() {
    List<Throwable> failures = new ArrayList<>(allFailures);
    return failures.isEmpty() ? null : new GroupFailedException(failures, started.get());
  }

  /** A failure that only reports the group's own cancellation by {@code first}. */
  private static boolean isEcho(Throwable later, Throwable first) {
    ContextDoneException done = SpanOutcome.findContextDone(later);
    return done != null && first.equals(done.getCause()); // Throwable equality is identity
  }

  @Override
  public String toString() {
    return "ErrGroup{running=" + running.get() + ", limit=" + limitValue + "}";
  }

  /**
   * Configures an {@link ErrGroup}; each setting is checked at once.
   *
   * <p>Not thread-safe; build once and share the group.
   */
  public static final class Builder {
    private final Context parent;
    private @Nullable String spanName;
    private Attributes spanAttributes = Attributes.empty();
    private int limit;
    private boolean collectAll;

    private Builder(Context parent) {
      this.parent = parent;
    }

    /**
     * Opens a span named {@code name} for the whole group, parent of every traced task; it ends
     * when {@link ErrGroup#await()} returns, with status ERROR and the failure if one occurred.
     */
    public Builder span(String name) {
      return span(name, Attributes.empty());
    }

    /** As {@link #span(String)}, with {@code attributes} on the group span. */
    public Builder span(String name, Attributes attributes) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("ErrGroup span name must not be blank");
      }
      this.spanName = name;
      this.spanAttributes = Objects.requireNonNull(attributes, "attributes");
      return this;
    }

    /** Limits the group to {@code n} tasks running at once; see {@link ErrGroup#setLimit}. */
    public Builder limit(int n) {
      if (n < 1) {
        throw new IllegalArgumentException(
            "ErrGroup limit must be at least 1, was " + n + "; leave it unset for no limit");
      }
      this.limit = n;
      return this;
    }

    /**
     * Collects every failure instead of stopping at the first: failures do not cancel the group,
     * and {@link ErrGroup#await()} throws a {@link GroupFailedException} holding them all.
     */
    public Builder collectAllFailures() {
      this.collectAll = true;
      return this;
    }

    /** Returns the group; its span, if any, starts now. */
    public ErrGroup build() {
      return new ErrGroup(this);
    }
  }
}
