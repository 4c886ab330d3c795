package io.nodecache.k8s;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The "node" of {@link AutopathGlibcTest}, run as its own JVM inside the node network namespace: the
 * mock API server (a Pod of namespace {@code demo} on {@code node-a} with the pod namespace's address,
 * Services {@code web.demo} and {@code api.other}), an upstream on loopback for external names, and two
 * servers on port 53, the same Corefile with {@code autopath @kubernetes} on the first address and
 * without it on the second. Prints {@code READY} once the pod is known, then answers {@code count}
 * on stdin with {@code COUNT <queries received by each server> <upstream queries>}; exits on {@code quit}
 * or end of input.
 *
 * <p>Arguments: work directory, pod address, autopath address, plain address.
 */
public final class AutopathNode {

  private AutopathNode() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String podIp = args[1];
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (MockApi api = new MockApi(0, true);
        TestUpstream upstream = TestUpstream.start("example.org. 60 IN A 192.0.2.1", "example.org. 60 IN AAAA 2001:db8::1")) {
      for (String ns : new String[] {"demo", "other"}) {
        api.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      api.admin.services().resource(KubernetesInformerTest.clusterIp("demo", "web", "10.96.0.20")).create();
      api.admin.services().resource(KubernetesInformerTest.clusterIp("other", "api", "10.96.0.30")).create();
      api.admin.pods().resource(NodePodsInformerTest.pod("demo", "client", "node-a", false, "Running", podIp)).create();
      Path kubeconfig = api.kubeconfig(dir);
      Path noSearch = Files.writeString(dir.resolve("node-resolv.conf"), "nameserver 192.0.2.53\n");
      try (NodeCache withAutopath = start(args[2], "autopath @kubernetes {\n node_resolv_conf " + noSearch + "\n }", kubeconfig, upstream);
          NodeCache plain = start(args[3], "", kubeconfig, upstream)) {
        KubernetesPlugin k8s = (KubernetesPlugin) withAutopath.chains().get(0).handlers().stream()
            .filter(h -> h.name().equals("kubernetes")).findFirst().orElseThrow();
        KubernetesPlugin k8sPlain = (KubernetesPlugin) plain.chains().get(0).handlers().stream()
            .filter(h -> h.name().equals("kubernetes")).findFirst().orElseThrow();
        Fixtures.await("pod known and views built", Duration.ofSeconds(60),
            () -> "demo".equals(k8s.namespaceOf(Ip.parse(podIp).address())) && k8s.ready() && k8sPlain.ready());
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
          if (line.equals("count")) {
            out.println("COUNT " + requests(withAutopath) + " " + requests(plain) + " " + upstream.queries());
          }
        }
      }
    }
  }

  private static NodeCache start(String address, String autopath, Path kubeconfig, TestUpstream upstream) throws Exception {
    String corefile = """
        .:53 {
            bind %s
            %s
            kubernetes cluster.local {
                kubeconfig %s mock
            }
            cache 30
            forward . %s
        }
        """.formatted(address, autopath, kubeconfig, upstream.hostPort());
    return TestServers.start(corefile, s -> s.withEnv(Map.of("NODE_NAME", "node-a")));
  }

  /** The sum of {@code coredns_dns_requests_total} over every label set. */
  static long requests(NodeCache server) {
    double sum = 0;
    for (String l : server.meters().scrape().split("\n")) {
      if (l.startsWith("coredns_dns_requests_total{")) {
        sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(sum);
  }
}
