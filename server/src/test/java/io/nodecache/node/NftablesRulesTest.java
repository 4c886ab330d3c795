package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.testing.Privileged;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The native nftables backend ({@code table inet nodecache}) in a fresh namespace per test. */
class NftablesRulesTest {

  private static final String SKIP = "comment \"NodeLocal DNS Cache: skip conntrack\"";
  private static final String ALLOW = "comment \"NodeLocal DNS Cache: allow DNS traffic\"";

  /** {@code nft list table inet nodecache} after a start with 169.254.20.10 and fd00::10. */
  private static final String EXPECTED_TABLE =
      String.join(
          "\n",
          "table inet nodecache {",
          "\tchain raw_prerouting {",
          "\t\ttype filter hook prerouting priority raw; policy accept;",
          "\t\tip daddr 169.254.20.10 tcp dport 53 notrack " + SKIP,
          "\t\tip daddr 169.254.20.10 udp dport 53 notrack " + SKIP,
          "\t\tip6 daddr fd00::10 tcp dport 53 notrack " + SKIP,
          "\t\tip6 daddr fd00::10 udp dport 53 notrack " + SKIP,
          "\t}",
          "",
          "\tchain raw_output {",
          "\t\ttype filter hook output priority raw; policy accept;",
          "\t\tip saddr 169.254.20.10 tcp sport 53 notrack " + SKIP,
          "\t\tip saddr 169.254.20.10 udp sport 53 notrack " + SKIP,
          "\t\tip daddr 169.254.20.10 tcp dport 53 notrack " + SKIP,
          "\t\tip daddr 169.254.20.10 udp dport 53 notrack " + SKIP,
          "\t\tip daddr 169.254.20.10 tcp dport 8080 notrack " + SKIP,
          "\t\tip saddr 169.254.20.10 tcp sport 8080 notrack " + SKIP,
          "\t\tip6 saddr fd00::10 tcp sport 53 notrack " + SKIP,
          "\t\tip6 saddr fd00::10 udp sport 53 notrack " + SKIP,
          "\t\tip6 daddr fd00::10 tcp dport 53 notrack " + SKIP,
          "\t\tip6 daddr fd00::10 udp dport 53 notrack " + SKIP,
          "\t\tip6 daddr fd00::10 tcp dport 8080 notrack " + SKIP,
          "\t\tip6 saddr fd00::10 tcp sport 8080 notrack " + SKIP,
          "\t}",
          "",
          "\tchain filter_input {",
          "\t\ttype filter hook input priority filter; policy accept;",
          "\t\tip daddr 169.254.20.10 tcp dport 53 accept " + ALLOW,
          "\t\tip daddr 169.254.20.10 udp dport 53 accept " + ALLOW,
          "\t\tip6 daddr fd00::10 tcp dport 53 accept " + ALLOW,
          "\t\tip6 daddr fd00::10 udp dport 53 accept " + ALLOW,
          "\t}",
          "",
          "\tchain filter_output {",
          "\t\ttype filter hook output priority filter; policy accept;",
          "\t\tip saddr 169.254.20.10 tcp sport 53 accept " + ALLOW,
          "\t\tip saddr 169.254.20.10 udp sport 53 accept " + ALLOW,
          "\t\tip6 saddr fd00::10 tcp sport 53 accept " + ALLOW,
          "\t\tip6 saddr fd00::10 udp sport 53 accept " + ALLOW,
          "\t}",
          "}",
          "");

  private Netns netns;

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "nft");
    netns = Netns.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (netns != null) {
      netns.close();
    }
  }

  private NodeNetworking networking(RulesBackend backend, String... ips) throws Exception {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      addresses.add(InetAddress.getByName(ip));
    }
    NodeNetConfig config =
        new NodeNetConfig(
            addresses, 53, 8080, "lo", false, true, false, Duration.ofMinutes(10), backend, false,
            List.of());
    return new NodeNetworking(config, new SimpleMeterRegistry(), netns.runner);
  }

  @Test
  void startWritesExactlyOurTableForBothFamilies() throws Exception {
    try (NodeNetworking networking = networking(RulesBackend.NFTABLES, "169.254.20.10", "fd00::10")) {
      networking.start();

      assertThat(netns.sh("nft list table inet nodecache")).isEqualTo(EXPECTED_TABLE);
      assertThat(networking.rulesBackend()).isEqualTo("nftables (table inet nodecache)");
    }
  }

  @Test
  void manyReconcilesChangeNothingAndExtraCopiesAreRemoved() throws Exception {
    NodeNetworking networking = networking(RulesBackend.NFTABLES, "169.254.20.10", "fd00::10");
    assertThat(networking.reconcile().added()).hasSize(24);
    for (int i = 0; i < 20; i++) {
      ReconcileReport pass = networking.reconcile();
      assertThat(pass.clean()).as(pass.toString()).isTrue();
      assertThat(pass.found()).isEqualTo(24);
    }
    netns.sh("nft add rule inet nodecache raw_prerouting 'ip daddr 169.254.20.10 udp dport 53 notrack " + SKIP + "'");

    ReconcileReport pass = networking.reconcile();

    assertThat(pass.removed()).hasSize(1);
    assertThat(pass.added()).isEmpty();
    assertThat(netns.sh("nft list table inet nodecache")).isEqualTo(EXPECTED_TABLE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nft flush chain inet nodecache raw_prerouting",
        "nft delete chain inet nodecache filter_output",
        "nft delete table inet nodecache",
        "nft flush ruleset",
      })
  void removedRulesComeBackOnTheNextPass(String vandalism) throws Exception {
    NodeNetworking networking = networking(RulesBackend.NFTABLES, "169.254.20.10", "fd00::10");
    networking.reconcile();
    netns.sh(vandalism);

    ReconcileReport pass = networking.reconcile();

    assertThat(pass.added()).isNotEmpty();
    assertThat(pass.errors()).isEmpty();
    assertThat(netns.sh("nft list table inet nodecache")).isEqualTo(EXPECTED_TABLE);
  }

  @Test
  void teardownRemovesOurTableAndKeepsForeignOnes() throws Exception {
    netns.sh("nft add table ip foreign");
    netns.sh("nft 'add chain ip foreign pre { type filter hook prerouting priority raw; }'");
    netns.sh("nft add rule ip foreign pre 'udp dport 53 notrack " + SKIP + "'");
    String before = netns.sh("nft list ruleset");
    NodeNetworking networking = networking(RulesBackend.NFTABLES, "169.254.20.10");
    networking.start();

    ReconcileReport down = networking.teardown();

    assertThat(down.errors()).isEmpty();
    assertThat(down.removed()).containsExactly("nft table inet nodecache");
    assertThat(netns.sh("nft list ruleset")).isEqualTo(before);
  }

  @Test
  void autoPicksNftablesOnlyWhenKubeProxyRunsInNftablesMode() throws Exception {
    assertThat(networking(RulesBackend.AUTO, "169.254.20.10").rulesBackend()).startsWith("iptables");

    netns.sh("nft add table ip kube-proxy");

    assertThat(networking(RulesBackend.AUTO, "169.254.20.10").rulesBackend()).startsWith("nftables");
  }

  @Test
  void failOpenUsesTheSocketExpression() throws Exception {
    NodeNetConfig config =
        new NodeNetConfig(
            List.of(InetAddress.getByName("10.96.0.10")), 53, 8080, "lo", false, true, false,
            Duration.ofMinutes(10), RulesBackend.NFTABLES, true, List.of(InetAddress.getByName("10.96.0.10")));
    NodeNetworking networking = new NodeNetworking(config, new SimpleMeterRegistry(), netns.runner);

    // node-cache's 10 statements, then fail-open's heartbeat, its two NOTRACK-while-alive statements
    // and the masquerade (no DNAT: no target given; FailOpenRulesTest has those).
    assertThat(networking.reconcile().added()).hasSize(10 + 4);

    assertThat(netns.sh("nft list chain inet nodecache raw_prerouting"))
        .contains("ip daddr 10.96.0.10 udp dport 53 socket transparent 0 notrack " + SKIP);
    assertThat(networking.reconcile().clean()).isTrue();
  }
}
