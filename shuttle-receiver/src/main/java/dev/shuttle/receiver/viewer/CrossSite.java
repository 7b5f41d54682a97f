package dev.shuttle.receiver.viewer;

import dev.shuttle.receiver.internal.Excerpt;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Tells requests made by another site's page from the viewer's own, by the headers browsers add:
 * {@code Origin} and the fetch metadata {@code Sec-Fetch-Site}/{@code Sec-Fetch-Mode}.
 *
 * <p>The {@code Host} check stops DNS rebinding, but a page on any other site (or on another port
 * of localhost) can still send requests to {@code http://127.0.0.1:16686}: the browser hides the
 * answer (there are no CORS headers), yet the viewer would do the work, and an event stream would
 * hold one of the few stream slots until its next write fails. Such requests are refused: one whose
 * {@code Origin} is not the viewer's own ({@code http://} and the request's {@code Host}), and one
 * whose {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site}, unless it is the
 * navigation to one of the viewer's pages (a link to a trace followed from elsewhere). Requests
 * without these headers (curl, tests, older browsers) are answered.
 *
 * <p>Thread-safety: stateless.
 */
final class CrossSite {
  private CrossSite() {}

  /**
   * Returns why the request is refused, or null if it may be answered.
   *
   * @param host the request's {@code Host}, already checked
   * @param origin its {@code Origin}, or null
   * @param fetchSite its {@code Sec-Fetch-Site}, or null
   * @param fetchMode its {@code Sec-Fetch-Mode}, or null
   * @param page whether the path is one of the viewer's pages
   */
  static @Nullable String refusal(
      @Nullable String host,
      @Nullable String origin,
      @Nullable String fetchSite,
      @Nullable String fetchMode,
      boolean page) {
    if (origin != null
        && (host == null
            || !origin.trim().equalsIgnoreCase("http://" + host.trim().toLowerCase(Locale.ROOT)))) {
      return "a request from another site (Origin '"
          + Excerpt.of(origin)
          + "') is not answered: the viewer serves its own page only";
    }
    if (fetchSite == null) {
      return null;
    }
    String site = fetchSite.trim().toLowerCase(Locale.ROOT);
    boolean foreign = site.equals("cross-site") || site.equals("same-site");
    boolean navigation = fetchMode != null && fetchMode.trim().equalsIgnoreCase("navigate");
    if (foreign && !(navigation && page)) {
      return "a request from another site (Sec-Fetch-Site "
          + Excerpt.of(site)
          + ") is not answered: the viewer serves its own page only";
    }
    return null;
  }
}
