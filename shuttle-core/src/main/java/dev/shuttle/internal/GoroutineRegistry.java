package dev.shuttle.internal;

import dev.shuttle.inspect.GoroutineDump;
import dev.shuttle.inspect.GoroutineInfo;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every goroutine Shuttle started that is still alive, and what each is blocked on.
 *
 * <p>Goroutines register themselves on their own thread when they start and deregister when they
 * end; the blocking points of channels, {@code select}, groups, pools, {@code Once} and contexts
 * call {@link #block} before they park and {@link LiveGoroutine#unblock} (through {@link #unblock})
 * after. Off with {@code -Dshuttle.goroutines.registry=false}: then every call here returns at once
 * and the JIT folds it away.
 *
 * <p>Implementation note: {@code LIVE} is a {@link LiveSet}, striped lists threaded through the
 * records themselves, so registering allocates nothing beyond the record and a snapshot reads it
 * weakly consistently (a goroutine that starts or ends during a snapshot may or may not be in it).
 * {@code CURRENT} maps a goroutine's thread to its record, for the blocking points. Each {@link
 * LiveGoroutine} has a single writer (its thread); see its note for how a snapshot reads it.
 */
public final class GoroutineRegistry {
  /**
   * Whether the registry records anything; {@code -Dshuttle.goroutines.registry=false} turns it
   * off.
   */
  public static final boolean ENABLED =
      !"false".equalsIgnoreCase(System.getProperty("shuttle.goroutines.registry"));

  private static final LiveSet LIVE = new LiveSet();
  private static final ThreadLocal<@Nullable LiveGoroutine> CURRENT = new ThreadLocal<>();

  private GoroutineRegistry() {}

  /** The id of the goroutine running this code, or {@code 0} if it is not a Shuttle goroutine. */
  public static long currentId() {
    if (!ENABLED) {
      return 0;
    }
    LiveGoroutine current = CURRENT.get();
    return current == null ? 0 : current.id;
  }

  /**
   * The record of the goroutine running this code, or {@code null} if it is not a Shuttle goroutine
   * or the registry is off; for code that runs inside a goroutine another class registered.
   */
  public static @Nullable LiveGoroutine current() {
    return ENABLED ? CURRENT.get() : null;
  }

  /**
   * Registers the current thread as a goroutine started by {@code owner} (and by the goroutine
   * {@code parentId}), running in {@code context}'s span: its own span named {@code spanName},
   * child of {@code parent}'s span, or, when {@code spanName} is {@code null}, an inherited one.
   *
   * @return its record, for {@link #deregister}; {@code null} when the registry is off
   */
  public static @Nullable LiveGoroutine register(
      String owner, long parentId, @Nullable String spanName, Context context, Context parent) {
    if (!ENABLED) {
      return null;
    }
    Clock.INSTANCE.wake();
    SpanContext span = Span.fromContext(context).getSpanContext();
    LiveGoroutine.RunningIn runningIn =
        spanName == null
            ? LiveGoroutine.RunningIn.inherited(span)
            : LiveGoroutine.RunningIn.own(
                spanName, span, Span.fromContext(parent).getSpanContext());
    LiveGoroutine g =
        new LiveGoroutine(Thread.currentThread(), owner, parentId, runningIn, Clock.INSTANCE.now());
    LIVE.add(g);
    CURRENT.set(g);
    return g;
  }

  /**
   * Wraps {@code body} so that it runs registered as a goroutine of {@code owner} in {@code
   * context}'s span, with the calling goroutine as its parent; for threads started directly.
   */
  public static Runnable registered(String owner, Context context, Runnable body) {
    if (!ENABLED) {
      return body;
    }
    long parentId = currentId();
    return () -> {
      LiveGoroutine g = register(owner, parentId, null, context, context);
      try {
        body.run();
      } finally {
        deregister(g);
      }
    };
  }

  /** Removes the goroutine registered by {@link #register}; {@code null} is ignored. */
  public static void deregister(@Nullable LiveGoroutine g) {
    if (g != null) {
      CURRENT.remove();
      LIVE.remove(g);
    }
  }

  /**
   * Records that the current goroutine blocks on {@code target}, described by {@code site} when a
   * snapshot is taken. Pass the result to {@link #unblock} when it wakes. A block inside a block
   * (an {@code ErrGroup} waiting on its inner {@code WaitGroup}) keeps the outer one.
   *
   * @return the current goroutine's record, or {@code null} if this is not a Shuttle goroutine or
   *     it is already blocked
   */
  public static @Nullable LiveGoroutine block(Object target, BlockSite site) {
    if (!ENABLED) {
      return null;
    }
    LiveGoroutine g = CURRENT.get();
    if (g == null || g.blocked()) {
      return null;
    }
    g.block(target, site, Clock.INSTANCE.now());
    return g;
  }

  /** Records that the goroutine {@link #block} returned runs again; {@code null} is ignored. */
  public static void unblock(@Nullable LiveGoroutine g) {
    if (g != null) {
      g.unblock();
    }
  }

  /** The thread of the live goroutine {@code id}, or {@code null} if it has ended. */
  public static @Nullable Thread thread(long id) {
    LiveGoroutine g = LIVE.get(id);
    return g == null ? null : g.thread;
  }

  /** The number of live goroutines. */
  public static int size() {
    return LIVE.size();
  }

  /** Takes a snapshot of every live goroutine. */
  public static GoroutineDump snapshot() {
    LiveGoroutine.Clocks clocks = LiveGoroutine.Clocks.now();
    List<LiveGoroutine> live = LIVE.copy();
    List<GoroutineInfo> infos = new ArrayList<>(live.size());
    for (LiveGoroutine g : live) {
      infos.add(g.info(clocks));
    }
    return new GoroutineDump(clocks.wallNow(), infos);
  }

  /** The live records, for the stall detector and the live export (weakly consistent). */
  public static Iterable<LiveGoroutine> live() {
    return LIVE.copy();
  }

  /** The registry's clock, created (with its thread) only when the registry is on and used. */
  private static final class Clock {
    static final CoarseClock INSTANCE = new CoarseClock(() -> !LIVE.isEmpty());

    static {
      // The platform MBean server takes a while to start: not on the first goroutine's thread.
      Thread.ofPlatform()
          .name("shuttle-goroutines-start")
          .daemon()
          .start(GoroutineWatch::onRegistryStart);
    }
  }
}
