package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.ClientDirectory;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.Directive;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Client attribution through the real server on loopback: UDP and TCP queries from several source
 * addresses (127.0.0.2, 127.0.0.3, ...) that a test pod map names, answered on the fast path (cache
 * hits) and the decoded path, then {@code /metrics} and {@code /debug/clients} scraped over HTTP.
 */
class ClientAttributionEndToEndTest {

  private static final String COREFILE =
      """
      .:0 {
          bind 127.0.0.1
          kubernetes
          cache 30
          forward . 127.0.0.1:1
          prometheus 127.0.0.1:0
      }
      """;

  /** Source address → namespace/pod. 127.0.0.9 is no pod of ours (hostNetwork, another node). */
  private static final Map<String, String> PODS =
      Map.of(
          "127.0.0.2", "ns-a/pod-a1",
          "127.0.0.3", "ns-a/pod-a2",
          "127.0.0.4", "ns-b/pod-b",
          "127.0.0.5", "ns-c/pod-c",
          "127.0.0.6", "ns-d/pod-d");

  @Test
  void countsByNamespaceAndRcodeKeepsKPlusOneNamespacesAndListsTheBusiestPods() throws Exception {
    try (NodeCache server = TestServers.start(COREFILE, s -> s.withClientMetricsTop(2), new PodMap(), new Answers())) {
      InetSocketAddress dns = TestServers.dns(server);
      for (int i = 0; i < 6; i++) {
        assertThat(udpFrom("127.0.0.2", dns, "www.example.test.").getRcode()).isEqualTo(Rcode.NOERROR);
      }
      for (int i = 0; i < 2; i++) {
        tcpFrom("127.0.0.3", dns, "www.example.test."); // cache hits over TCP: the fast path
      }
      for (int i = 0; i < 5; i++) {
        assertThat(udpFrom("127.0.0.4", dns, "nx.example.test.").getRcode()).isEqualTo(Rcode.NXDOMAIN);
      }
      for (int i = 1; i <= 3; i++) {
        tcpFrom("127.0.0.5", dns, "c" + i + ".example.test."); // new names over TCP: the decoded path
      }
      udpFrom("127.0.0.6", dns, "nx-d.example.test.");
      for (int i = 0; i < 4; i++) {
        udpFrom("127.0.0.9", dns, "www.example.test.");
      }

      String metrics = MetricsContractTest.get(server.httpAddress("prometheus"), "/metrics").body();
      assertThat(clientSeries(metrics))
          .isEqualTo(
              Map.of(
                  "ns-a/NOERROR", 8.0, // 6 UDP (1 decoded, 5 cache hits) + 2 TCP cache hits
                  "ns-b/NXDOMAIN", 5.0, // 1 decoded + 4 negative cache hits
                  "other/NOERROR", 3.0, // ns-c, folded: K = 2 of 4 namespaces
                  "other/NXDOMAIN", 1.0)); // ns-d
      assertThat(MetricsContractTest.labelSets(metrics, "coredns_nodecache_client_requests_total"))
          .containsExactly("namespace,rcode");
      // both paths were taken, and the unknown client's 4 answers are in the server's totals only
      assertThat(metrics)
          .contains("coredns_dns_responses_total{plugin=\"cache\",rcode=\"NXDOMAIN\",server=\"dns://127.0.0.1:0\",view=\"\",zone=\".\"} 4.0")
          .contains("coredns_dns_responses_total{plugin=\"forward\",rcode=\"NXDOMAIN\",server=\"dns://127.0.0.1:0\",view=\"\",zone=\".\"} 2.0")
          .contains("coredns_dns_responses_total{plugin=\"forward\",rcode=\"NOERROR\",server=\"dns://127.0.0.1:0\",view=\"\",zone=\".\"} 4.0")
          .contains("coredns_dns_responses_total{plugin=\"cache\",rcode=\"NOERROR\",server=\"dns://127.0.0.1:0\",view=\"\",zone=\".\"} 11.0");

      HttpResponse<String> clients = MetricsContractTest.get(server.httpAddress("prometheus"), "/debug/clients");
      assertThat(clients.statusCode()).isEqualTo(200);
      assertThat(clients.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(clients.body())
          .isEqualTo(
              "{\"window_seconds\":60,\"top\":20,\"by_queries\":["
                  + "{\"pod\":\"ns-a/pod-a1\",\"namespace\":\"ns-a\",\"queries\":6,\"nxdomain\":0},"
                  + "{\"pod\":\"ns-b/pod-b\",\"namespace\":\"ns-b\",\"queries\":5,\"nxdomain\":5},"
                  + "{\"pod\":\"ns-c/pod-c\",\"namespace\":\"ns-c\",\"queries\":3,\"nxdomain\":0},"
                  + "{\"pod\":\"ns-a/pod-a2\",\"namespace\":\"ns-a\",\"queries\":2,\"nxdomain\":0},"
                  + "{\"pod\":\"ns-d/pod-d\",\"namespace\":\"ns-d\",\"queries\":1,\"nxdomain\":1}],"
                  + "\"by_nxdomain\":["
                  + "{\"pod\":\"ns-b/pod-b\",\"namespace\":\"ns-b\",\"queries\":5,\"nxdomain\":5},"
                  + "{\"pod\":\"ns-d/pod-d\",\"namespace\":\"ns-d\",\"queries\":1,\"nxdomain\":1}]}\n");

      // more traffic from a folded namespace: the top K stays K + 1 values and no series goes down
      for (int i = 0; i < 10; i++) {
        tcpFrom("127.0.0.6", dns, "d" + i + ".example.test.");
      }
      Map<String, Double> after = clientSeries(MetricsContractTest.get(server.httpAddress("prometheus"), "/metrics").body());
      assertThat(after)
          .isEqualTo(Map.of("ns-a/NOERROR", 8.0, "ns-d/NOERROR", 10.0, "other/NOERROR", 3.0, "other/NXDOMAIN", 1.0));
    }
  }

  @Test
  void zeroTopTurnsAttributionOff() throws Exception {
    try (NodeCache server = TestServers.start(COREFILE, s -> s.withClientMetricsTop(0), new PodMap(), new Answers())) {
      udpFrom("127.0.0.2", TestServers.dns(server), "www.example.test.");
      String metrics = MetricsContractTest.get(server.httpAddress("prometheus"), "/metrics").body();
      assertThat(metrics).contains("coredns_dns_requests_total").doesNotContain("coredns_nodecache_client_requests");
      assertThat(MetricsContractTest.get(server.httpAddress("prometheus"), "/debug/clients").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void withoutAPodMapNothingIsAttributed() throws Exception {
    try (NodeCache server = TestServers.start(COREFILE.replace("kubernetes\n", ""), new Answers())) {
      udpFrom("127.0.0.2", TestServers.dns(server), "www.example.test.");
      assertThat(MetricsContractTest.get(server.httpAddress("prometheus"), "/metrics").body())
          .doesNotContain("coredns_nodecache_client_requests");
      assertThat(MetricsContractTest.get(server.httpAddress("prometheus"), "/debug/clients").statusCode()).isEqualTo(404);
    }
  }

  /** {@code coredns_nodecache_client_requests_total} as "namespace/RCODE" → value. */
  private static Map<String, Double> clientSeries(String scrape) {
    Map<String, Double> out = new TreeMap<>();
    Matcher m =
        Pattern.compile("^coredns_nodecache_client_requests_total\\{namespace=\"([^\"]*)\",rcode=\"([^\"]*)\"\\} (\\S+)$", Pattern.MULTILINE)
            .matcher(scrape);
    while (m.find()) {
      out.put(m.group(1) + "/" + m.group(2), Double.parseDouble(m.group(3)));
    }
    return out;
  }

  private static Message udpFrom(String source, InetSocketAddress server, String name) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(source, 0))) {
      s.setSoTimeout(3000);
      byte[] q = DnsClient.query(name, Type.A).toWire();
      s.send(new DatagramPacket(q, q.length, server));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return new Message(Arrays.copyOf(buf, p.getLength()));
    }
  }

  private static Message tcpFrom(String source, InetSocketAddress server, String name) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(source, 0));
      s.connect(server, 3000);
      s.setSoTimeout(3000);
      DnsClient.writeFrame(s, DnsClient.query(name, Type.A).toWire());
      return new Message(DnsClient.readFrame(s));
    }
  }

  /** Stands in for the kubernetes plugin's node pod map: a {@link ClientDirectory} from {@link #PODS}. */
  static final class PodMap implements PluginFactory {
    @Override
    public String name() {
      return "kubernetes";
    }

    @Override
    public Handler create(Directive directive, PluginContext context) {
      return new Directory();
    }
  }

  static final class Directory implements Handler, FastPath, ClientDirectory {
    @Override
    public String name() {
      return "kubernetes";
    }

    @Override
    public Result fast(FastQuery query) {
      return Result.PASS; // lets the cache behind it answer on the fast path
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest request, Next next) {
      return next.handle(request);
    }

    @Override
    public String namespaceOf(InetAddress client) {
      String pod = podOf(client);
      return pod == null ? null : pod.substring(0, pod.indexOf('/'));
    }

    @Override
    public String podOf(InetAddress client) {
      return PODS.get(client.getHostAddress());
    }
  }

  /** Stands in for {@code forward}: NXDOMAIN (with a SOA, so cached) for names starting "nx", else an A. */
  static final class Answers implements PluginFactory {
    @Override
    public String name() {
      return "forward";
    }

    @Override
    public Handler create(Directive directive, PluginContext context) {
      return new Handler() {
        @Override
        public String name() {
          return "forward";
        }

        @Override
        public CompletionStage<Message> handle(DnsRequest r, Next next) {
          Message m = Responses.error(r.query(), Rcode.NOERROR);
          try {
            if (r.name().getLabelString(0).startsWith("nx")) {
              m.getHeader().setRcode(Rcode.NXDOMAIN);
              Name zone = Name.fromString("example.test.");
              m.addRecord(
                  new SOARecord(zone, DClass.IN, 60, Name.fromString("ns.example.test."), Name.fromString("h.example.test."), 1, 60, 60, 60, 60),
                  Section.AUTHORITY);
            } else {
              m.addRecord(new ARecord(r.name(), DClass.IN, 60, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
            }
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          return CompletableFuture.completedFuture(m);
        }
      };
    }
  }
}
