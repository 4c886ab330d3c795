package io.nodecache.listen;

import io.netty.buffer.ByteBuf;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The liveness self-query, {@code health.nodecache. CH TXT}: answered by the listener itself, from
 * fixed bytes, before any server block (never forwarded, whatever the Corefile), so that an answer
 * proves the socket, its event loop and the dispatch work.
 */
public final class SelfQuery {

  /** The name the health check asks. */
  public static final Name NAME = name();

  private static final byte[] WIRE = NAME.toWireCanonical();
  private static final PreparedAnswer ANSWER = answer();

  private SelfQuery() {}

  private static Name name() {
    try {
      return Name.fromString("health.nodecache.");
    } catch (TextParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PreparedAnswer answer() {
    Message m = new Message();
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(NAME, Type.TXT, DClass.CH), Section.QUESTION);
    m.addRecord(new TXTRecord(NAME, DClass.CH, 0, "OK"), Section.ANSWER);
    return PreparedAnswer.of(m);
  }

  /** The query the health check sends. */
  public static Message query() {
    return Message.newQuery(Record.newRecord(NAME, Type.TXT, DClass.CH));
  }

  /** Whether {@code a} is the answer to the self-query. */
  public static boolean answers(Message a) {
    return a.getRcode() == 0 && !a.getSection(Section.ANSWER).isEmpty()
        && a.getSection(Section.ANSWER).get(0) instanceof TXTRecord t && t.getStrings().equals(List.of("OK"));
  }

  /** The answer when {@code q} is the self-query, else null; compares a few ints first. */
  static ByteBuf reply(FastQuery q) {
    if (q.qclass() != DClass.CH || q.qtype() != Type.TXT || q.qnameLength() != WIRE.length) {
      return null;
    }
    if (!Arrays.equals(q.qnameLower(), 0, WIRE.length, WIRE, 0, WIRE.length)) {
      return null;
    }
    return ANSWER.render(q, -1);
  }
}
