package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.nodecache.config.Corefile;
import io.nodecache.config.Directive;
import io.nodecache.config.Flags;
import io.nodecache.config.KubeDnsConfig;
import io.nodecache.config.ServerBlock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Corefile of the {@code node-local-dns} ConfigMap, filled as it is on a node: the documented
 * {@code sed} of each kube-proxy mode, then nodecache's own substitutions from the DaemonSet's flags
 * and the pod's service-link environment, then our parser (and the full build once every plugin it
 * names is in this build).
 */
class ConfigMapCorefileTest {

  @TempDir Path scratch;

  private record Node(List<HasMetadata> objects, Flags flags, Corefile corefile) {}

  private Node node(Install.Mode mode) throws Exception {
    List<HasMetadata> objects = Install.load(Install.substituted(mode, scratch));
    Container c = ManifestTest.container(objects);
    Flags flags = Flags.parse(c.getArgs().toArray(String[]::new));
    Corefile corefile =
        Corefiles.parseTemplate(flags.baseCorefile(), Install.corefile(objects), KubeDnsConfig.EMPTY, flags, Install.POD_ENV);
    return new Node(objects, flags, corefile);
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void kubeDnsStubDomainsAndUpstreamsRenderIntoIt(Install.Mode mode) throws Exception {
    Node n = node(mode);
    Path dir = Files.createDirectories(scratch.resolve("etc/kube-dns"));
    Files.writeString(dir.resolve("stubDomains"), "{\"corp.example\": [\"10.150.0.1\", \"10.150.0.2:5353\"]}");
    Files.writeString(dir.resolve("upstreamNameservers"), "[\"192.0.2.53\", \"192.0.2.54\"]");
    Corefile cf =
        Corefiles.parseTemplate(
            "Corefile.base", Install.corefile(n.objects()), KubeDnsConfig.read(dir), n.flags(), Install.POD_ENV);
    Corefiles.assertKnownDirectives(cf);
    List<String> ips = n.flags().localIps().stream().map(InetAddress::getHostAddress).toList();
    assertThat(cf.blocks()).extracting(b -> b.zones().get(0)).containsExactly(
        "cluster.local.", "in-addr.arpa.", "ip6.arpa.", ".", "corp.example.");
    ServerBlock stub = cf.blocks().get(4);
    assertThat(stub.port()).isEqualTo(53);
    assertThat(stub.first("bind").orElseThrow().args()).containsExactlyElementsOf(ips);
    assertThat(stub.first("forward").orElseThrow().args()).containsExactly(".", "10.150.0.1", "10.150.0.2:5353");
    Directive root = cf.blocks().get(3).first("forward").orElseThrow();
    assertThat(root.args()).containsExactly(".", "192.0.2.53", "192.0.2.54");
    assertThat(root.block()).extracting(Directive::name).containsExactly("max_concurrent");
    Corefiles.build(cf, Install.POD_ENV);
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void blocksAndDirectivesAreNodeLocalDnsPlusTheClusterZone(Install.Mode mode) throws Exception {
    Corefile cf = node(mode).corefile();
    Corefiles.assertKnownDirectives(cf);
    assertThat(cf.blocks())
        .extracting(b -> b.zones().get(0) + ":" + b.port())
        .containsExactly("cluster.local.:53", "in-addr.arpa.:53", "ip6.arpa.:53", ".:53");
    for (ServerBlock b : cf.blocks()) {
      assertThat(b.directives())
          .extracting(Directive::name)
          .as("block %s", b.zones())
          .contains("errors", "cache", "reload", "loop", "bind", "forward", "prometheus");
      assertThat(b.first("prometheus").orElseThrow().args()).containsExactly(":9253");
      assertThat(b.first("forward").orElseThrow().block())
          .extracting(Directive::name, Directive::args)
          .contains(Tuple.tuple("max_concurrent", List.of("1000")));
    }
    assertThat(cf.blocks().stream().flatMap(b -> b.all("health").stream())).hasSize(1);
    assertThat(cf.blocks().stream().flatMap(b -> b.all("ready").stream())).hasSize(1);
    assertThat(cf.blocks().stream().flatMap(b -> b.all("kubernetes").stream()))
        .as("one cluster view per node: one kubernetes directive")
        .hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void everyBlockBindsExactlyTheLocalIpFlag(Install.Mode mode) throws Exception {
    Node n = node(mode);
    List<String> ips = n.flags().localIps().stream().map(InetAddress::getHostAddress).toList();
    for (ServerBlock b : n.corefile().blocks()) {
      assertThat(b.all("bind")).singleElement().satisfies(d -> assertThat(d.args()).containsExactlyElementsOf(ips));
    }
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void clusterZoneIsAnsweredLocallyAndMissesGoToKubeDnsOverTcp(Install.Mode mode) throws Exception {
    Corefile cf = node(mode).corefile();
    ServerBlock cluster = cf.blocks().get(0);
    Directive k8s = cluster.first("kubernetes").orElseThrow();
    assertThat(k8s.args()).containsExactly(Install.DOMAIN);
    assertThat(k8s.block())
        .extracting(Directive::name, Directive::args)
        .contains(
            Tuple.tuple("snapshot", List.of("/var/lib/nodecache/cluster.json")),
            Tuple.tuple("pods", List.of("insecure")));
    Directive cache = cluster.first("cache").orElseThrow();
    assertThat(cache.block())
        .extracting(Directive::name, Directive::args)
        .containsExactly(
            Tuple.tuple("success", List.of("9984", "30")),
            Tuple.tuple("denial", List.of("9984", "5")));

    // iptables mode: kube-dns-upstream's own ClusterIP (the kube-dns one is ours); IPVS: kube-dns.
    String clusterDns = mode == Install.Mode.IPTABLES ? Install.UPSTREAM_SVC_IP : Install.KUBE_DNS;
    for (ServerBlock b : cf.blocks().subList(0, 3)) {
      Directive fwd = b.first("forward").orElseThrow();
      assertThat(fwd.args()).as("%s", b.zones()).containsExactly(".", clusterDns);
      assertThat(fwd.block()).extracting(Directive::name).contains("force_tcp");
    }
    Directive root = cf.blocks().get(3).first("forward").orElseThrow();
    assertThat(root.args()).containsExactly(".", "/etc/resolv.conf");
    assertThat(root.block()).extracting(Directive::name).doesNotContain("force_tcp");
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void probesFlagsAndPortsAgreeWithTheCorefile(Install.Mode mode) throws Exception {
    Node n = node(mode);
    Container c = ManifestTest.container(n.objects());
    ServerBlock cluster = n.corefile().blocks().get(0);
    String health = cluster.first("health").orElseThrow().arg(0);
    String ready = cluster.first("ready").orElseThrow().arg(0);
    var live = c.getLivenessProbe().getHttpGet();
    var readiness = c.getReadinessProbe().getHttpGet();
    assertThat(health).isEqualTo(live.getHost() + ":" + live.getPort().getIntVal());
    assertThat(ready).isEqualTo(readiness.getHost() + ":" + readiness.getPort().getIntVal());
    assertThat(health).endsWith(":" + n.flags().healthPort());
    assertThat(n.flags().localIps().get(0).getHostAddress()).isEqualTo(live.getHost());
    assertThat(cluster.first("prometheus").orElseThrow().arg(0))
        .isEqualTo(":" + ManifestTest.METRICS_PORT);
    assertThat(cluster.port()).isEqualTo(53).isEqualTo(n.flags().dnsPort());
  }

  /** Every plugin validates its options. Skipped until cache, forward and kubernetes are merged. */
  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void theServerBuildsItsChainsFromIt(Install.Mode mode) throws Exception {
    Corefile cf = node(mode).corefile();
    Corefiles.build(cf, Install.POD_ENV);
  }
}
