package io.nodecache.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the conntrack entries that DNS to the fail-open addresses left while we were gone: those
 * flows were DNATed to the cluster DNS, and once our socket is back their packets are NOTRACKed and
 * answered here, so the entries would only linger until their timeout. Uses the {@code conntrack}
 * binary; without it the entries simply expire (UDP 30 to 120 s).
 */
final class Conntrack {

  private static final Logger LOG = LoggerFactory.getLogger(Conntrack.class);
  private static final Pattern DELETED = Pattern.compile("(\\d+) flow entries have been deleted");

  private Conntrack() {}

  /** {@code conntrack -D -p udp|tcp -d L --dport PORT} for every fail-open address; returns the count. */
  static int forgetFailOpenFlows(CommandRunner runner, NodeNetConfig config) {
    int deleted = 0;
    for (InetAddress ip : config.failOpenIps()) {
      for (String proto : List.of("udp", "tcp")) {
        CommandRunner.Result result =
            runner.run("conntrack", "-D", "-f", ip instanceof Inet6Address ? "ipv6" : "ipv4", "-p", proto,
                "-d", Addresses.format(ip), "--dport", Integer.toString(config.dnsPort()));
        Matcher m = DELETED.matcher(result.stderr());
        if (m.find()) {
          deleted += Integer.parseInt(m.group(1));
        } else if (result.binaryMissing()) {
          LOG.info("fail-open: no conntrack binary; entries of the fail-open period expire on their own");
          return deleted;
        } else if (!result.ok()) {
          LOG.warn("fail-open: {} failed: {}", result.command(), result.firstErrorLine());
        }
      }
    }
    if (deleted > 0) {
      LOG.info("fail-open: deleted {} conntrack entries of DNS to {} left from while we were away", deleted,
          config.failOpenIps().stream().map(Addresses::format).toList());
    }
    return deleted;
  }
}
