package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.ask;
import static io.nodecache.forward.ForwardFixture.request;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.Protocol;
import io.nodecache.testing.TestUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** FROM and except decide what is forwarded; the policy decides where; metrics carry CoreDNS names. */
class ForwardRoutingTest {

  private ForwardFixture fx;
  private final List<TestUpstream> ups = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fx = new ForwardFixture();
    for (int i = 0; i < 3; i++) {
      ups.add(TestUpstream.start("www.example.test. 30 IN A 192.0.2." + (i + 1)));
    }
  }

  @AfterEach
  void tearDown() {
    fx.close();
    ups.forEach(TestUpstream::close);
  }

  private String to() {
    return String.join(" ", ups.stream().map(TestUpstream::hostPort).toList());
  }

  @ParameterizedTest
  @CsvSource({
    "example.test, www.example.test, true",
    "example.test, example.test, true",
    "example.test, www.example.org, false",
    "example.test, internal.example.test, false",
    "example.test, a.b.internal.example.test, false",
    "., anything.org, true",
  })
  void fromAndExceptDecideWhatIsForwarded(String from, String name, boolean forwarded) throws Exception {
    Forward f = fx.forward("forward " + from + " " + ups.get(0).hostPort() + " {\n except internal.example.test\n}");
    Message q = query(name, "A");
    Message viaNext = new Message();
    Message a =
        f.handle(request(q, Protocol.UDP), r -> CompletableFuture.completedFuture(viaNext))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(a != viaNext).isEqualTo(forwarded);
    assertThat(ups.get(0).queries()).isEqualTo(forwarded ? 1 : 0);
  }

  @Test
  void sequentialAlwaysAsksTheFirst() throws Exception {
    Forward f = fx.forward("forward . " + to() + " {\n policy sequential\n}");
    for (int i = 0; i < 6; i++) {
      ask(f, query("www.example.test", "A"));
    }
    assertThat(ups).extracting(TestUpstream::queries).containsExactly(6, 0, 0);
  }

  @Test
  void roundRobinTakesTurns() throws Exception {
    Forward f = fx.forward("forward . " + to() + " {\n policy round_robin\n}");
    for (int i = 0; i < 6; i++) {
      ask(f, query("www.example.test", "A"));
    }
    assertThat(ups).extracting(TestUpstream::queries).containsExactly(2, 2, 2);
  }

  @Test
  void randomSpreadsOverAll() throws Exception {
    Forward f = fx.forward("forward . " + to());
    for (int i = 0; i < 60; i++) {
      ask(f, query("www.example.test", "A"));
    }
    // (2/3)^60 < 1e-10: every upstream is asked at least once.
    assertThat(ups).extracting(TestUpstream::queries).allMatch(n -> n > 0);
    assertThat(ups.stream().mapToInt(TestUpstream::queries).sum()).isEqualTo(60);
  }

  @Test
  void metricsUseCoreDnsNamesAndLabels() throws Exception {
    Forward f = fx.forward("forward . " + ups.get(0).hostPort() + " {\n force_tcp\n}");
    assertThat(ask(f, query("www.example.test", "A")).getRcode()).isEqualTo(Rcode.NOERROR);
    String to = ups.get(0).hostPort();
    String text = fx.scrape();
    assertThat(text)
        .contains("coredns_forward_requests_total{to=\"" + to + "\"} 1.0")
        .contains("coredns_forward_responses_total{rcode=\"NOERROR\",to=\"" + to + "\"} 1.0")
        .contains("coredns_forward_request_duration_seconds_bucket{rcode=\"NOERROR\",to=\"" + to + "\",le=\"2.5E-4\"}")
        .contains("coredns_forward_request_duration_seconds_count{rcode=\"NOERROR\",to=\"" + to + "\"} 1")
        .contains("coredns_proxy_request_duration_seconds_count{proxy_name=\"forward\",rcode=\"NOERROR\",to=\"" + to + "\"} 1")
        .contains("coredns_forward_healthcheck_failures_total{to=\"" + to + "\"} 0.0")
        .contains("coredns_forward_healthcheck_broken_total 0.0")
        .contains("coredns_forward_max_concurrent_rejects_total 0.0")
        .contains("coredns_proxy_conn_cache_misses_total{proto=\"tcp\",proxy_name=\"forward\",to=\"" + to + "\"} 1.0")
        .contains("coredns_proxy_conn_cache_hits_total{proto=\"tcp\",proxy_name=\"forward\",to=\"" + to + "\"} 0.0");
  }
}
