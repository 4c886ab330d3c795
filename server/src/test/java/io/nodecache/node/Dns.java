package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** dnsmasq servers and dig queries inside test namespaces. */
final class Dns {

  private Dns() {}

  /**
   * Starts dnsmasq bound to {@code address}:53 only, answering every name under {@code test.local}
   * with {@code answer}, and waits (deadline 15 s) until it answers.
   */
  static Process dnsmasq(Netns netns, String address, String answer) throws Exception {
    Process process =
        netns.spawn(
            "dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
            "--user=root", "--pid-file", "--listen-address=" + address, "--bind-interfaces",
            "--port=53", "--address=/test.local/" + answer);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!answer.equals(query(netns, address, "ready.test.local"))) {
      assertThat(process.isAlive()).as("dnsmasq on " + address + " exited").isTrue();
      assertThat(Instant.now()).as("dnsmasq on " + address + " answers").isBefore(deadline);
      Thread.onSpinWait();
    }
    return process;
  }

  /** One UDP query with dig from inside {@code netns}; the first answer line, or "" on no answer. */
  static String query(Netns netns, String server, String name) {
    CommandRunner.Result result =
        netns.run("dig", "@" + server, name, "A", "+short", "+tries=1", "+time=2");
    return answers(result).stream().findFirst().orElse("");
  }

  /** Answer lines of a {@code dig +short} run (its ";;" error lines left out). */
  static List<String> answers(CommandRunner.Result result) {
    return result.stdout().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith(";")).toList();
  }

  /** Puts {@code node} and {@code pod} on a veth pair, the pod routing everything via the node. */
  static void link(Netns node, Netns pod) {
    node.sh("ip link add veth-n type veth peer name veth-p netns " + pod.name);
    node.sh("ip addr add 10.200.0.1/24 dev veth-n && ip link set veth-n up");
    pod.sh("ip addr add 10.200.0.2/24 dev veth-p && ip link set veth-p up && ip route add default via 10.200.0.1");
    // nodad: usable at once instead of after duplicate address detection
    node.sh("ip -6 addr add fd00:200::1/64 dev veth-n nodad");
    pod.sh("ip -6 addr add fd00:200::2/64 dev veth-p nodad && ip -6 route add default via fd00:200::1");
  }
}
