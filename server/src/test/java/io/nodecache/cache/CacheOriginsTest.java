package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What an entry remembers of where it came from (for prefetch and serve-stale refreshes) is shared by
 * every entry of a server block: a real server on loopback, cache + forward, stores 500 distinct names
 * and holds one origin, not one per name (each request has its own Next object; an origin keyed by it
 * cost some 90 bytes per entry and was never released).
 */
class CacheOriginsTest {

  private static final int NAMES = 500;

  @Test
  void everyEntryOfABlockSharesOneOrigin() throws Exception {
    try (TestUpstream upstream =
            TestUpstream.start(
                q -> {
                  Message m = new Message(q.getHeader().getID());
                  m.getHeader().setFlag(Flags.QR);
                  m.addRecord(q.getQuestion(), Section.QUESTION);
                  m.addRecord(Records.rr(q.getQuestion().getName() + " 300 IN A 192.0.2.7"), Section.ANSWER);
                  return m;
                });
        NodeCache server =
            TestServers.start(
                """
                .:0 {
                    bind 127.0.0.1
                    cache 300
                    forward . %s
                }
                """.formatted(upstream.hostPort()))) {
      InetSocketAddress dns = TestServers.dns(server);
      for (int i = 0; i < NAMES; i++) {
        Message m = DnsClient.udp(dns, DnsClient.query("n" + i + ".origins.test.", Type.A));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).containsExactly(Records.rr("n" + i + ".origins.test. 300 IN A 192.0.2.7"));
      }
      double entries = server.meters().get("coredns_cache_entries").tag("type", "success").gauge().value();
      assertThat(entries).isEqualTo(NAMES);
      Cache cache = (Cache) server.chains().get(0).handlers().stream()
          .filter(h -> h.name().equals("cache"))
          .findFirst()
          .orElseThrow();
      assertThat(cache.origins()).as("origins of %d entries", NAMES).isEqualTo(1);

      Message hit = DnsClient.udp(dns, DnsClient.query("n7.origins.test.", Type.A));
      assertThat(hit.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.7");
      assertThat(server.meters().get("coredns_cache_hits_total").tag("type", "success").counter().count())
          .isEqualTo(1);
    }
  }
}
