package io.nodecache.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ForwardConfigTest {

  static ForwardConfig parse(String directive) throws ConfigException {
    return ForwardPluginFactory.parse(ForwardFixture.directive(directive));
  }

  @Test
  void defaultsAreCoreDns() throws Exception {
    ForwardConfig c = parse("forward . 10.0.0.10");
    assertThat(c.from().toString()).isEqualTo(".");
    assertThat(c.to()).containsExactly(new InetSocketAddress("10.0.0.10", 53));
    assertThat(c.forceTcp()).isFalse();
    assertThat(c.preferUdp()).isFalse();
    assertThat(c.maxFails()).isEqualTo(2);
    assertThat(c.healthCheck()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.expire()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.policy()).isEqualTo(Policy.RANDOM);
    assertThat(c.maxConcurrent()).isZero();
    assertThat(c.attempts()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "example.org, example.org.",
      "dns://Example.ORG:53, example.org.",
      "10.0.0.0/8, 10.in-addr.arpa.",
      "192.168.1.0/24, 1.168.192.in-addr.arpa.",
      "fd00::/8, d.f.ip6.arpa.",
      // off the octet boundary: CoreDNS forwards only the first of the zones it stands for
      "172.16.0.0/12, 16.172.in-addr.arpa."})
  void fromIsNormalisedAsCoreDnsDoes(String from, String zone) throws Exception {
    assertThat(parse("forward " + from + " 10.0.0.10").from().toString()).isEqualTo(zone);
  }

  @Test
  void everyOption() throws Exception {
    ForwardConfig c =
        parse(
            """
            forward Cluster.Local dns://10.0.0.10:5353 [fd00::10]:53 fd00::11 {
                except svc.cluster.local Example.cluster.local
                force_tcp
                prefer_udp
                max_fails 3
                health_check 250ms no_rec domain example.org
                expire 30s
                max_idle_conns 4
                policy sequential
                max_concurrent 1000
                max_connect_attempts 5
                read_timeout 300ms
                failfast_all_unhealthy_upstreams
                next nxdomain Refused
                next_on_nodata
                failover SERVFAIL badcookie
                tls_servername dns.example
            }""");
    assertThat(c.from().toString()).isEqualTo("cluster.local.");
    assertThat(c.to())
        .containsExactly(
            new InetSocketAddress("10.0.0.10", 5353),
            new InetSocketAddress("fd00::10", 53),
            new InetSocketAddress("fd00::11", 53));
    assertThat(c.except()).extracting(Object::toString).containsExactly("svc.cluster.local.", "example.cluster.local.");
    assertThat(c.forceTcp()).isTrue();
    assertThat(c.preferUdp()).as("force_tcp wins over prefer_udp").isFalse();
    assertThat(c.maxFails()).isEqualTo(3);
    assertThat(c.healthCheck()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.healthCheckRecursion()).isFalse();
    assertThat(c.healthCheckDomain().toString()).isEqualTo("example.org.");
    assertThat(c.expire()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxIdleConns()).isEqualTo(4);
    assertThat(c.policy()).isEqualTo(Policy.SEQUENTIAL);
    assertThat(c.maxConcurrent()).isEqualTo(1000);
    assertThat(c.attempts()).isEqualTo(5);
    assertThat(c.readTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.failFastAllUnhealthy()).isTrue();
    assertThat(c.nextRcodes()).containsExactlyInAnyOrder(3, 5);
    assertThat(c.nextOnNodata()).isTrue();
    assertThat(c.failoverRcodes()).containsExactlyInAnyOrder(2, 23);
    assertThat(c.tlsServerName()).isEqualTo("dns.example");
    assertThat(c.tls()).as("no tls:// upstream: plain DNS, as CoreDNS").isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "tls://10.0.0.1, 10.0.0.1:853, true, ",
    "tls://10.0.0.1:8853, 10.0.0.1:8853, true, ",
    "tls://10.0.0.1%dns.example, 10.0.0.1:853, true, dns.example",
    "tls://10.0.0.1%dns.example:8853, 10.0.0.1:8853, true, dns.example",
    "tls://[2001:db8::1]:8853, [2001:db8::1]:8853, true, ",
    "dns://10.0.0.1, 10.0.0.1:53, false, ",
  })
  void tlsTargets(String to, String label, boolean tls, String serverName) throws Exception {
    ForwardConfig c = parse("forward . " + to);
    UpstreamAddresses.Target t = c.targets().get(0);
    assertThat(Upstream.label(t.address())).isEqualTo(label);
    assertThat(t.tls()).isEqualTo(tls);
    assertThat(t.serverName()).isEqualTo(serverName);
    assertThat(c.tls() != null).isEqualTo(tls);
  }

  @Test
  void resolvConfFileGivesItsNameservers(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("resolv.conf");
    Files.writeString(
        f, "# comment\nsearch example.org\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions ndots:5\n");
    ForwardConfig c = parse("forward . " + f + " 192.0.2.54:5300");
    assertThat(c.to())
        .containsExactly(
            new InetSocketAddress("192.0.2.53", 53),
            new InetSocketAddress("2001:db8::53", 53),
            new InetSocketAddress("192.0.2.54", 5300));
  }

  @Test
  void fifteenUpstreamsAtMost() throws Exception {
    StringBuilder sb = new StringBuilder("forward .");
    for (int i = 1; i <= 15; i++) {
      sb.append(" 192.0.2.").append(i);
    }
    assertThat(parse(sb.toString()).to()).hasSize(15);
    assertThatThrownBy(() -> parse(sb + " 192.0.2.16"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Corefile:2: forward: 16 upstreams (expected: at most 15)");
  }

  static List<Object[]> errors() {
    return List.of(
        new Object[] {"forward .", "Corefile:2: forward: 1 arguments (expected: at least 2)"},
        new Object[] {"forward . upstream.example", "Corefile:2: forward: 'upstream.example' is neither IP[:port], [IPv6]:port nor a readable file"},
        new Object[] {"forward . 10.0.0.1:99999", "Corefile:2: forward: '10.0.0.1:99999': port out of range (expected: 1..65535)"},
        new Object[] {"forward . https://10.0.0.1", "Corefile:2: forward: 'https://10.0.0.1': https:// upstreams are not supported (expected: IP[:port], tls://IP[:port] or a file)"},
        new Object[] {"forward . tls://dns.example", "Corefile:2: forward: 'tls://dns.example': a tls:// upstream must be an IP address (expected: tls://IP[%NAME][:port])"},
        new Object[] {"forward . tls://10.0.0.1% {\n}", "Corefile:2: forward: 'tls://10.0.0.1%': empty TLS server name after '%'"},
        new Object[] {"forward . tls://10.0.0.1%dns.example {\n  tls_servername other.example\n}",
            "Corefile:2: forward: both tls_servername 'other.example' and the server name of 'tls://10.0.0.1:853%dns.example' are set (expected: one of them)"},
        new Object[] {"forward . 10.0.0.1 {\n  tls a b c d\n}", "Corefile:3: tls: 4 arguments (expected: 0 to 3)"},
        new Object[] {"forward . 10.0.0.1 {\n  tls /nonexistent/ca.pem\n}", "Corefile:3: tls: cannot read /nonexistent/ca.pem: no such file"},
        new Object[] {"forward . 10.0.0.1 {\n  tls_servername\n}", "Corefile:3: tls_servername: 0 arguments (expected: 1)"},
        new Object[] {"forward . 10.0.0.1 {\n  next\n}", "Corefile:3: next: 0 arguments (expected: at least 1)"},
        new Object[] {"forward . 10.0.0.1 {\n  next NXDOMAIN NOSUCH\n}", "Corefile:3: next: 'NOSUCH' is not an rcode (expected e.g. NXDOMAIN, SERVFAIL, REFUSED)"},
        new Object[] {"forward . 10.0.0.1 {\n  failover SERVFAIL NoError\n}", "Corefile:3: failover: NOERROR cannot be used in failover"},
        new Object[] {"forward . 10.0.0.1 {\n  failover\n}", "Corefile:3: failover: 0 arguments (expected: at least 1)"},
        new Object[] {"forward . 10.0.0.1 {\n  next_on_nodata now\n}", "Corefile:3: next_on_nodata: 1 arguments (expected: 0)"},
        new Object[] {"forward . 10.0.0.1 {\n  resolver 10.0.0.2\n}", "Corefile:3: resolver: not supported by nodecache (plain DNS and DNS over TLS upstreams given by IP only)"},
        new Object[] {"forward . 10.0.0.1 {\n  policy fastest\n}", "Corefile:3: policy: 'fastest' (expected: random, round_robin or sequential)"},
        new Object[] {"forward . 10.0.0.1 {\n  max_fails -1\n}", "Corefile:3: max_fails: max_fails: -1 (expected: 0..1048576)"},
        new Object[] {"forward . 10.0.0.1 {\n  read_timeout soon\n}", "Corefile:3: read_timeout: 'soon' is not a duration (expected: e.g. 500ms, 5s, 1m)"},
        new Object[] {"forward . 10.0.0.1 {\n\n  force_tcp yes\n}", "Corefile:4: force_tcp: 1 arguments (expected: 0)"},
        new Object[] {"forward . 10.0.0.1 {\n  heath_check 1s\n}", "Corefile:3: forward: unknown option 'heath_check' (expected one of: "
            + String.join(", ", ForwardPluginFactory.OPTIONS) + ")"},
        new Object[] {"forward . 10.0.0.1 {\n  health_check 1s domain\n}", "Corefile:3: health_check: 'domain' needs a name"});
  }

  @ParameterizedTest
  @MethodSource("errors")
  void errorsNameFileAndLine(String directive, String message) {
    assertThatThrownBy(() -> parse(directive)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1, 10.0.0.1:53",
    "10.0.0.1:5353, 10.0.0.1:5353",
    "[::1]:5353, [::1]:5353",
    "::1, [::1]:53",
    "[2001:DB8:0:0:1:0:0:1]:53, [2001:db8::1:0:0:1]:53",
    "[2001:db8:0:1:1:1:1:1]:53, [2001:db8:0:1:1:1:1:1]:53",
    "[::], [::]:53",
    "[fd00::]:53, [fd00::]:53",
    "dns://127.0.0.1, 127.0.0.1:53"
  })
  void addresses(String to, String label) throws Exception {
    assertThat(parse("forward . " + to).to()).singleElement().extracting(Upstream::label).isEqualTo(label);
  }
}
