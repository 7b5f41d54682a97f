package dev.shuttle.sync;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.Task;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.internal.run.TaskLauncher;
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
 * golang.org/x/sync/errgroup}, with {@code SetLimit} and {@code TryGo}, plus an optional span for
 * the whole group and an option to collect every failure.
 *
 * <p>Two kinds, as in Go:
 *
 * <ul>
 *   <li>{@link #withContext(Context)} (and {@link #builder(Context)}): the group has a derived
 *       {@linkplain #context() context}; the first task to fail cancels it, with that failure as
 *       the cause, so the other tasks stop (Shuttle's blocking calls throw, and the tasks' threads
 *       are interrupted unless the context was made by {@link Contexts#withoutInterrupt}); {@link
 *       #await()} cancels it when it returns, as Go's {@code Wait} does.
 *   <li>{@link #create()} (Go's zero {@code errgroup.Group}), or {@link
 *       Builder#cancelOnFirstFailure(boolean) cancelOnFirstFailure(false)}: a plain group that only
 *       collects: a failure cancels nothing, and the tasks run under the parent context as it is.
 * </ul>
 *
 * <p>{@link #await()} throws the first failure unchanged, with its own stack trace, and never
 * modifies it (no suppressed exceptions are added: one exception may be thrown by several tasks, or
 * be a shared constant). Later failures are recorded on their own task spans and counted in the
 * group span's {@code errgroup.failures}; as in Go they are not returned (use {@link
 * Builder#collectAllFailures()} to get them all).
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
 * <p>Memory consistency effects: actions in a thread before it calls {@code go} or {@code tryGo}
 * happen-before the task's actions, which happen-before a return from {@link #await()} (normal or
 * by throwing).
 *
 * <p>Thread-safe, except that {@link #setLimit} must not race with {@link #go}, as in Go.
 *
 * <p>Implementation note: {@code running} counts tasks between their start and their end; {@code
 * pending} (a {@link WaitGroup}) counts from {@code go} to the end, so {@code await} cannot miss a
 * task that a running task starts. The first failure is decided by a CAS on {@code firstFailure}.
 * {@code finished} makes the end of the group (span end, context cancel) happen once, under {@code
 * finishLock}, even if {@code await} is called again or from several threads, and even if ending
 * the span throws; every caller then throws the same outcome.
 */
public final class ErrGroup {
  private final Context context;
  private final @Nullable CancelableContext cancelable;
  private final @Nullable Span span;
  private final boolean collectAll;
  private final String owner;

  private static final BlockSite WAITING =
      target -> new BlockedOn.ErrGroupWait(((ErrGroup) target).owner);
  private final WaitGroup pending = new WaitGroup();
  private final AtomicLong running = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Throwable> allFailures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final ReentrantLock finishLock = new ReentrantLock();

  @GuardedBy("finishLock")
  private @Nullable Throwable outcome;

  private volatile @Nullable Semaphore limit;
  private volatile int limitValue;

  private ErrGroup(Builder builder) {
    this.owner = builder.spanName == null ? "errgroup" : "errgroup " + builder.spanName;
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
    this.collectAll = builder.collectAll;
    if (builder.cancelOnFirstFailure && !builder.collectAll) {
      this.cancelable = Contexts.withCancelCause(parent);
      this.context = cancelable.context();
    } else {
      this.cancelable = null;
      this.context = parent;
    }
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

  /**
   * Returns a plain group under the current context (Go's zero {@code errgroup.Group}): a failure
   * cancels nothing; {@link #await()} throws the first one.
   */
  public static ErrGroup create() {
    return builder(Context.current()).cancelOnFirstFailure(false).build();
  }

  /**
   * Returns a builder for a group under {@code parent}; by default its context derives from {@code
   * parent} and is cancelled by the first failure, as {@link #withContext} does.
   */
  public static Builder builder(Context parent) {
    return new Builder(Objects.requireNonNull(parent, "parent"));
  }

  /**
   * Returns the context current inside every task: for a group made by {@link #withContext}, a
   * context cancelled by the first failure (cause: that failure) or when {@link #await()} returns;
   * for a plain group, the parent context (with the group span, if any).
   */
  public Context context() {
    return context;
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
   * @throws IllegalStateException if {@link #await()} has already returned
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
    checkNotFinished();
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
        owner,
        context,
        spanName,
        attributes,
        task::run,
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

  private void checkNotFinished() {
    if (finished.get()) {
      throw new IllegalStateException(
          "go() after await() returned: this ErrGroup is finished; create a new one");
    }
  }

  private void recordFailure(Throwable failure) {
    failed.incrementAndGet();
    if (collectAll) {
      allFailures.add(failure);
    } else if (firstFailure.compareAndSet(null, failure) && cancelable != null) {
      cancelable.cancel(failure);
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
   * Waits for every task, cancels the group's derived context (if it has one), ends the group span,
   * and throws the first failure (Go's {@code Wait}). Afterwards the group accepts no more tasks.
   *
   * @throws Exception the first task failure, unchanged and unmodified; or, with {@link
   *     Builder#collectAllFailures()}, a {@link GroupFailedException} holding them all
   * @throws InterruptedException if interrupted while waiting; the tasks keep running
   */
  public void await() throws Exception {
    LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
    try {
      pending.await();
    } finally {
      GoroutineRegistry.unblock(blocked);
    }
    Throwable failure = finish();
    if (failure == null) {
      return;
    }
    throw Rethrow.failure(failure);
  }

  /** Waits until every task started so far has ended, without ending the group; for tests. */
  void awaitTasks() throws InterruptedException {
    pending.await();
  }

  private @Nullable Throwable finish() {
    finishLock.lock();
    try {
      if (!finished.get()) {
        try {
          outcome = collectAll ? aggregate() : firstFailure.get();
          endGroup(outcome);
        } finally {
          finished.set(true);
        }
      }
      return outcome;
    } finally {
      finishLock.unlock();
    }
  }

  private void endGroup(@Nullable Throwable failure) {
    try {
      if (cancelable != null) {
        cancelable.cancel(failure);
      }
    } finally {
      if (span != null) {
        endSpan(span, failure);
      }
    }
  }

  private void endSpan(Span groupSpan, @Nullable Throwable failure) {
    try {
      groupSpan.setAttribute(ShuttleAttributes.ERRGROUP_TASKS, started.get());
      groupSpan.setAttribute(ShuttleAttributes.ERRGROUP_FAILURES, failed.get());
      if (failure != null) {
        SpanOutcome.recordFailure(groupSpan, failure);
      }
    } catch (RuntimeException telemetryFailure) {
      // a broken span implementation must not replace the group's outcome
    } finally {
      groupSpan.end();
    }
  }

  private @Nullable Throwable aggregate() {
    List<Throwable> failures = new ArrayList<>(allFailures);
    return failures.isEmpty() ? null : new GroupFailedException(failures, started.get());
  }

  @Override
  public String toString() {
    return "ErrGroup{"
        + (cancelable != null ? "withContext" : "plain")
        + ", running="
        + running.get()
        + ", limit="
        + limitValue
        + (finished.get() ? ", finished" : "")
        + "}";
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
    private boolean cancelOnFirstFailure = true;

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
     * Chooses the kind of group: {@code true} (the default) derives a context that the first
     * failure cancels (Go's {@code errgroup.WithContext}); {@code false} makes a plain group whose
     * failures cancel nothing (Go's zero {@code errgroup.Group}).
     */
    public Builder cancelOnFirstFailure(boolean cancel) {
      this.cancelOnFirstFailure = cancel;
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
