package io.nodecache.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The upstream's answers and the query pass the cache hand-off tests share. */
final class CacheHandoffTestAnswers {

  static final int NAMES = 300;

  private CacheHandoffTestAnswers() {}

  static String name(int i) {
    return "host" + i + ".example.test.";
  }

  /** Any A query: one address, TTL 300. */
  static Message answer(Message q) {
    Message a = Records.reply(q);
    Record question = q.getQuestion();
    if (question.getType() == Type.A) {
      int n = Math.abs(question.getName().hashCode()) % 250 + 1;
      try {
        a.addRecord(
            new ARecord(question.getName(), DClass.IN, 300, InetAddress.getByName("10.9.0." + n)),
            Section.ANSWER);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return a;
  }

  /** One query per name; returns the share answered without asking the upstream. */
  static double pass(InetSocketAddress dns, TestUpstream upstream) throws Exception {
    int before = upstream.queries();
    for (int i = 0; i < NAMES; i++) {
      Message m = DnsClient.udp(dns, DnsClient.query(name(i), Type.A));
      assertThat(m.getSection(Section.ANSWER)).hasSize(1);
    }
    return 1.0 - (double) (upstream.queries() - before) / NAMES;
  }
}
