package dev.shuttle.nats;

import io.nats.client.Connection;

/** What every job delivery of one {@link NatsWorkers} needs from its pool. Immutable. */
record WorkerSetup<J, R>(
    Connection connection,
    PoolSettings settings,
    Codec<J> jobs,
    Codec<R> results,
    NatsJobHandler<J, R> handler,
    Publisher publisher,
    NatsPoolMetrics metrics) {}
