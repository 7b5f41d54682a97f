package dev.shuttle.sync;

import dev.shuttle.internal.Checks;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures an {@link ErrGroup}: a span for the whole group, a concurrency limit, the kind of
 * group (cancel on first failure or not), and whether to collect every failure. Each setting is
 * checked at once.
 *
 * {@snippet :
 * ErrGroup group = ErrGroup.builder(Context.current()).span("errgroup-tasks").limit(8).build();
 * }
 *
 * <p>Not thread-safe; build once and share the group.
 */
public final class ErrGroupBuilder {
  final Context parent;
  @Nullable String spanName;
  Attributes spanAttributes = Attributes.empty();
  int limit;
  boolean collectAll;
  boolean cancelOnFirstFailure = true;

  ErrGroupBuilder(Context parent) {
    this.parent = Objects.requireNonNull(parent, "parent");
  }

  /**
   * Opens a span named {@code name} for the whole group, parent of every traced task; it ends when
   * {@link ErrGroup#await()} returns, with status ERROR and the failure if one occurred.
   *
   * @param name the group span's name
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public ErrGroupBuilder span(String name) {
    return span(name, Attributes.empty());
  }

  /**
   * As {@link #span(String)}, with {@code attributes} on the group span.
   *
   * @param name the group span's name
   * @param attributes the group span's attributes
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public ErrGroupBuilder span(String name, Attributes attributes) {
    this.spanName = Checks.notBlank(name, "ErrGroup span name");
    this.spanAttributes = Objects.requireNonNull(attributes, "attributes");
    return this;
  }

  /**
   * Limits the group to {@code n} tasks running at once; see {@link ErrGroup#setLimit}. Leave it
   * unset for no limit.
   *
   * @param n the most tasks that may run at once
   * @return this builder
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public ErrGroupBuilder limit(int n) {
    this.limit = Checks.positive(n, "ErrGroup limit");
    return this;
  }

  /**
   * Chooses the kind of group: {@code true} (the default) derives a context that the first failure
   * cancels (Go's {@code errgroup.WithContext}); {@code false} makes a plain group whose failures
   * cancel nothing (Go's zero {@code errgroup.Group}).
   *
   * @param cancel whether the first failure cancels the group's context
   * @return this builder
   */
  public ErrGroupBuilder cancelOnFirstFailure(boolean cancel) {
    this.cancelOnFirstFailure = cancel;
    return this;
  }

  /**
   * Collects every failure instead of stopping at the first: failures do not cancel the group, and
   * {@link ErrGroup#await()} throws a {@link GroupFailedException} holding them all.
   *
   * @return this builder
   */
  public ErrGroupBuilder collectAllFailures() {
    this.collectAll = true;
    return this;
  }

  /**
   * Returns the group; its span, if any, starts now.
   *
   * @return a new group, ready for tasks
   */
  public ErrGroup build() {
    return new ErrGroup(this);
  }
}
