package io.nodecache.chaos;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** CoreDNS's {@code chaos}: CH TXT answers for the server's version, authors and host name. */
final class Chaos implements Handler, FastPath {

  private final String version;
  private final List<String> authors;
  private final String hostname;

  Chaos(String version, List<String> authors, String hostname) {
    this.version = version;
    this.authors = authors;
    this.hostname = hostname;
  }

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public Result fast(FastQuery q) {
    return q.qclass() == DClass.CH && q.qtype() == Type.TXT ? Result.SLOW : Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (r.dclass() != DClass.CH || r.type() != Type.TXT) {
      return next.handle(r);
    }
    Name owner = r.name();
    List<String> texts =
        switch (owner.canonicalize().toString()) {
          case "authors.bind." -> shuffled(authors);
          case "version.bind.", "version.server." -> List.of(version);
          case "hostname.bind.", "id.server." -> List.of(hostname);
          default -> null;
        };
    if (texts == null) {
      return next.handle(r);
    }
    Message m = Responses.error(r.query(), Rcode.NOERROR);
    for (String t : texts) {
      m.addRecord(new TXTRecord(owner, DClass.CH, 0, t), Section.ANSWER);
    }
    return CompletableFuture.completedFuture(m);
  }

  private static List<String> shuffled(List<String> in) {
    List<String> out = new ArrayList<>(in);
    Collections.shuffle(out, ThreadLocalRandom.current());
    return out;
  }
}
