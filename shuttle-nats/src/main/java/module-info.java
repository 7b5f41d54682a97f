/**
 * Shuttle across processes on NATS JetStream: {@link dev.shuttle.nats.NatsChannel}, a buffered
 * channel that producers and consumers in different processes share, and {@link
 * dev.shuttle.nats.NatsWorkerPool}, a worker pool whose jobs any process submits and workers in any
 * process run. Both carry the Shuttle context (trace, baggage, deadline, cancellation) in NATS
 * message headers, which {@link dev.shuttle.nats.NatsHeaders} also writes and reads for an
 * application's own messages.
 *
 * <p>Reads jnats through its automatic module name. {@link dev.shuttle.nats.Codec#json} encodes
 * with Gson: a module that sends its own records as JSON opens their package to {@code
 * com.google.gson}.
 */
module dev.shuttle.nats {
  requires transitive dev.shuttle;
  requires transitive io.nats.jnats;
  requires transitive com.google.gson;
  requires static transitive org.jspecify;

  exports dev.shuttle.nats;
}
