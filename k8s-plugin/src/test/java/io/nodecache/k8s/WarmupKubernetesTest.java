package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.Setup;
import io.nodecache.server.warmup.Warmup;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The warm-up of a Corefile with {@code kubernetes}: its copy answers the cluster zone from the
 * snapshot file and never contacts the API server, although the real block names one (unreachable
 * here: a copy that tried it would fail to start after {@code startup_timeout}) and the environment
 * says in-cluster.
 */
class WarmupKubernetesTest {

  @Test
  void theCopyAnswersFromTheSnapshotWithoutTheApi() throws Exception {
    String corefile =
        """
        cluster.local:0 {
            kubernetes cluster.local {
                endpoint https://127.0.0.1:1
                startup_timeout 30s
                pods insecure
                snapshot %s
            }
            cache 30
        }
        """.formatted(Fixtures.resource("test-cluster.yaml"));
    Setup setup =
        Setup.of(TestServers.parse(corefile))
            .withEnv(Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "NODE_NAME", "node-1"));
    List<String> seen = new ArrayList<>();
    Warmup.Result r =
        Warmup.run(
            setup,
            new Warmup.Options(Duration.ofSeconds(60), 3_000),
            scratch -> {
              seen.add(answer(scratch, "kubernetes.default.svc.cluster.local."));
              seen.add(answer(scratch, "missing.default.svc.cluster.local."));
            });
    assertThat(r.ended()).isEqualTo("queries");
    assertThat(r.sent()).isEqualTo(3_000);
    assertThat(r.answered()).isPositive(); // a cold copy on a loaded machine may miss a few UDP answers
    assertThat(seen)
        .containsExactly("NOERROR kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1", "NXDOMAIN");
  }

  private static String answer(InetSocketAddress dns, String name) {
    try {
      Message m = DnsClient.udp(dns, DnsClient.query(name, Type.A));
      StringBuilder sb = new StringBuilder(Rcode.string(m.getRcode()));
      for (Record rr : m.getSection(Section.ANSWER)) {
        sb.append(' ').append(rr.toString().replaceAll("\\s+", " "));
      }
      return sb.toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
