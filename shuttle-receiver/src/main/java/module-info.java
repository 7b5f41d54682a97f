/**
 * The embedded OTLP receiver: {@link dev.shuttle.receiver.OtlpReceiver} accepts traces, metrics and
 * logs over OTLP/HTTP (Jetty) and OTLP/gRPC (gRPC on its shaded Netty) into a bounded in-memory
 * {@link dev.shuttle.receiver.TelemetryStore}, with OTLP/JSON dumps.
 *
 * <p>Exports {@code dev.shuttle.receiver}, and {@code render} and {@code viewer} too: they are
 * library API, not the CLI's private parts. The guides show applications printing traces and
 * metrics with {@code TracePrinter}, {@code TraceRenderer}, {@code MetricsPrinter} and {@code
 * MetricsRenderer} ({@code docs/receiver.md}, {@code docs/live-view.md}) and serving the web viewer
 * over their own store with {@code ViewerServer} ({@code docs/viewer.md}); shuttle-demo is one such
 * user. {@code dev.shuttle.receiver.internal} stays inside. The viewer's page and scripts are
 * resources in {@code dev.shuttle.receiver.viewer.assets}, opened so that they can be read from the
 * class loader (the package has no classes, hence the suppressed {@code opens} warning).
 *
 * <p>Protobuf and the OTLP protobuf classes are read transitively: the store takes and returns OTLP
 * messages ({@code ExportTraceServiceRequest}, {@code ResourceMetrics}, ...) and {@code OtlpJson}
 * works on any protobuf {@code Message}. Protobuf, the OTLP classes and gRPC are automatic modules,
 * read through their {@code Automatic-Module-Name}; {@code proto.google.common.protos} (the {@code
 * google.rpc.Status} of OTLP/HTTP error answers) has none and is named after its jar.
 *
 * <p>On the module path an application adds two options to its {@code java} command: {@code
 * --add-exports org.eclipse.jetty.server/org.eclipse.jetty.server.internal=dev.shuttle.receiver}
 * (the guard against slow request heads reads Jetty's {@code HttpConnection}, which Jetty does not
 * export; without it the receiver refuses to start, naming the option), and {@code --add-modules
 * com.google.common.util.concurrent.internal} for gRPC (Guava's {@code failureaccess} is an
 * explicit module that no module requires, since gRPC and Guava's Android flavour are automatic
 * modules).
 */
@SuppressWarnings("opens")
module dev.shuttle.receiver {
  requires transitive com.google.protobuf;
  requires transitive io.opentelemetry.proto;
  requires com.google.protobuf.util;
  requires com.google.gson;
  requires io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.netty.shaded;
  requires proto.google.common.protos;
  requires org.eclipse.jetty.server;
  requires java.logging;
  requires static transitive org.jspecify;
  requires static com.google.errorprone.annotations;

  exports dev.shuttle.receiver;
  exports dev.shuttle.receiver.render;
  exports dev.shuttle.receiver.viewer;

  opens dev.shuttle.receiver.viewer.assets;
}
