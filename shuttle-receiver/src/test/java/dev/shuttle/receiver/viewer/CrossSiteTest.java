package dev.shuttle.receiver.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which requests are taken for another site's, by their Origin and fetch metadata. */
class CrossSiteTest {

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        // host, origin, Sec-Fetch-Site, Sec-Fetch-Mode, page, refused
        "127.0.0.1:16686, -, -, -, false, false",
        "127.0.0.1:16686, http://127.0.0.1:16686, -, -, false, false",
        "LocalHost:16686, http://localhost:16686, same-origin, cors, false, false",
        "[::1]:16686, http://[::1]:16686, -, -, false, false",
        "127.0.0.1:16686, https://127.0.0.1:16686, -, -, false, true",
        "127.0.0.1:16686, http://127.0.0.1:16687, -, -, false, true",
        "127.0.0.1:16686, http://evil.example, -, -, false, true",
        "127.0.0.1:16686, null, -, -, false, true",
        "-, http://127.0.0.1:16686, -, -, false, true",
        "127.0.0.1:16686, -, none, navigate, true, false",
        "127.0.0.1:16686, -, cross-site, navigate, true, false",
        "127.0.0.1:16686, -, cross-site, navigate, false, true",
        "127.0.0.1:16686, -, cross-site, no-cors, true, true",
        "127.0.0.1:16686, -, Same-Site, cors, false, true",
        "127.0.0.1:16686, -, same-origin, cors, false, false"
      })
  void foreignRequestsAreRefused(
      String host, String origin, String site, String mode, boolean page, boolean refused) {
    assertThat(CrossSite.refusal(host, origin, site, mode, page) != null).isEqualTo(refused);
  }
}
