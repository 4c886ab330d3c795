package io.nodecache.chain;

import java.net.InetSocketAddress;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;

/**
 * A decoded query and where it came from. The query message is shared by every handler and must not be
 * changed; copy it ({@link Message#clone()}) before changing it.
 *
 * @param query the decoded query (exactly one question)
 * @param client the sender
 * @param local the address the query was received on
 * @param protocol UDP or TCP
 * @param zone the server-block zone that matched the query name (for metric labels)
 * @param server the server label, {@code dns://ADDRESS:PORT}
 */
public record DnsRequest(
    Message query,
    InetSocketAddress client,
    InetSocketAddress local,
    Protocol protocol,
    String zone,
    String server) {

  public Record question() {
    return query.getQuestion();
  }

  public Name name() {
    return query.getQuestion().getName();
  }

  public int type() {
    return query.getQuestion().getType();
  }

  public int dclass() {
    return query.getQuestion().getDClass();
  }

  /** The EDNS DO bit (RFC 3225). */
  public boolean dnssecOk() {
    OPTRecord opt = query.getOPT();
    return opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
  }

  /** The CD header bit (RFC 4035 §3.2.2). */
  public boolean checkingDisabled() {
    return query.getHeader().getFlag(Flags.CD);
  }
}
