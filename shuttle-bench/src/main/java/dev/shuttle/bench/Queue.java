package dev.shuttle.bench;

import dev.shuttle.channel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/** The operations the benchmarks need, over each implementation compared. */
interface Queue {
  void send(Integer value) throws InterruptedException;

  Integer receive() throws InterruptedException;

  /** Creates a queue of {@code capacity} (0: rendezvous) implemented by {@code impl}. */
  static Queue create(String impl, int capacity) {
    return switch (impl) {
      case "shuttle" -> new ShuttleQueue(Channel.buffered(capacity));
      case "jox" ->
          new JoxQueue(
              capacity == 0
                  ? com.softwaremill.jox.Channel.newRendezvousChannel()
                  : com.softwaremill.jox.Channel.newBufferedChannel(capacity));
      case "juc" ->
          new JucQueue(
              capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity));
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }

  /** Shuttle's channel. */
  record ShuttleQueue(Channel<Integer> channel) implements Queue {
    @Override
    public void send(Integer value) throws InterruptedException {
      channel.send(value);
    }

    @Override
    public Integer receive() throws InterruptedException {
      return channel.receive();
    }
  }

  /** Jox's channel. */
  record JoxQueue(com.softwaremill.jox.Channel<Integer> channel) implements Queue {
    @Override
    public void send(Integer value) throws InterruptedException {
      channel.send(value);
    }

    @Override
    public Integer receive() throws InterruptedException {
      return channel.receive();
    }
  }

  /** {@link ArrayBlockingQueue} or {@link SynchronousQueue}. */
  record JucQueue(BlockingQueue<Integer> queue) implements Queue {
    @Override
    public void send(Integer value) throws InterruptedException {
      queue.put(value);
    }

    @Override
    public Integer receive() throws InterruptedException {
      return queue.take();
    }
  }
}
