package io.nodecache.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Protocol;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Templates of plain text without {@code match} answer on the byte-level fast path, with the same
 * answer as the decoded path; queries no template takes pass; regex templates take the decoded path.
 */
class TemplateFastPathTest {

  static NodeCache server;
  static Handler handler;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                template IN AAAA nodata.test {
                    authority "nodata.test. 60 IN SOA ns.nodata.test. hostmaster.nodata.test. (1 60 60 60 60)"
                    additional "ns.nodata.test. 60 IN A 192.0.2.53"
                }
                template IN AAAA . {
                    rcode NXDOMAIN
                }
                template IN A regex.test {
                    match ^www[.]
                    answer "{{ .Name }} 60 IN A 192.0.2.1"
                }
                template IN A fixed.test {
                    answer "fixed.test. 60 IN A 192.0.2.2"
                }
            }
            """);
    handler = server.chains().get(0).handlers().stream().filter(h -> h.name().equals("template")).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Case(String name, int type, int dclass, boolean edns, FastPath.Result result) {}

  static List<Case> cases() {
    return List.of(
        new Case("Www.NoData.Test.", Type.AAAA, DClass.IN, true, FastPath.Result.ANSWERED),
        new Case("www.nodata.test.", Type.AAAA, DClass.IN, false, FastPath.Result.ANSWERED),
        new Case("anything.example.", Type.AAAA, DClass.IN, true, FastPath.Result.ANSWERED),
        new Case("Fixed.Test.", Type.A, DClass.IN, false, FastPath.Result.ANSWERED),
        new Case("anything.example.", Type.A, DClass.IN, false, FastPath.Result.PASS),
        new Case("other.regex.test.", Type.A, DClass.IN, false, FastPath.Result.SLOW),
        new Case("anything.example.", Type.AAAA, DClass.CH, false, FastPath.Result.PASS),
        new Case("anything.example.", Type.AAAA, DClass.ANY, false, FastPath.Result.SLOW));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void fastPathAnswersAsTheDecodedPath(Case c) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Records.name(c.name()), c.type(), c.dclass()));
    q.getHeader().setFlag(Flags.CD);
    if (c.edns()) {
      q = DnsClient.withEdns(q, 1232, true);
    }
    FastQuery fq = new FastQuery();
    assertThat(fq.parse(Unpooled.wrappedBuffer(q.toWire()), true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
    assertThat(((FastPath) handler).fast(fq)).isEqualTo(c.result());
    if (c.result() != FastPath.Result.ANSWERED) {
      return;
    }
    ByteBuf reply = fq.takeReply();
    Message fast = new Message(ByteBufUtil.getBytes(reply));
    reply.release();
    DnsRequest request = new DnsRequest(q, new InetSocketAddress("127.0.0.1", 5300), new InetSocketAddress("127.0.0.1", 53), Protocol.UDP, ".", "dns://:53");
    Message slow = Responses.finish(q, handler.handle(request, r -> CompletableFuture.failedFuture(new AssertionError("next"))).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertThat(fast.toWire()).as("%s\n----\n%s", fast, slow).isEqualTo(slow.toWire());
    assertThat(fast.getQuestion().getName().toString()).isEqualTo(c.name());
    assertThat(fast.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(fast.getHeader().getFlag(Flags.CD)).isTrue();
    assertThat(fast.getOPT() != null).isEqualTo(c.edns());
  }

  @Test
  void aRealServerAnswersTheAaaaFilterOverUdpAndTcp() throws Exception {
    InetSocketAddress dns = TestServers.dns(server);
    for (boolean tcp : new boolean[] {false, true}) {
      Message q = DnsClient.query("a.nodata.test.", Type.AAAA);
      Message m = tcp ? DnsClient.tcp(dns, q) : DnsClient.udp(dns, q);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(m.getSection(Section.ANSWER)).isEmpty();
      assertThat(Records.lines(m, Section.AUTHORITY))
          .isEqualTo(Records.sorted("nodata.test. 60 IN SOA ns.nodata.test. hostmaster.nodata.test. 1 60 60 60 60"));
      assertThat(Records.lines(m, Section.ADDITIONAL)).isEqualTo(Records.sorted("ns.nodata.test. 60 IN A 192.0.2.53"));
      Message nx = DnsClient.udp(dns, DnsClient.query("www.example.org.", Type.AAAA));
      assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
  }
}
