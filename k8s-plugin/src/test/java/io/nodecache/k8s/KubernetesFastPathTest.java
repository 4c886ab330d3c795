package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.query;
import static io.nodecache.k8s.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath;
import io.nodecache.testing.Records;
import io.nodecache.wire.FastQuery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Cluster-zone hits answered from memoized wire bytes, before any decoding. */
class KubernetesFastPathTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final FastQuery fq = new FastQuery();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private FastPath.Result fast(KubernetesPlugin p, Message query, boolean udp) {
    ByteBuf in = Unpooled.wrappedBuffer(query.toWire());
    try {
      assertThat(fq.parse(in, udp, UnpooledByteBufAllocator.DEFAULT)).isTrue();
      return p.fast(fq);
    } finally {
      in.release();
    }
  }

  private Message reply() throws Exception {
    ByteBuf out = fq.takeReply();
    assertThat(out).isNotNull();
    try {
      byte[] b = new byte[out.readableBytes()];
      out.readBytes(b);
      return Records.exact(new Message(b));
    } finally {
      out.release();
    }
  }

  private static Message queryMessage(String name, int type, int id, boolean edns) throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    m.getHeader().setID(id);
    if (edns) {
      m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    }
    return m;
  }

  @Test
  void answersFromBytesOnceTheDecodedPathHasAnswered() throws Exception {
    KubernetesPlugin p = Fixtures.fromTestCluster("ttl 30", scheduler);
    Message q = queryMessage("Kubernetes.DEFAULT.svc.cluster.local.", Type.A, 0x1234, true);
    assertThat(fast(p, q, true)).isEqualTo(FastPath.Result.SLOW);

    query(p, "kubernetes.default.svc.cluster.local.", Type.A);

    assertThat(fast(p, q, true)).isEqualTo(FastPath.Result.ANSWERED);
    Message r = reply();
    assertThat(r.getHeader().getID()).isEqualTo(0x1234);
    assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(r.getQuestion().getName().toString()).isEqualTo("Kubernetes.DEFAULT.svc.cluster.local.");
    assertThat(r.getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1")));
    assertThat(r.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
    assertThat(r.getOPT()).isNotNull();

    // without RD and without EDNS, over TCP
    Message plain = queryMessage("kubernetes.default.svc.cluster.local.", Type.A, 7, false);
    plain.getHeader().unsetFlag(Flags.RD);
    assertThat(fast(p, plain, false)).isEqualTo(FastPath.Result.ANSWERED);
    Message r2 = reply();
    assertThat(r2.getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(r2.getOPT()).isNull();
    p.stop();
  }

  @Test
  void negativeAnswersAreMemoizedToo() throws Exception {
    KubernetesPlugin p = Fixtures.fromTestCluster("", scheduler);
    query(p, "google.com.default.svc.cluster.local.", Type.A);
    assertThat(fast(p, queryMessage("google.com.default.svc.cluster.local.", Type.A, 9, false), true))
        .isEqualTo(FastPath.Result.ANSWERED);
    Message r = reply();
    assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(r.getSection(Section.AUTHORITY)).singleElement()
        .satisfies(soa -> assertThat(soa.getType()).isEqualTo(Type.SOA));
    p.stop();
  }

  @Test
  void passesNamesOutsideItsZonesAndFallthroughAnswers() throws Exception {
    KubernetesPlugin p = Fixtures.fromTestCluster("fallthrough in-addr.arpa ip6.arpa", scheduler);
    assertThat(fast(p, queryMessage("example.com.", Type.A, 1, false), true)).isEqualTo(FastPath.Result.PASS);
    assertThat(fast(p, queryMessage("local.", Type.A, 1, false), true)).isEqualTo(FastPath.Result.PASS);
    query(p, "8.8.8.8.in-addr.arpa.", Type.PTR); // falls through: never memoized
    assertThat(fast(p, queryMessage("8.8.8.8.in-addr.arpa.", Type.PTR, 1, false), true))
        .isEqualTo(FastPath.Result.SLOW);
    query(p, "1.0.96.10.in-addr.arpa.", Type.PTR);
    assertThat(fast(p, queryMessage("1.0.96.10.in-addr.arpa.", Type.PTR, 1, false), true))
        .isEqualTo(FastPath.Result.ANSWERED);
    reply();
    p.stop();
  }

  @Test
  void noViewMeansSlowPathAndNextHandler() throws Exception {
    K8sConfig c = Fixtures.config(
        "cluster.local {\n kubernetes {\n  endpoint http://127.0.0.1:1\n }\n}\n", Map.of());
    KubernetesPlugin p = Fixtures.plugin(c, scheduler);
    p.start();
    try {
      assertThat(p.ready()).isFalse();
      assertThat(fast(p, queryMessage("kubernetes.default.svc.cluster.local.", Type.A, 1, false), true))
          .isEqualTo(FastPath.Result.SLOW);
      assertThat(query(p, "kubernetes.default.svc.cluster.local.", Type.A).getRcode())
          .isEqualTo(Fixtures.NEXT_RCODE);
    } finally {
      p.stop();
    }
  }
}
