package dev.shuttle.receiver;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;

/**
 * The receiver side of {@link LoadDriver}: a child JVM that starts an OTLP/HTTP receiver on an
 * ephemeral port with the default settings, prints {@code PORT <n>}, answers {@code stats} and
 * {@code reset} lines on standard input, and stops at end of input.
 *
 * <p>It uses only the receiver's public API, so it runs against any version of it.
 */
final class LoadChild {
  private LoadChild() {}

  /**
   * Runs the child.
   *
   * @param args optional: the body limit in bytes
   * @throws Exception if the receiver cannot start
   */
  public static void main(String[] args) throws Exception {
    ReceiverConfigBuilder config =
        ReceiverConfig.builder().httpPort(0).grpcPort(ReceiverConfig.DISABLED);
    if (args.length > 0) {
      config.maxBodyBytes(Integer.parseInt(args[0]));
    }
    try (OtlpReceiver receiver = OtlpReceiver.start(config.build())) {
      System.out.println("PORT " + receiver.httpPort());
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("stats")) {
          System.out.println("STATS " + stats(receiver));
        } else if (line.equals("reset")) {
          System.gc();
          ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
          System.out.println("RESET");
        }
        System.out.flush();
      }
    }
  }

  private static String stats(OtlpReceiver receiver) {
    long peak = 0;
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
        used += pool.getUsage().getUsed();
      }
    }
    return "heapPeakMiB="
        + (peak >> 20)
        + " heapUsedMiB="
        + (used >> 20)
        + " spans="
        + receiver.store().spanCount()
        + " spansReceived="
        + receiver.store().spansReceived();
  }
}
