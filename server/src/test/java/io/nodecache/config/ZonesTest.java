package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Zone arguments of plugins as CoreDNS normalises them: CIDRs expanded, invalid names dropped. */
class ZonesTest {

  record Case(List<String> args, List<String> zones) {}

  static List<Case> cases() {
    return List.of(
        new Case(List.of(), List.of("block.test.")),
        new Case(List.of("Cluster.Local", ".svc", "in-addr.arpa"), List.of("cluster.local.", "in-addr.arpa.")),
        new Case(List.of("a..b", "dns://example.org:53", "x.test:"), List.of("example.org.")),
        new Case(List.of("10.0.0.0/8"), List.of("10.in-addr.arpa.")),
        new Case(List.of("10.0.0.0/15"), List.of("0.10.in-addr.arpa.", "1.10.in-addr.arpa.")),
        new Case(List.of("fd00::/9"), List.of("0.d.f.ip6.arpa.", "1.d.f.ip6.arpa.", "2.d.f.ip6.arpa.", "3.d.f.ip6.arpa.",
            "4.d.f.ip6.arpa.", "5.d.f.ip6.arpa.", "6.d.f.ip6.arpa.", "7.d.f.ip6.arpa.")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void originsFromArgsOrBlock(Case c) {
    assertThat(Zones.originsFromArgsOrBlock(c.args(), List.of("block.test."))).isEqualTo(c.zones());
  }
}
