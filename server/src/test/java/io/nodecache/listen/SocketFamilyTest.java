package io.nodecache.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Which kernel sockets a listener opens, read from {@code /proc/net}: an IPv4 address gets AF_INET
 * sockets (no v4-mapped detour through the IPv6 stack per datagram), the wildcard stays dual-stack.
 */
class SocketFamilyTest {

  private static final String HOSTS = "hosts {\n        10.0.0.1 www.example.test\n    }";

  @Test
  void ipv4AddressIsServedByIpv4Sockets() throws Exception {
    assumeTrue(Epoll.isAvailable(), "the per-family sockets are the epoll transport's");
    NodeCache server = TestServers.start("example.test:0 {\n    bind 127.0.0.1\n    " + HOSTS + "\n}\n");
    try {
      InetSocketAddress dns = TestServers.dns(server);
      assertThat(answer(dns)).isEqualTo(Rcode.NOERROR);
      String port = String.format(Locale.ROOT, ":%04X", dns.getPort());
      assertThat(sockets("udp", port)).isNotEmpty().allMatch(l -> l.startsWith("0100007F" + port));
      assertThat(sockets("tcp", port)).isNotEmpty();
      assertThat(sockets("udp6", port)).isEmpty();
      assertThat(sockets("tcp6", port)).isEmpty();
    } finally {
      server.close();
    }
  }

  @Test
  void wildcardStaysDualStack() throws Exception {
    assumeTrue(Epoll.isAvailable(), "the per-family sockets are the epoll transport's");
    assumeTrue(Files.exists(Path.of("/proc/net/udp6")), "no IPv6 in this kernel");
    NodeCache server = TestServers.start("example.test:0 {\n    " + HOSTS + "\n}\n");
    try {
      int p = TestServers.dns(server).getPort();
      String port = String.format(Locale.ROOT, ":%04X", p);
      assertThat(sockets("udp6", port)).isNotEmpty();
      assertThat(sockets("udp", port)).isEmpty();
      assertThat(answer(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), p))).isEqualTo(Rcode.NOERROR);
      assertThat(answer(new InetSocketAddress(InetAddress.getByName("::1"), p))).isEqualTo(Rcode.NOERROR);
    } finally {
      server.close();
    }
  }

  private static int answer(InetSocketAddress dns) throws IOException {
    Message m = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
    return m.getRcode();
  }

  /** The local-address column of {@code /proc/net/PROTO} lines whose local port is {@code port}. */
  private static List<String> sockets(String proto, String port) throws IOException {
    Path table = Path.of("/proc/net", proto);
    if (!Files.exists(table)) {
      return List.of();
    }
    return Files.readAllLines(table).stream()
        .skip(1)
        .map(l -> l.trim().split("\\s+")[1])
        .filter(local -> local.endsWith(port))
        .toList();
  }
}
