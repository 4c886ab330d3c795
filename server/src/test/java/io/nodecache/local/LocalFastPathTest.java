package io.nodecache.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath.Result;
import io.nodecache.testing.DnsClient;
import io.nodecache.wire.FastQuery;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Type;

/** The byte-level decision: the names local answers go to the decoded path, all others pass. */
class LocalFastPathTest {

  @ParameterizedTest(name = "{0} prefix={1}")
  @CsvSource({
    "localhost.,true,SLOW",
    "LOCALHOST.,false,SLOW",
    "app.localhost.,false,SLOW",
    "127.in-addr.arpa.,true,SLOW",
    "9.9.9.0.in-addr.arpa.,true,SLOW",
    "1.1.1.255.in-addr.arpa.,true,SLOW",
    "localhost.example.com.,true,SLOW",
    "Localhost.example.com.,true,SLOW",
    "localhost.example.com.,false,PASS",
    "localhostx.example.com.,true,PASS",
    "xlocalhost.,true,PASS",
    "www.example.org.,true,PASS",
    "1.0.0.10.in-addr.arpa.,true,PASS",
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.,true,PASS",
    ".,true,PASS",
  })
  void decides(String name, boolean prefix, Result expected) {
    Local local = new Local(prefix, new SimpleMeterRegistry());
    FastQuery q = new FastQuery();
    byte[] wire = DnsClient.query(name, Type.A).toWire();
    assertThat(q.parse(Unpooled.wrappedBuffer(wire), true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
    assertThat(local.fast(q)).isEqualTo(expected);
  }
}
