package dev.shuttle.internal;

import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.inspect.GoroutineInfo;
import io.opentelemetry.api.trace.SpanContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The registry's record of one goroutine while it lives: fixed facts from its start, the span it
 * runs in, and what it is blocked on since when.
 *
 * <p>Implementation note: only the goroutine's own thread writes (a single writer), and snapshots
 * on other threads read. The block state — {@code target}, {@code site}, {@code since} — is
 * published under a sequence lock: the writer makes {@code seq} odd (opaque write, then a
 * store-store fence), writes the fields (opaque), and makes {@code seq} even again with a release
 * write; a reader reads {@code seq} (acquire), the fields (opaque), a load-load fence, and {@code
 * seq} again, and retries while the two differ or are odd. So a snapshot never pairs one block's
 * target with another's time, and the writer never waits or allocates: on x86 every one of these
 * accesses is a plain move. {@code seq / 2} counts blocks, which tells the stall detector one stall
 * from the next. {@code runningIn} is a single opaque reference to an immutable record (a pool
 * worker's changes per job).
 */
public final class LiveGoroutine {
  private static final VarHandle SEQ;
  private static final VarHandle TARGET;
  private static final VarHandle SITE;
  private static final VarHandle SINCE;
  private static final VarHandle SPAN;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SEQ = lookup.findVarHandle(LiveGoroutine.class, "seq", long.class);
      TARGET = lookup.findVarHandle(LiveGoroutine.class, "target", Object.class);
      SITE = lookup.findVarHandle(LiveGoroutine.class, "site", BlockSite.class);
      SINCE = lookup.findVarHandle(LiveGoroutine.class, "since", long.class);
      SPAN = lookup.findVarHandle(LiveGoroutine.class, "runningIn", RunningIn.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final long id;
  final Thread thread;
  final String owner;
  final long parentId;
  final long startedNanos;

  // The neighbours in the registry's stripe; guarded by that stripe's lock (see LiveSet).
  @Nullable LiveGoroutine prev;
  @Nullable LiveGoroutine next;

  @SuppressWarnings("unused") // accessed through SEQ
  private long seq;

  @SuppressWarnings("unused") // accessed through TARGET
  private @Nullable Object target;

  @SuppressWarnings("unused") // accessed through SITE
  private @Nullable BlockSite site;

  @SuppressWarnings("unused") // accessed through SINCE
  private long since;

  @SuppressWarnings("unused") // accessed through SPAN
  private RunningIn runningIn;

  LiveGoroutine(
      Thread thread, String owner, long parentId, RunningIn runningIn, long startedNanos) {
    this.id = thread.threadId();
    this.thread = thread;
    this.owner = owner;
    this.parentId = parentId;
    this.runningIn = runningIn;
    this.startedNanos = startedNanos;
  }

  /**
   * The span a goroutine runs in: its own span named {@code name} (child of {@code parent}), or,
   * when {@code name} is {@code null}, a span it inherited ({@code parent} equals {@code span}).
   */
  public record RunningIn(@Nullable String name, SpanContext span, SpanContext parent) {
    /** Running in no span. */
    public static final RunningIn NONE =
        new RunningIn(null, SpanContext.getInvalid(), SpanContext.getInvalid());

    /**
     * Running in its own span {@code span} named {@code name}, child of {@code parent}; or in the
     * inherited {@code parent} when no span of its own was made (a no-op tracer hands back the
     * parent's).
     */
    public static RunningIn own(String name, SpanContext span, SpanContext parent) {
      return span.equals(parent) ? inherited(parent) : new RunningIn(name, span, parent);
    }

    /** Running in an inherited span. */
    public static RunningIn inherited(SpanContext span) {
      return new RunningIn(null, span, span);
    }
  }

  /** The goroutine's id: its thread's id. */
  public long id() {
    return id;
  }

  /** Records that the goroutine now runs in {@code span} (a pool worker, per job). */
  public void runIn(RunningIn span) {
    SPAN.setOpaque(this, span);
  }

  RunningIn runningIn() {
    return (RunningIn) SPAN.getOpaque(this);
  }

  /** Whether it is blocked; for its own thread only. */
  boolean blocked() {
    return TARGET.getOpaque(this) != null;
  }

  void block(Object target, BlockSite site, long nowNanos) {
    long s = (long) SEQ.getOpaque(this);
    SEQ.setOpaque(this, s + 1);
    VarHandle.storeStoreFence();
    TARGET.setOpaque(this, target);
    SITE.setOpaque(this, site);
    SINCE.setOpaque(this, nowNanos);
    SEQ.setRelease(this, s + 2);
  }

  void unblock() {
    long s = (long) SEQ.getOpaque(this);
    SEQ.setOpaque(this, s + 1);
    VarHandle.storeStoreFence();
    TARGET.setOpaque(this, null);
    SITE.setOpaque(this, null);
    SEQ.setRelease(this, s + 2);
  }

  /** A consistent reading of the block state: {@code target == null} while it runs. */
  record BlockState(long seq, @Nullable Object target, @Nullable BlockSite site, long since) {}

  BlockState blockState() {
    while (true) {
      long before = (long) SEQ.getAcquire(this);
      Object t = TARGET.getOpaque(this);
      BlockSite s = (BlockSite) SITE.getOpaque(this);
      long at = (long) SINCE.getOpaque(this);
      VarHandle.loadLoadFence();
      long after = (long) SEQ.getOpaque(this);
      if (before == after && (before & 1) == 0) {
        return new BlockState(before, t, s, at);
      }
      Thread.onSpinWait();
    }
  }

  /** What the registry's snapshot reports for this goroutine. */
  GoroutineInfo info(Clocks clocks) {
    BlockState state = blockState();
    BlockedOn on = null;
    Instant blockedSince = null;
    if (state.target() != null && state.site() != null) {
      on = state.site().describe(state.target());
      blockedSince = clocks.instant(state.since());
    }
    RunningIn in = runningIn();
    return new GoroutineInfo(
        id,
        thread.getName(),
        owner,
        parentId,
        in.name(),
        in.span(),
        in.parent(),
        clocks.instant(startedNanos),
        on,
        blockedSince);
  }

  /** Converts {@link System#nanoTime()} readings to instants, from one pair of clock readings. */
  record Clocks(Instant wallNow, long nanoNow) {
    static Clocks now() {
      return new Clocks(Instant.now(), System.nanoTime());
    }

    Instant instant(long nanos) {
      return wallNow.minusNanos(nanoNow - nanos);
    }
  }
}
