package io.nodecache.testing;

import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Kinds of forged answer a {@link TestUpstream} sends before (or instead of) the genuine one. */
public enum Spoof {
  /** Same question, ID changed. */
  WRONG_ID,
  /** Same ID, another question name. */
  WRONG_QUESTION,
  /** Right ID and question, sent over UDP from another port of the upstream's host. */
  OTHER_ADDRESS;

  /** The A record data every forged answer carries. */
  public static final String SPOOFED_ADDRESS = "198.51.100.66";

  /** The forged answer to {@code q}, whose genuine answer is {@code genuine}. */
  Message forge(Message q, Message genuine) {
    Message f = Records.reply(q);
    f.addRecord(Records.rr(q.getQuestion().getName() + " 300 IN A " + SPOOFED_ADDRESS), Section.ANSWER);
    switch (this) {
      case WRONG_ID -> f.getHeader().setID(genuine.getHeader().getID() ^ 0x5a5a);
      case WRONG_QUESTION -> {
        f.removeAllRecords(Section.QUESTION);
        f.removeAllRecords(Section.ANSWER);
        Record other =
            Record.newRecord(Records.name("spoofed.invalid."), q.getQuestion().getType(), q.getQuestion().getDClass());
        f.addRecord(other, Section.QUESTION);
        f.addRecord(Records.rr("spoofed.invalid. 300 IN A " + SPOOFED_ADDRESS), Section.ANSWER);
      }
      default -> {
        // OTHER_ADDRESS: the datagram's source is what is wrong
      }
    }
    return f;
  }
}
