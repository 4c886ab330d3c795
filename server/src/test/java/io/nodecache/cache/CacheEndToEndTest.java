package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The cache in a real server on loopback, in front of the forward plugin and a real upstream. */
class CacheEndToEndTest {

  private static long ttl(Message m) {
    return m.getSection(Section.ANSWER).get(0).getTTL();
  }

  @Test
  void theSecondIdenticalQueryDoesNotReachTheUpstream() throws Exception {
    try (TestUpstream up = TestUpstream.start("www.example.com. 300 IN A 192.0.2.53")) {
      String corefile =
          """
          .:0 {
              bind 127.0.0.1
              cache 60
              forward . %s
          }
          """.formatted(up.hostPort());
      NodeCache server = TestServers.start(corefile);
      try {
        InetSocketAddress dns = TestServers.dns(server);
        Message first = DnsClient.udp(dns, DnsClient.query("www.example.com.", Type.A));
        assertThat(first.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ttl(first)).isEqualTo(60); // capped by "cache 60"
        assertThat(up.queries()).isEqualTo(1);

        Message udp = DnsClient.udp(dns, DnsClient.query("WWW.Example.COM.", Type.A));
        Message edns =
            DnsClient.udp(dns, DnsClient.withEdns(DnsClient.query("www.example.com.", Type.A), 1232, false));
        Message tcp = DnsClient.tcp(dns, DnsClient.query("www.EXAMPLE.com.", Type.A));
        assertThat(up.queries()).as("hits never reach the upstream").isEqualTo(1);
        assertThat(udp.getQuestion().getName().toString()).isEqualTo("WWW.Example.COM.");
        assertThat(udp.getHeader().getID()).isEqualTo(4242);
        assertThat(edns.getOPT()).isNotNull();
        assertThat(tcp.getQuestion().getName().toString()).isEqualTo("www.EXAMPLE.com.");
        for (Message m : new Message[] {udp, edns, tcp}) {
          assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.53");
          assertThat(ttl(m)).isBetween(58L, 60L);
        }
        // answered by the cache: the listener labels those responses with the cache plugin
        assertThat(server.meters().scrape().lines())
            .anyMatch(l -> l.startsWith("coredns_dns_responses_total{plugin=\"cache\",rcode=\"NOERROR\"")
                && l.endsWith(" 3.0"))
            .anyMatch(l -> l.startsWith("coredns_cache_hits_total{") && l.contains("type=\"success\"")
                && l.endsWith(" 3.0"));

        DnsClient.udp(dns, DnsClient.query("other.example.com.", Type.A));
        assertThat(up.queries()).isEqualTo(2);
      } finally {
        server.close();
      }
    }
  }

  @Test
  void aSilentUpstreamGetsTheLastKnownGoodAnswer() throws Exception {
    try (TestUpstream up = TestUpstream.start("web.example.com. 1 IN A 192.0.2.54")) {
      String corefile =
          """
          .:0 {
              bind 127.0.0.1
              cache {
                  success 9984 3600 1
                  serve_stale 1h verify 300ms
              }
              forward . %s {
                  read_timeout 500ms
              }
          }
          """.formatted(up.hostPort());
      NodeCache server = TestServers.start(corefile);
      try {
        InetSocketAddress dns = TestServers.dns(server);
        assertThat(ttl(DnsClient.udp(dns, DnsClient.query("web.example.com.", Type.A)))).isEqualTo(1);
        up.silent(true);
        // The entry expires after one real second; wait for the stale answer (TTL 30), with a deadline.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Message m = DnsClient.udp(dns, DnsClient.query("web.example.com.", Type.A));
        for (int i = 0; i < 100_000 && ttl(m) != 30 && System.nanoTime() < deadline; i++) {
          m = DnsClient.udp(dns, DnsClient.query("web.example.com.", Type.A));
        }
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ttl(m)).isEqualTo(30);
        assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.54");
        assertThat(server.meters().scrape().lines())
            .anyMatch(l -> l.startsWith("coredns_cache_served_stale_total{") && !l.endsWith(" 0.0"));
      } finally {
        server.close();
      }
    }
  }
}
