/**
 * Shuttle on NATS: a Shuttle context (trace, baggage, deadline, cancellation) carried across
 * processes in NATS message headers. Reads jnats through its automatic module name.
 */
module dev.shuttle.nats {
  requires transitive dev.shuttle;
  requires transitive io.nats.jnats;
  requires transitive com.google.gson;
  requires static transitive org.jspecify;

  exports dev.shuttle.nats;
}
