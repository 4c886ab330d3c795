package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagsTest {

  @Test
  void nodeCacheManifestArgumentsParse() throws Exception {
    Flags f =
        Flags.parse(
            "-localip", "169.254.20.10,10.96.0.10", "-conf", "/etc/Corefile", "-upstreamsvc",
            "kube-dns-upstream", "-pidfile", "/tmp/node-cache.pid", "-health-port=8080", "-skipteardown=true",
            "--setupiptables=false");
    assertThat(f.localIps()).containsExactly(InetAddress.getByName("169.254.20.10"), InetAddress.getByName("10.96.0.10"));
    assertThat(f.conf()).isEqualTo("/etc/Corefile");
    assertThat(f.upstreamSvc()).isEqualTo("kube-dns-upstream");
    assertThat(f.skipTeardown()).isTrue();
    assertThat(f.setupIptables()).isFalse();
    assertThat(f.setupInterface()).isTrue();
    assertThat(f.dnsPort()).isEqualTo(53);
    assertThat(f.syncIntervalSeconds()).isEqualTo(60);
  }

  @Test
  void clientMetricsTopDefaultsToTwentyAndZeroTurnsItOff() throws Exception {
    assertThat(Flags.parse().clientMetricsTop()).isEqualTo(20);
    assertThat(Flags.parse("-client-metrics-top", "5").clientMetricsTop()).isEqualTo(5);
    assertThat(Flags.parse("-client-metrics-top=0").clientMetricsTop()).isZero();
    assertThat(Flags.usage()).contains("-client-metrics-top").contains("(default 20)");
  }

  @Test
  void mixedFamiliesAreAccepted() throws Exception {
    assertThat(Flags.parse("-localip", "169.254.20.10,fd00::10").localIps()).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-localip=not-an-ip | -localip: 'not-an-ip' is not an IP address (expected: e.g. 169.254.20.10,fd00::10)",
        "-dns.port=99999 | -dns.port: 99999 (expected: 0..65535)",
        "-health-port=abc | -health-port: 'abc' is not a number (expected: 0..65535)",
        "-setupiptables=maybe | -setupiptables: 'maybe' (expected: true or false)",
        "-rules-backend=ebpf | -rules-backend: 'ebpf' (expected: iptables, nftables or auto)",
        "-nosuchflag | flag provided but not defined: -nosuchflag (see --help)",
        "-syncinterval=0 | -syncinterval: 0 (expected: 1..86400)",
        "-client-metrics-top=201 | -client-metrics-top: 201 (expected: 0..200)",
        "-client-metrics-top=many | -client-metrics-top: 'many' is not a number (expected: 0..200)",
      })
  void badValuesNameTheFlagAndTheExpectation(String arg, String message) {
    assertThatThrownBy(() -> Flags.parse(arg)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void helpListsEveryFlag() {
    String usage = Flags.usage();
    for (String name : Flags.SPEC.keySet()) {
      assertThat(usage).contains("-" + name + " ");
    }
  }

  @Test
  void pillarsAreFilledAsNodeCacheDoes() throws Exception {
    Flags f = Flags.parse("-localip", "169.254.20.10,10.96.0.10", "-upstreamsvc", "kube-dns-upstream");
    String out =
        Pillars.fill(
            "bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\nforward . __PILLAR__CLUSTER__DNS__\nforward . __PILLAR__UPSTREAM__SERVERS__\n",
            f,
            Map.of("KUBE_DNS_UPSTREAM_SERVICE_HOST", "10.96.0.53"));
    assertThat(out.lines().toList())
        .isEqualTo(List.of("bind 169.254.20.10 10.96.0.10 ", "forward . 10.96.0.53", "forward . /etc/resolv.conf"));
  }

  @Test
  void aMissingServiceHostVariableIsOneClearLine() throws Exception {
    Flags f = Flags.parse("-upstreamsvc", "kube-dns-upstream");
    assertThatThrownBy(() -> Pillars.fill("forward . __PILLAR__CLUSTER__DNS__", f, Map.of()))
        .hasMessageStartingWith("__PILLAR__CLUSTER__DNS__: environment variable KUBE_DNS_UPSTREAM_SERVICE_HOST is not set");
    assertThatThrownBy(() -> Pillars.fill("cluster.local __PILLAR__DNS__DOMAIN__ {", f, Map.of()))
        .hasMessage("placeholder __PILLAR__DNS__DOMAIN__ is not filled in (substitute it when deploying)");
  }
}
