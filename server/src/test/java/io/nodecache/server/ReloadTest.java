package io.nodecache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nodecache.config.Flags;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Reload applies a new Corefile without dropping a query; a bad one keeps the old config serving. */
class ReloadTest {

  @TempDir Path dir;

  private static String corefile(String ip, int port) {
    return """
        .:%d {
            bind 127.0.0.1
            hosts {
                %s www.example.test
            }
            prometheus 127.0.0.1:0
        }
        """.formatted(port, ip);
  }

  private static String answer(InetSocketAddress dns) throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
    return m.getSection(Section.ANSWER).get(0).rdataToString();
  }

  @Test
  void aNewCorefileIsAppliedWithoutLosingAQueryAndABadOneIsRejected() throws Exception {
    try (NodeCache server = TestServers.start(corefile("10.0.0.1", 0))) {
      InetSocketAddress dns = TestServers.dns(server);
      assertThat(answer(dns)).isEqualTo("10.0.0.1");

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      Queue<String> reasons = new ConcurrentLinkedQueue<>();
      CompletableFuture<Void> load =
          CompletableFuture.runAsync(
              () -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < 20_000 && running.get() && System.nanoTime() < end; i++) {
                  try {
                    Message m = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
                    if (m.getRcode() == Rcode.NOERROR) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                      reasons.add(Rcode.string(m.getRcode()));
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                    reasons.add(e.toString());
                  }
                }
              });
      while (ok.get() < 50 && !load.isDone()) {
        Thread.sleep(5);
      }
      // The same configured address (port 0 stays "0"): the listener is kept and only its router swapped.
      assertThat(server.reload(TestServers.parse(corefile("10.0.0.2", 0)))).isTrue();
      int before = ok.get();
      while (ok.get() < before + 50 && !load.isDone()) {
        Thread.sleep(5);
      }
      running.set(false);
      load.get(15, TimeUnit.SECONDS);
      assertThat(reasons).isEmpty();
      assertThat(failed.get()).isZero();
      assertThat(TestServers.dns(server)).isEqualTo(dns);
      assertThat(answer(dns)).isEqualTo("10.0.0.2");

      assertThat(server.reload(TestServers.parse(".:" + dns.getPort() + " {\n  bind 127.0.0.1\n  cahce\n}\n"))).isFalse();
      assertThat(answer(dns)).isEqualTo("10.0.0.2");
      assertThat(server.meters().get("coredns.reload.failed").counter().count()).isEqualTo(1.0);
    }
  }

  @Test
  void aMovedListenerIsRebound() throws Exception {
    try (NodeCache server = TestServers.start(corefile("10.0.0.1", 0))) {
      int port = TestServers.dns(server).getPort();
      String moved = corefile("10.0.0.3", 0).replace("bind 127.0.0.1", "bind 127.0.0.2");
      assertThat(server.reload(TestServers.parse(moved))).isTrue();
      assertThat(server.dnsAddresses()).hasSize(1);
      InetSocketAddress now = TestServers.dns(server);
      assertThat(now.getAddress().getHostAddress()).isEqualTo("127.0.0.2");
      assertThat(answer(now)).isEqualTo("10.0.0.3");
      assertThat(DnsClient.udpRaw(new InetSocketAddress("127.0.0.1", port), DnsClient.query("www.example.test.", Type.A).toWire(), 300)).isNull();
    }
  }

  @Test
  void theKubeDnsConfigMapBecomesServerBlocksAsNodeCacheRendersThem() throws Exception {
    Path cm = Files.createDirectories(dir.resolve("kube-dns"));
    Files.writeString(cm.resolve("stubDomains"), "{\"acme.local\": [\"10.150.0.1\", \"10.150.0.2:5353\"]}");
    Files.writeString(cm.resolve("upstreamNameservers"), "[\"10.0.0.53\"]");
    Path base = dir.resolve("Corefile.base");
    Files.writeString(
        base,
        """
        .:53 {
            bind __PILLAR__LOCAL__DNS__
            forward . __PILLAR__UPSTREAM__SERVERS__ {
                    force_tcp
            }
        }
        """);
    Path conf = dir.resolve("Corefile");
    Flags flags =
        Flags.parse("-localip", "169.254.20.10", "-kubednscm", cm.toString(), "-basecorefile", base.toString(), "-conf", conf.toString());
    ConfigSource source = new ConfigSource(flags, Map.of(), new SimpleMeterRegistry());
    String text = source.text();
    assertThat(text)
        .contains("forward . 10.0.0.53\n")
        .doesNotContain("force_tcp")
        .contains("acme.local:53 {\n    errors\n    cache 30\n    bind 169.254.20.10\n    forward . 10.150.0.1 10.150.0.2:5353\n}\n");
    assertThat(Files.readString(conf)).isEqualTo(text);
    assertThat(source.parse(text).blocks()).hasSize(2);

    Files.writeString(cm.resolve("stubDomains"), "{\"Not_A_Domain\": [\"10.150.0.1\"]}");
    SimpleRegistryHolder h = new SimpleRegistryHolder();
    ConfigSource again = new ConfigSource(flags, Map.of(), h.registry);
    String kept = again.text();
    assertThat(kept).doesNotContain("Not_A_Domain");
    assertThat(h.registry.get("coredns.nodecache.setup.errors").tag("errortype", "configmap").counter().count()).isEqualTo(1.0);
  }

  private static final class SimpleRegistryHolder {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  }
}
