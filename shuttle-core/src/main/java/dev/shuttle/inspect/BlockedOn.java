package dev.shuttle.inspect;

import java.util.List;
import java.util.Objects;

/**
 * What a blocked goroutine waits on, described when the snapshot was taken (a channel's length is
 * its length then).
 *
 * <p>Instances are immutable and thread-safe.
 */
public sealed interface BlockedOn {
  /**
   * A short, stable name of the kind of wait, as in a Go dump: {@code "chan send"}.
   *
   * @return the kind of wait
   */
  String kind();

  /**
   * One line for a dump: {@code chan send on jobs (len 10, cap 10)}.
   *
   * @return the wait described in one line
   */
  String describe();

  /**
   * Blocked sending on a channel.
   *
   * @param channel the channel's name, or {@code unnamed chan@<hash>} for an unnamed one
   * @param length the number of values buffered in it
   * @param capacity its buffer's capacity; 0 for a rendezvous channel
   */
  record ChannelSend(String channel, int length, int capacity) implements BlockedOn {
    /** Checks the name. */
    public ChannelSend {
      Objects.requireNonNull(channel, "channel");
    }

    @Override
    public String kind() {
      return "chan send";
    }

    @Override
    public String describe() {
      return "chan send on " + channel + " (len " + length + ", cap " + capacity + ")";
    }
  }

  /**
   * Blocked receiving from a channel.
   *
   * @param channel the channel's name, or {@code unnamed chan@<hash>} for an unnamed one
   * @param length the number of values buffered in it
   * @param capacity its buffer's capacity; 0 for a rendezvous channel
   */
  record ChannelReceive(String channel, int length, int capacity) implements BlockedOn {
    /** Checks the name. */
    public ChannelReceive {
      Objects.requireNonNull(channel, "channel");
    }

    @Override
    public String kind() {
      return "chan receive";
    }

    @Override
    public String describe() {
      return "chan receive on " + channel + " (len " + length + ", cap " + capacity + ")";
    }
  }

  /**
   * Blocked in a {@code select}; {@code cases} describes each case, as {@code send on jobs} or
   * {@code receive on results} or {@code context done}.
   *
   * @param cases one description per case that can fire, in the select's order
   */
  record Select(List<String> cases) implements BlockedOn {
    /** Copies the cases. */
    public Select {
      cases = List.copyOf(cases);
    }

    @Override
    public String kind() {
      return "select";
    }

    @Override
    public String describe() {
      return "select over " + String.join(", ", cases);
    }
  }

  /**
   * Blocked in {@code WaitGroup.await} while {@code count} tasks are still running.
   *
   * @param count the wait group's counter: the tasks added and not yet done
   */
  record WaitGroupWait(long count) implements BlockedOn {
    @Override
    public String kind() {
      return "waitgroup wait";
    }

    @Override
    public String describe() {
      return "waitgroup wait (" + count + " running)";
    }
  }

  /**
   * Blocked in {@code ErrGroup.await} of the group named {@code group}.
   *
   * @param group the group's goroutine owner: {@code errgroup <span name>}, or {@code errgroup} for
   *     a group without a span
   */
  record ErrGroupWait(String group) implements BlockedOn {
    /** Checks the name. */
    public ErrGroupWait {
      Objects.requireNonNull(group, "group");
    }

    @Override
    public String kind() {
      return "errgroup wait";
    }

    @Override
    public String describe() {
      return "errgroup wait on " + group;
    }
  }

  /**
   * Blocked on a pool's queue: a submitter waiting for room ({@code forRoom}), or an idle worker
   * waiting for a job.
   *
   * @param pool the pool's name
   * @param forRoom {@code true} for a submitter waiting for room, {@code false} for an idle worker
   * @param queued the jobs in the pool's queue; for a {@code BoundedPool}, the jobs running
   * @param capacity the queue's capacity; for a {@code BoundedPool}, its maximum concurrency
   */
  record PoolQueue(String pool, boolean forRoom, int queued, int capacity) implements BlockedOn {
    /** Checks the name. */
    public PoolQueue {
      Objects.requireNonNull(pool, "pool");
    }

    @Override
    public String kind() {
      return forRoom ? "pool submit" : "pool idle";
    }

    @Override
    public String describe() {
      return (forRoom ? "pool submit to " : "pool idle, waiting for a job on ")
          + pool
          + " (queued "
          + queued
          + ", cap "
          + capacity
          + ")";
    }
  }

  /** Blocked in a {@code Once} while another goroutine runs its body. */
  record OnceWait() implements BlockedOn {
    @Override
    public String kind() {
      return "once";
    }

    @Override
    public String describe() {
      return "once, waiting for another goroutine to finish the body";
    }
  }

  /** Blocked waiting for a context to be done ({@code Cancellation.await}, {@code sleep}). */
  record ContextDone() implements BlockedOn {
    @Override
    public String kind() {
      return "context done";
    }

    @Override
    public String describe() {
      return "context done";
    }
  }

  /**
   * Blocked joining the goroutine {@code id}.
   *
   * @param id the joined goroutine's id, as {@link GoroutineInfo#id()} gives it
   */
  record GoroutineJoin(long id) implements BlockedOn {
    @Override
    public String kind() {
      return "join";
    }

    @Override
    public String describe() {
      return "join of goroutine " + id;
    }
  }
}
