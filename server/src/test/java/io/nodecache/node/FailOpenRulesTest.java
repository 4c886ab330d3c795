package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.testing.Privileged;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fail-open rule set through the real iptables/ip6tables and nft, per backend and family: the
 * first pass writes it, the next finds it complete, a change of the cluster DNS endpoints rewrites
 * only the DNAT (spread evenly), and teardown leaves nothing of ours.
 */
class FailOpenRulesTest {

  private Netns netns;

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "iptables-nft", "ip6tables-nft", "nft");
    netns = Netns.create();
  }

  @AfterEach
  void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  @ParameterizedTest(name = "{0} {1}: targets {2}, then {3}")
  @CsvSource({
    "IPTABLES, 169.254.20.10, 10.244.1.5;10.244.2.7, 10.244.3.9",
    "IPTABLES, fd00::10, fd00:244::5;fd00:244::7, fd00:244::9",
    "NFTABLES, 169.254.20.10, 10.244.1.5;10.244.2.7, 10.244.3.9",
    "NFTABLES, fd00::10, fd00:244::5;fd00:244::7, fd00:244::9",
  })
  void writtenOnceRewrittenOnAnEndpointChangeAndRemovedOnTeardown(
      RulesBackend backend, String localIp, String before, String after) throws Exception {
    NodeNetConfig config =
        new NodeNetConfig(List.of(Addresses.parse(localIp)), 53, 8080, "lo", true, true, false,
            Duration.ofMinutes(10), backend, true, List.of(Addresses.parse(localIp)));
    AtomicReference<List<InetAddress>> targets = new AtomicReference<>(addresses(before));
    try (NodeNetworking networking = new NodeNetworking(config, new SimpleMeterRegistry(), netns.runner)) {
      networking.failOpenTargets(targets::get);
      networking.prepareInterface();
      ReconcileReport first = networking.reconcile();
      assertThat(first.errors()).isEmpty();
      assertThat(dump(backend, localIp)).contains(dnatLines(backend, localIp, before));
      assertThat(networking.reconcile().clean()).as("second pass finds everything").isTrue();

      targets.set(addresses(after));
      ReconcileReport changed = networking.reconcile();
      assertThat(changed.errors()).isEmpty();
      assertThat(changed.added()).isNotEmpty();
      assertThat(dump(backend, localIp)).contains(dnatLines(backend, localIp, after))
          .doesNotContain(before.split(";")[0] + (backend == RulesBackend.NFTABLES ? "," : ":53"));
      assertThat(networking.reconcile().clean()).isTrue();

      assertThat(networking.teardown().errors()).isEmpty();
      assertThat(dump(backend, localIp)).doesNotContainIgnoringCase("nodecache");
    }
  }

  private static List<InetAddress> addresses(String list) {
    List<InetAddress> out = new ArrayList<>();
    for (String ip : list.split(";")) {
      out.add(Addresses.parse(ip));
    }
    return out;
  }

  /** What our DNAT looks like in the dump for these targets. */
  private static List<String> dnatLines(RulesBackend backend, String localIp, String targets) {
    List<InetAddress> ips = addresses(targets);
    boolean v6 = localIp.contains(":");
    if (backend == RulesBackend.NFTABLES) {
      StringBuilder map = new StringBuilder();
      for (int i = 0; i < ips.size(); i++) {
        map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(Addresses.format(ips.get(i)));
      }
      String family = v6 ? "ip6" : "ip";
      return List.of(
          family + " daddr " + localIp + " udp dport 53 dnat " + family + " to numgen random mod " + ips.size()
              + " map { " + map + " }:53",
          family + " daddr " + localIp + " tcp dport 53 dnat " + family + " to numgen random mod " + ips.size()
              + " map { " + map + " }:53");
    }
    List<String> lines = new ArrayList<>();
    String cidr = localIp + (v6 ? "/128" : "/32");
    for (int i = 0; i < ips.size(); i++) {
      String to = v6 ? "[" + Addresses.format(ips.get(i)) + "]:53" : Addresses.format(ips.get(i)) + ":53";
      String share = ips.size() - i > 1
          ? " -m statistic --mode random --probability " + String.format("%.11f", 1.0 / (ips.size() - i))
          : "";
      lines.add("-A NODECACHE-DNAT -d " + cidr + " -p udp -m udp --dport 53" + share + " -m comment --comment \"nodecache"
          + " fail-open: " + localIp + " udp to " + to + " (" + (i + 1) + " of " + ips.size() + ")\" -j DNAT --to-destination " + to);
    }
    return lines;
  }

  /** The whole rule set of the namespace as the backend prints it. */
  private String dump(RulesBackend backend, String localIp) {
    if (backend == RulesBackend.NFTABLES) {
      CommandRunner.Result listed = netns.run("nft", "list", "ruleset");
      assertThat(listed.ok()).as(listed.stderr()).isTrue();
      return listed.stdout().lines().map(String::strip).reduce("", (a, b) -> a + b + "\n");
    }
    String save = localIp.contains(":") ? "ip6tables-nft-save" : "iptables-nft-save";
    return netns.sh(save);
  }
}
