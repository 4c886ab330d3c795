package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DurationHistogramsTest {

  @Test
  void bucketsAreCoreDnsExponentialBucketsUpperBoundsInclusive() {
    assertThat(DurationHistograms.bucket(0)).isZero();
    assertThat(DurationHistograms.bucket(250_000)).isZero();
    assertThat(DurationHistograms.bucket(250_001)).isEqualTo(1);
    assertThat(DurationHistograms.bucket(500_000)).isEqualTo(1);
    assertThat(DurationHistograms.bucket(500_001)).isEqualTo(2);
    assertThat(DurationHistograms.bucket(1_000_000)).isEqualTo(2);
    assertThat(DurationHistograms.bucket(250_000L << 15)).isEqualTo(15); // 8.192 s
    assertThat(DurationHistograms.bucket((250_000L << 15) + 1)).isEqualTo(16); // +Inf
    assertThat(DurationHistograms.bucket(Long.MAX_VALUE)).isEqualTo(16);
  }

  @Test
  void scrapeShowsCumulativeBucketsCountAndSumWithCoreDnsLabels() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DnsMetrics m = new DnsMetrics(meters, "dns://:53", ".", List.of("cache"));
    m.response(0, 0, Type.A, 100_000); // 0.1 ms
    m.response(0, 0, Type.A, 300_000); // 0.3 ms
    m.response(0, 0, Type.A, 3_000_000_000L); // 3 s
    m.response(0, 0, Type.AAAA, 1_000_000); // 1 ms

    String text = meters.scrape();
    String a = "server=\"dns://:53\",type=\"A\",view=\"\",zone=\".\"";
    String q = Pattern.quote(a);
    assertThat(text)
        .contains("# TYPE coredns_dns_request_duration_seconds histogram")
        .containsPattern("coredns_dns_request_duration_seconds_bucket\\{" + q + ",le=\"(2\\.5E-4|0\\.00025)\"\\} 1\n")
        .containsPattern("coredns_dns_request_duration_seconds_bucket\\{" + q + ",le=\"(5\\.0E-4|0\\.0005)\"\\} 2\n")
        .contains("coredns_dns_request_duration_seconds_bucket{" + a + ",le=\"4.096\"} 3\n")
        .contains("coredns_dns_request_duration_seconds_bucket{" + a + ",le=\"2.048\"} 2\n")
        .contains("coredns_dns_request_duration_seconds_bucket{" + a + ",le=\"+Inf\"} 3\n")
        .contains("coredns_dns_request_duration_seconds_count{" + a + "} 3\n")
        .containsPattern("coredns_dns_request_duration_seconds_sum\\{" + q + "\\} 3\\.0004")
        .contains("coredns_dns_request_duration_seconds_count{server=\"dns://:53\",type=\"AAAA\",view=\"\",zone=\".\"} 1\n");
  }

  @Test
  void aReloadedServerBlockKeepsCounting() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new DnsMetrics(meters, "dns://:53", ".", List.of()).response(0, -1, Type.A, 1_000);
    new DnsMetrics(meters, "dns://:53", ".", List.of()).response(0, -1, Type.A, 1_000); // the next generation
    assertThat(meters.scrape())
        .contains("coredns_dns_request_duration_seconds_count{server=\"dns://:53\",type=\"A\",view=\"\",zone=\".\"} 2");
  }

  @Test
  void registriesDoNotShareCounts() {
    PrometheusMeterRegistry one = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry two = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new DnsMetrics(one, "dns://:53", ".", List.of()).response(0, -1, Type.A, 1_000);
    assertThat(one.scrape()).contains("coredns_dns_request_duration_seconds_count");
    assertThat(two.scrape()).doesNotContain("coredns_dns_request_duration_seconds");
  }
}
