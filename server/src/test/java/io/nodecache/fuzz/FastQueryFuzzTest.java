package io.nodecache.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.wire.FastQuery;
import java.util.Locale;
import org.xbill.DNS.Message;

/**
 * The fast-path parser against dnsjava's decoder: it never throws, and whatever it accepts dnsjava
 * decodes to the same question (differential fuzzing).
 */
class FastQueryFuzzTest {

  private final FastQuery q = new FastQuery();

  @FuzzTest(maxDuration = "60s")
  void agreesWithTheFullDecoder(byte[] data) throws Exception {
    ByteBuf b = Unpooled.wrappedBuffer(data);
    boolean fast = q.parse(b, true, UnpooledByteBufAllocator.DEFAULT);
    if (!fast) {
      return;
    }
    Message m = new Message(data); // must decode: the fast path accepted it
    assertThat(m.getHeader().getID()).isEqualTo(q.id());
    assertThat(m.getQuestion().getType()).isEqualTo(q.qtype());
    assertThat(m.getQuestion().getDClass()).isEqualTo(q.qclass());
    byte[] wire = m.getQuestion().getName().toWireCanonical();
    assertThat(q.qnameLength()).isEqualTo(wire.length);
    for (int i = 0; i < wire.length; i++) {
      assertThat(q.qnameLower()[i]).isEqualTo(wire[i]);
    }
    assertThat(m.getOPT() != null).isEqualTo(q.hasEdns());
    assertThat(m.getQuestion().getName().toString().toLowerCase(Locale.ROOT)).isNotNull();
  }
}
