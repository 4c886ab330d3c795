package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.testing.Privileged;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** node-cache's rules through real iptables/ip6tables in a fresh namespace per test. */
class IptablesRulesTest {

  /**
   * One address family: the local IP, how iptables-save prints it, and the binaries. The nft variants
   * are named because that is what detection picks in an empty namespace, whatever the host's
   * {@code iptables} alternative points to.
   */
  record Family(String ip, String cidr, String save, String iptables) {
    @Override
    public String toString() {
      return iptables + " " + ip;
    }
  }

  static Stream<Family> families() {
    return Stream.of(
        new Family("169.254.20.10", "169.254.20.10/32", "iptables-nft-save", "iptables-nft"),
        new Family("fd00::10", "fd00::10/128", "ip6tables-nft-save", "ip6tables-nft"));
  }

  /** What node-cache leaves in the raw table: each rule inserted with -I, so the chain is reversed. */
  static List<String> expectedRaw(String cidr) {
    String skip = "-m comment --comment \"NodeLocal DNS Cache: skip conntrack\" -j NOTRACK";
    return List.of(
        "-A PREROUTING -d " + cidr + " -p udp -m udp --dport 53 " + skip,
        "-A PREROUTING -d " + cidr + " -p tcp -m tcp --dport 53 " + skip,
        "-A OUTPUT -s " + cidr + " -p tcp -m tcp --sport 8080 " + skip,
        "-A OUTPUT -d " + cidr + " -p tcp -m tcp --dport 8080 " + skip,
        "-A OUTPUT -d " + cidr + " -p udp -m udp --dport 53 " + skip,
        "-A OUTPUT -d " + cidr + " -p tcp -m tcp --dport 53 " + skip,
        "-A OUTPUT -s " + cidr + " -p udp -m udp --sport 53 " + skip,
        "-A OUTPUT -s " + cidr + " -p tcp -m tcp --sport 53 " + skip);
  }

  static List<String> expectedFilter(String cidr) {
    String allow = "-m comment --comment \"NodeLocal DNS Cache: allow DNS traffic\" -j ACCEPT";
    return List.of(
        "-A INPUT -d " + cidr + " -p udp -m udp --dport 53 " + allow,
        "-A INPUT -d " + cidr + " -p tcp -m tcp --dport 53 " + allow,
        "-A OUTPUT -s " + cidr + " -p udp -m udp --sport 53 " + allow,
        "-A OUTPUT -s " + cidr + " -p tcp -m tcp --sport 53 " + allow);
  }

  private Netns netns;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "iptables-nft", "ip6tables-nft", "iptables-legacy");
    netns = Netns.create();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (netns != null) {
      netns.close();
    }
  }

  private NodeNetworking networking(String... ips) throws Exception {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      addresses.add(InetAddress.getByName(ip));
    }
    NodeNetConfig config =
        new NodeNetConfig(
            addresses, 53, 8080, "lo", false, true, false, Duration.ofMinutes(10),
            RulesBackend.IPTABLES, false, List.of());
    return new NodeNetworking(config, registry, netns.runner);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void startInstallsExactlyNodeCachesRules(Family family) throws Exception {
    try (NodeNetworking networking = networking(family.ip())) {
      networking.start();

      assertThat(netns.saveRules(family.save(), "raw")).containsExactlyElementsOf(expectedRaw(family.cidr()));
      assertThat(netns.saveRules(family.save(), "filter"))
          .containsExactlyElementsOf(expectedFilter(family.cidr()));
      assertThat(networking.rulesBackend()).isEqualTo("iptables (nft)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void manyReconcilesNeverDuplicateAndRemoveExtraCopies(Family family) throws Exception {
    NodeNetworking networking = networking(family.ip());
    assertThat(networking.reconcile().added()).hasSize(12);
    for (int i = 0; i < 20; i++) {
      ReconcileReport pass = networking.reconcile();
      assertThat(pass.clean()).as(pass.toString()).isTrue();
      assertThat(pass.found()).isEqualTo(12);
    }
    // Someone (an old node-cache with a buggy -C) inserted copies of our rules.
    String rule = "-p udp -d " + family.ip() + " --dport 53 -j NOTRACK -m comment --comment 'NodeLocal DNS Cache: skip conntrack'";
    netns.sh(family.iptables() + " -w -t raw -I PREROUTING " + rule);
    netns.sh(family.iptables() + " -w -t raw -A PREROUTING " + rule);

    ReconcileReport pass = networking.reconcile();

    assertThat(pass.removed()).hasSize(2).allMatch(r -> r.startsWith("duplicate "));
    assertThat(pass.added()).isEmpty();
    // -D removes the first copies from the top, so the survivor may sit elsewhere in the chain.
    assertThat(netns.saveRules(family.save(), "raw"))
        .containsExactlyInAnyOrderElementsOf(expectedRaw(family.cidr()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void flushedRulesComeBackOnTheNextPass(Family family) throws Exception {
    NodeNetworking networking = networking(family.ip());
    networking.reconcile();
    netns.sh(family.iptables() + " -w -t raw -F");
    netns.sh(family.iptables() + " -w -t filter -D INPUT 1");

    ReconcileReport pass = networking.reconcile();

    assertThat(pass.added()).hasSize(9);
    assertThat(pass.found()).isEqualTo(3);
    assertThat(netns.saveRules(family.save(), "raw")).containsExactlyInAnyOrderElementsOf(expectedRaw(family.cidr()));
    assertThat(netns.saveRules(family.save(), "filter"))
        .containsExactlyInAnyOrderElementsOf(expectedFilter(family.cidr()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void teardownRemovesExactlyOursAndKeepsForeignRules(Family family) throws Exception {
    // Foreign rules that look like ours but are not: another interface, another port, a plain ACCEPT.
    String comment = "-m comment --comment 'NodeLocal DNS Cache: skip conntrack'";
    netns.sh(family.iptables() + " -w -t raw -A PREROUTING -i eth0 -p udp -d " + family.ip() + " --dport 53 -j NOTRACK " + comment);
    netns.sh(family.iptables() + " -w -t raw -A PREROUTING -p udp -d " + family.ip() + " --dport 5353 -j NOTRACK " + comment);
    netns.sh(family.iptables() + " -w -t filter -A INPUT -p tcp --dport 22 -j ACCEPT");
    List<String> rawBefore = netns.saveRules(family.save(), "raw");
    List<String> filterBefore = netns.saveRules(family.save(), "filter");
    NodeNetworking networking = networking(family.ip());
    networking.start();
    assertThat(netns.saveRules(family.save(), "raw")).hasSize(rawBefore.size() + 8);

    ReconcileReport down = networking.teardown();

    assertThat(down.removed()).hasSize(12);
    assertThat(down.errors()).isEmpty();
    assertThat(netns.saveRules(family.save(), "raw")).containsExactlyElementsOf(rawBefore);
    assertThat(netns.saveRules(family.save(), "filter")).containsExactlyElementsOf(filterBefore);
    assertThat(networking.reconcile().added()).as("no pass after teardown").isEmpty();
  }

  @Test
  void dualStackInOneProcessGivesEachFamilyItsRules() throws Exception {
    NodeNetworking networking = networking("169.254.20.10", "fd00::10");

    ReconcileReport pass = networking.reconcile();

    assertThat(pass.added()).hasSize(24);
    assertThat(netns.saveRules("iptables-nft-save", "raw")).containsExactlyElementsOf(expectedRaw("169.254.20.10/32"));
    assertThat(netns.saveRules("ip6tables-nft-save", "raw")).containsExactlyElementsOf(expectedRaw("fd00::10/128"));
    assertThat(netns.saveRules("ip6tables-nft-save", "filter")).containsExactlyElementsOf(expectedFilter("fd00::10/128"));
    networking.teardown();
    assertThat(netns.saveRules("iptables-nft-save", "raw")).isEmpty();
    assertThat(netns.saveRules("ip6tables-nft-save", "raw")).isEmpty();
  }

  @Test
  void failOpenRulesMatchOnlyWithABoundSocket() throws Exception {
    NodeNetConfig config =
        new NodeNetConfig(
            List.of(InetAddress.getByName("169.254.20.10"), InetAddress.getByName("10.96.0.10")), 53, 8080,
            "lo", false, true, false, Duration.ofMinutes(10), RulesBackend.IPTABLES, true,
            List.of(InetAddress.getByName("10.96.0.10")));
    NodeNetworking networking = new NodeNetworking(config, registry, netns.runner);

    // node-cache's 22 rules, then the fail-open chains of the ClusterIP: NODECACHE-OUTPUT (raw),
    // NODECACHE-DNAT and NODECACHE-SNAT (nat), and their four jumps (FailOpenRulesTest has the rest).
    assertThat(networking.reconcile().added()).hasSize(22 + 3 + 4);

    assertThat(netns.saveRules("iptables-nft-save", "raw"))
        .contains(
            "-A PREROUTING -d 10.96.0.10/32 -p udp -m udp --dport 53 -m socket --nowildcard -m comment --comment \"NodeLocal DNS Cache: skip conntrack\" -j NOTRACK",
            "-A PREROUTING -d 169.254.20.10/32 -p udp -m udp --dport 53 -m comment --comment \"NodeLocal DNS Cache: skip conntrack\" -j NOTRACK")
        .noneMatch(l -> l.startsWith("-A OUTPUT -d 10.96.0.10/32") && l.contains("--dport 53 "));
    assertThat(networking.reconcile().clean()).isTrue();
  }

  @Test
  void detectsTheXtablesModeTheNodeUses() {
    assertThat(Xtables.detect(netns.runner).mode()).as("no rules anywhere: nft").isEqualTo("nft");
    netns.sh("iptables-legacy -t filter -A INPUT -p tcp --dport 22 -j ACCEPT");
    assertThat(Xtables.detect(netns.runner).mode()).as("more legacy rules").isEqualTo("legacy");
    netns.sh("iptables-nft -t mangle -N KUBE-KUBELET-CANARY");
    assertThat(Xtables.detect(netns.runner).mode()).as("kubelet's canary in nft").isEqualTo("nft");
  }

  @Test
  void aLegacyNodeGetsItsRulesInTheLegacyTables() throws Exception {
    netns.sh("iptables-legacy -w -t filter -A INPUT -p tcp --dport 22 -j ACCEPT");
    NodeNetworking networking = networking("169.254.20.10");

    assertThat(networking.reconcile().added()).hasSize(12);

    assertThat(networking.rulesBackend()).isEqualTo("iptables (legacy)");
    assertThat(netns.saveRules("iptables-legacy-save", "raw")).containsExactlyElementsOf(expectedRaw("169.254.20.10/32"));
    assertThat(netns.saveRules("iptables-nft-save", "raw")).isEmpty();
    assertThat(networking.reconcile().clean()).isTrue();
    networking.teardown();
    assertThat(netns.saveRules("iptables-legacy-save", "raw")).isEmpty();
    assertThat(netns.saveRules("iptables-legacy-save", "filter")).containsExactly("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT");
  }

  @Test
  void missingBinaryIsOneClearCountedError() throws Exception {
    CommandRunner.Result result = netns.run("iptables-nosuch-save", "-t", "raw");
    SetupException failure = IptablesRules.failure(result);

    assertThat(failure.getMessage())
        .isEqualTo("iptables-nosuch-save not found: install iptables, or use -rules-backend nftables or -setupiptables=false");
    assertThat(failure.errorType()).isEqualTo("iptables");
  }
}
