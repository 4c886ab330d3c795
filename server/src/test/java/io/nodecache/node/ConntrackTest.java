package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.testing.Privileged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The point of the rules: DNS to the node-local IP, from a pod (through the node's PREROUTING) and
 * from the node itself (OUTPUT, as a host-network pod), creates no conntrack entry. Without the
 * rules the same queries do, so the test can fail.
 */
class ConntrackTest {

  private static final int QUERIES = 25;

  private Netns node;
  private Netns pod;

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "iptables", "nft", "conntrack", "dig", "dnsmasq");
    node = Netns.create();
    pod = Netns.create();
    Dns.link(node, pod);
    // A firewall rule using conntrack, as kube-proxy's and most hosts' rules do: it turns connection
    // tracking on in this namespace (the kernel enables it per namespace on first use).
    node.sh("iptables -w -A INPUT -m conntrack --ctstate INVALID -j DROP");
    node.sh("ip6tables -w -A INPUT -m conntrack --ctstate INVALID -j DROP");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (pod != null) {
      pod.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @ParameterizedTest(name = "{0} rules {1} via {2}: DNS conntrack entries {3}")
  @CsvSource({
    "169.254.20.10, true, IPTABLES, none",
    "169.254.20.10, true, NFTABLES, none",
    "169.254.20.10, false, IPTABLES, some",
    "fd00::10, true, IPTABLES, none",
    "fd00::10, true, NFTABLES, none",
    "fd00::10, false, IPTABLES, some",
  })
  void dnsToTheLocalIpBypassesConntrack(String localIp, boolean rules, RulesBackend backend, String expected)
      throws Exception {
    NodeNetConfig config =
        new NodeNetConfig(
            List.of(Addresses.parse(localIp)), 53, 8080, "lo", true, rules, false, Duration.ofMinutes(10),
            backend, false, List.of());
    try (NodeNetworking networking = new NodeNetworking(config, new SimpleMeterRegistry(), node.runner)) {
      networking.prepareInterface();
      Dns.dnsmasq(node, localIp, "1.2.3.4");
      networking.start();
      node.sh("conntrack -F");

      List<String> names = IntStream.range(0, QUERIES).mapToObj(i -> "q" + i + ".test.local").toList();
      List<String> answers = new ArrayList<>();
      answers.addAll(dig(pod, localIp, names, "+notcp"));
      answers.addAll(dig(node, localIp, names, "+notcp"));
      answers.addAll(dig(pod, localIp, names.subList(0, 5), "+tcp"));
      answers.addAll(dig(node, localIp, names.subList(0, 5), "+tcp"));

      assertThat(answers).hasSize(2 * QUERIES + 10).containsOnly("1.2.3.4");
      int entries = dnsEntries(localIp.contains(":") ? "ipv6" : "ipv4");
      LoggerFactory.getLogger(ConntrackTest.class)
          .info("{} rules={} backend={}: {} queries, {} conntrack entries for port 53", localIp, rules, backend,
              answers.size(), entries);
      if (expected.equals("none")) {
        assertThat(entries).as("conntrack entries for port 53").isZero();
      } else {
        assertThat(entries).as("conntrack entries for port 53").isGreaterThanOrEqualTo(QUERIES);
      }
    }
  }

  private static List<String> dig(Netns from, String server, List<String> names, String transport) {
    List<String> argv = new ArrayList<>(List.of("dig", "@" + server, "+short", "+tries=1", "+time=2", transport));
    argv.addAll(names);
    return Dns.answers(from.runner.run(argv, null));
  }

  private int dnsEntries(String family) {
    int entries = 0;
    for (String proto : List.of("udp", "tcp")) {
      CommandRunner.Result listed = node.run("conntrack", "-L", "-f", family, "-p", proto, "--dport", "53");
      assertThat(listed.ok()).as(listed.stderr()).isTrue();
      entries += (int) listed.stdout().lines().filter(l -> !l.isBlank()).count();
    }
    return entries;
  }
}
