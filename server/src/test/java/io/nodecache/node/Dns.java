package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

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
        netns.run("dig", "@" + server, name, "A", "+short", "+tries=1", "+time=1");
    return result.stdout().lines().findFirst().orElse("").strip();
  }
}
