package dev.shuttle.channel;

import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How the goroutine registry describes a goroutine blocked on a channel or in a select. */
final class BlockSites {
  static final BlockSite SEND =
      target -> {
        Channel<?> channel = (Channel<?>) target;
        return new BlockedOn.ChannelSend(label(channel), channel.len(), channel.cap());
      };

  static final BlockSite RECEIVE =
      target -> {
        Channel<?> channel = (Channel<?>) target;
        return new BlockedOn.ChannelReceive(label(channel), channel.len(), channel.cap());
      };

  /** The target is the select's list of cases. */
  static final BlockSite SELECT =
      target -> {
        List<?> cases = (List<?>) target;
        List<String> described = new ArrayList<>(cases.size());
        for (Object c : cases) {
          describe((SelectCase<?>) c, described);
        }
        return new BlockedOn.Select(described);
      };

  private BlockSites() {}

  private static void describe(SelectCase<?> c, List<String> out) {
    switch (c.kind) {
      case RECEIVE -> out.add("receive on " + label(Objects.requireNonNull(c.channel)));
      case SEND -> out.add("send on " + label(Objects.requireNonNull(c.channel)));
      case DONE -> out.add("context done");
      case DEFAULT, DISABLED -> {} // a select with a default never blocks; disabled never fires
    }
  }

  /** The channel's name, or an identity for an unnamed one. */
  static String label(Channel<?> channel) {
    String name = channel.name();
    return name != null
        ? name
        : "unnamed chan@" + Integer.toHexString(System.identityHashCode(channel));
  }
}
