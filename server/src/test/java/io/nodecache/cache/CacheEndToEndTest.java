package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.NodeCache;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.Directive;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The cache in a real server on loopback in front of a real upstream. The forward plugin is not on
 * main yet: a stand-in registered as {@code forward} relays over UDP with dnsjava's resolver.
 */
class CacheEndToEndTest {

  /** Relays every query to one upstream address. */
  private static final class Relay implements PluginFactory {
    @Override
    public String name() {
      return "forward";
    }

    @Override
    public Handler create(Directive d, PluginContext context) {
      SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", Integer.parseInt(d.arg(1))));
      resolver.setTimeout(Duration.ofSeconds(2));
      return new Handler() {
        @Override
        public String name() {
          return "forward";
        }

        @Override
        public CompletionStage<Message> handle(DnsRequest r, Next next) {
          return resolver.sendAsync(r.query());
        }
      };
    }
  }

  @Test
  void theSecondIdenticalQueryDoesNotReachTheUpstream() throws Exception {
    try (UdpUpstream upstream = new UdpUpstream()) {
      String corefile =
          """
          .:0 {
              bind 127.0.0.1
              cache 60
              forward . %d
          }
          """.formatted(upstream.address().getPort());
      NodeCache server = TestServers.start(corefile, new Relay());
      try {
        InetSocketAddress dns = TestServers.dns(server);
        Message first = DnsClient.udp(dns, DnsClient.query("www.example.com.", Type.A));
        assertThat(first.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(first.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(60); // capped
        assertThat(upstream.queries.get()).isEqualTo(1);

        Message udp = DnsClient.udp(dns, DnsClient.query("WWW.Example.COM.", Type.A));
        Message edns = DnsClient.udp(dns, DnsClient.withEdns(DnsClient.query("www.example.com.", Type.A), 1232, false));
        Message tcp = DnsClient.tcp(dns, DnsClient.query("www.EXAMPLE.com.", Type.A));
        assertThat(upstream.queries.get()).isEqualTo(1);
        assertThat(udp.getQuestion().getName().toString()).isEqualTo("WWW.Example.COM.");
        assertThat(udp.getHeader().getID()).isEqualTo(4242);
        assertThat(edns.getOPT()).isNotNull();
        assertThat(tcp.getQuestion().getName().toString()).isEqualTo("www.EXAMPLE.com.");
        for (Message m : new Message[] {udp, edns, tcp}) {
          assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.53");
          assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isBetween(58L, 60L);
        }

        // answered from the fast path: the listener labels those responses with the cache plugin
        assertThat(server.meters().scrape().lines())
            .anyMatch(l -> l.startsWith("coredns_dns_responses_total{plugin=\"cache\",rcode=\"NOERROR\"")
                && l.endsWith(" 3.0"))
            .anyMatch(l -> l.startsWith("coredns_cache_hits_total{") && l.contains("type=\"success\"")
                && l.endsWith(" 3.0"));

        DnsClient.udp(dns, DnsClient.query("other.example.com.", Type.A));
        assertThat(upstream.queries.get()).isEqualTo(2);
      } finally {
        server.close();
      }
    }
  }
}
