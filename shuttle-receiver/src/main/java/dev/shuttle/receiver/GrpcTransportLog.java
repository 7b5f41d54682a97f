package dev.shuttle.receiver;

import dev.shuttle.receiver.internal.Excerpt;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Keeps grpc-netty's log records of client-caused transport errors to one line each.
 *
 * <p>grpc-java logs through {@code java.util.logging}, and its maintainers' answer to unwanted
 * records is to configure the named loggers (grpc/grpc-java issues 1768, 2994 and 9680). Two
 * loggers print a stack trace for what a client did wrong:
 *
 * <ul>
 *   <li>{@code NettyServerTransport.connections} logs "Transport failed" at INFO with the {@code
 *       Http2Exception} when a connection sends garbage after the HTTP/2 preface, an HTTP/1.1
 *       request, or no preface at all;
 *   <li>{@code NettyServerStream} logs "Exception processing message" at WARNING with the status
 *       when a message is beyond the size limit on the wire (the client gets {@code
 *       RESOURCE_EXHAUSTED} either way).
 * </ul>
 *
 * <p>A {@link Filter} on each replaces such a record by one line on the {@code GrpcReceiver}
 * logger, without stack trace: at INFO for a connection, at FINE for a request (the client is told
 * by its status). Records of other throwables, which may be bugs, pass unchanged, and so does
 * everything once the grpc logger is set to FINE or lower, for whoever wants the stack traces.
 *
 * <p>Thread-safety: {@link #install()} is idempotent and safe to call from any thread; the filters
 * are stateless. The filters stay for the life of the JVM (they affect every grpc-netty-shaded
 * server in it in the same way).
 */
final class GrpcTransportLog {
  private static final System.Logger LOG = System.getLogger(GrpcReceiver.class.getName());
  private static final String GRPC_NETTY = NettyServerBuilder.class.getPackageName();

  // Strong references: java.util.logging holds loggers weakly, and a new one has no filter.
  private static final Logger CONNECTIONS =
      Logger.getLogger(GRPC_NETTY + ".NettyServerTransport.connections");
  private static final Logger STREAMS = Logger.getLogger(GRPC_NETTY + ".NettyServerStream");
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private GrpcTransportLog() {}

  /** Installs the filters once per JVM. */
  static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      CONNECTIONS.setFilter(
          new OneLine(
              CONNECTIONS,
              CONNECTIONS.getFilter(),
              System.Logger.Level.INFO,
              "OTLP/gRPC: closed a connection after a protocol error: "));
      STREAMS.setFilter(
          new OneLine(
              STREAMS,
              STREAMS.getFilter(),
              System.Logger.Level.DEBUG,
              "OTLP/gRPC: rejected a request: "));
    }
  }

  /** Returns whether a throwable reports what a client sent or did, rather than a server fault. */
  static boolean isClientError(Throwable thrown) {
    return thrown instanceof Http2Exception
        || thrown instanceof IOException
        || thrown instanceof StatusRuntimeException;
  }

  private record OneLine(
      Logger logger, @Nullable Filter previous, System.Logger.Level level, String prefix)
      implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
      if (previous != null && !previous.isLoggable(record)) {
        return false;
      }
      Throwable thrown = record.getThrown();
      if (thrown == null || !isClientError(thrown) || logger.isLoggable(Level.FINE)) {
        return true;
      }
      LOG.log(level, () -> prefix + Excerpt.of(String.valueOf(thrown.getMessage()).strip(), 120));
      return false;
    }
  }
}
