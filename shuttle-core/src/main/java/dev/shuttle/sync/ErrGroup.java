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
import dev.shuttle.internal.run.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 *       ErrGroupBuilder#cancelOnFirstFailure(boolean) cancelOnFirstFailure(false)}: a plain group
 *       that only collects: a failure cancels nothing, and the tasks run under the parent context
 *       as it is.
 * </ul>
 *
 * <p>{@link #await()} throws the first failure unchanged, with its own stack trace, and never
 * modifies it (no suppressed exceptions are added: one exception may be thrown by several tasks, or
 * be a shared constant). Later failures are recorded on their own task spans and counted in the
 * group span's {@code errgroup.failures}; as in Go they are not returned (use {@link
 * ErrGroupBuilder#collectAllFailures()} to get them all).
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
 * <p>Implementation note: the group's parts each hold one piece of its state: {@link GroupLimit}
 * counts tasks between their start and their end and holds the limit; {@link GroupFailures} decides
 * the first failure (by a CAS) or collects them all; {@link GroupSpan} is the group span. {@code
 * pending} (a {@link WaitGroup}) counts from {@code go} to the end, so {@code await} cannot miss a
 * task that a running task starts. {@code finished} makes the end of the group (span end, context
 * cancel) happen once, under {@code finishLock}, even if {@code await} is called again or from
 * several threads, and even if ending the span throws; every caller then throws the same outcome.
 */
public final class ErrGroup {
  private static final BlockSite WAITING =
      target -> new BlockedOn.ErrGroupWait(((ErrGroup) target).owner);

  private final Context context;
  private final @Nullable CancelableContext cancelable;
  private final @Nullable GroupSpan span;
  private final String owner;
  private final GroupLimit limit;
  private final GroupFailures failures;
  private final WaitGroup pending = WaitGroup.create();
  private final AtomicLong started = new AtomicLong();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final ReentrantLock finishLock = new ReentrantLock();

  @GuardedBy("finishLock")
  private @Nullable Throwable outcome;

  ErrGroup(ErrGroupBuilder builder) {
    this.owner = builder.spanName == null ? "errgroup" : "errgroup " + builder.spanName;
    Context parent = builder.parent;
    if (builder.spanName != null) {
      GroupSpan groupSpan = GroupSpan.start(builder, builder.spanName);
      parent = groupSpan.under(parent);
      this.span = groupSpan;
    } else {
      this.span = null;
    }
    if (builder.cancelOnFirstFailure && !builder.collectAll) {
      this.cancelable = Contexts.withCancelCause(parent);
      this.context = cancelable.context();
    } else {
      this.cancelable = null;
      this.context = parent;
    }
    this.failures = new GroupFailures(builder.collectAll, cancelable);
    this.limit = new GroupLimit(builder.limit);
  }

  /**
   * Returns a group whose context derives from {@code parent} and is cancelled by the first failure
   * (Go's {@code errgroup.WithContext}).
   *
   * @param parent the context the group's context derives from: its span is the parent of the
   *     tasks' spans, and its cancellation reaches every task
   * @return a new group, with no limit and no group span
   */
  public static ErrGroup withContext(Context parent) {
    return builder(parent).build();
  }

  /**
   * Returns a plain group under the current context (Go's zero {@code errgroup.Group}): a failure
   * cancels nothing; {@link #await()} throws the first one.
   *
   * @return a new group, with no limit and no group span
   */
  public static ErrGroup create() {
    return builder(Context.current()).cancelOnFirstFailure(false).build();
  }

  /**
   * Returns a builder for a group under {@code parent}; by default its context derives from {@code
   * parent} and is cancelled by the first failure, as {@link #withContext} does.
   *
   * @param parent the context the group runs under: its span is the parent of the group's spans,
   *     and its cancellation reaches every task
   * @return a new builder
   */
  public static ErrGroupBuilder builder(Context parent) {
    return new ErrGroupBuilder(parent);
  }

  /**
   * Returns the context current inside every task: for a group made by {@link #withContext}, a
   * context cancelled by the first failure (cause: that failure) or when {@link #await()} returns;
   * for a plain group, the parent context (with the group span, if any).
   *
   * @return the context the tasks run under
   */
  public Context context() {
    return context;
  }

  /**
   * Runs {@code task} on a new virtual thread with the group's context current. At the concurrency
   * limit, blocks until a running task ends.
   *
   * @param task the work to run; its failure fails the group (see {@link #await()})
   * @throws InterruptedException if interrupted while waiting for a free slot; the task is not
   *     started
   * @throws IllegalStateException if {@link #await()} has already returned
   */
  public void go(Task task) throws InterruptedException {
    start(null, Attributes.empty(), task, true);
  }

  /**
   * As {@link #go(Task)}, inside a child span named {@code spanName} with {@code attributes}.
   *
   * @param spanName the name of the task's span
   * @param attributes the attributes of the task's span
   * @param task the work to run; its failure fails the group (see {@link #await()})
   * @throws InterruptedException if interrupted while waiting for a free slot; the task is not
   *     started
   * @throws IllegalStateException if {@link #await()} has already returned
   */
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
   * @param task the work to run; its failure fails the group (see {@link #await()})
   * @return {@code true} if the task was started, {@code false} at the limit
   * @throws IllegalStateException if {@link #await()} has already returned
   */
  public boolean tryGo(Task task) {
    return startWithoutWaiting(null, Attributes.empty(), task);
  }

  /**
   * As {@link #tryGo(Task)}, inside a child span named {@code spanName} with {@code attributes}.
   *
   * @param spanName the name of the task's span
   * @param attributes the attributes of the task's span
   * @param task the work to run; its failure fails the group (see {@link #await()})
   * @return {@code true} if the task was started, {@code false} at the limit
   * @throws IllegalStateException if {@link #await()} has already returned
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
    GroupLimit.Slot slot = limit.take(wait);
    if (slot == null) {
      return false;
    }
    pending.add(1);
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
              failures.record(failure);
            }
          } finally {
            slot.release();
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

  /**
   * Limits the group to {@code n} tasks running at once (Go's {@code SetLimit}): {@link #go} blocks
   * and {@link #tryGo} returns {@code false} at the limit.
   *
   * @param n the most tasks that may run at once
   * @throws IllegalArgumentException if {@code n < 1}; use {@link #removeLimit()} for no limit
   * @throws IllegalStateException if tasks are running
   */
  public void setLimit(int n) {
    limit.set(n);
  }

  /**
   * Removes the limit (Go's {@code SetLimit(-1)}).
   *
   * @throws IllegalStateException if tasks are running
   */
  public void removeLimit() {
    limit.remove();
  }

  /**
   * Returns the current limit, or 0 when there is none.
   *
   * @return the most tasks that may run at once, or 0
   */
  public int limit() {
    return limit.value();
  }

  /**
   * Waits for every task, cancels the group's derived context (if it has one), ends the group span,
   * and throws the first failure (Go's {@code Wait}). Afterwards the group accepts no more tasks.
   *
   * @throws Exception the first task failure, unchanged and unmodified; or, with {@link
   *     ErrGroupBuilder#collectAllFailures()}, a {@link GroupFailedException} holding them all
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
          outcome = failures.outcome(started.get());
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
        span.end(started.get(), failures.count(), failure);
      }
    }
  }

  @Override
  public String toString() {
    return "ErrGroup{"
        + (cancelable != null ? "withContext" : "plain")
        + ", running="
        + limit.running()
        + ", limit="
        + limit.value()
        + (finished.get() ? ", finished" : "")
        + "}";
  }
}
