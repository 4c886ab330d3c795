package io.nodecache.loadbalance;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code loadbalance round_robin}: the A, AAAA and MX records of each section of a NOERROR
 * answer in a random order, after the section's CNAME and other records.
 */
final class Loadbalance implements Handler, FastPath {

  @Override
  public String name() {
    return "loadbalance";
  }

  @Override
  public Result fast(FastQuery q) {
    int t = q.qtype();
    if (t == Type.MX) {
      return Result.SLOW; // MX records carry names: shuffled on the decoded path
    }
    if (t != Type.AXFR && t != Type.IXFR) {
      q.shuffleAddresses(true);
    }
    return Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (r.type() == Type.AXFR || r.type() == Type.IXFR) {
      return next.handle(r);
    }
    return next.handle(r).thenApply(m -> m == null || m.getRcode() != Rcode.NOERROR ? m : shuffled(m));
  }

  /** A copy of {@code m} with its answer, authority and additional sections shuffled. */
  static Message shuffled(Message m) {
    Message out = m.clone();
    Random random = ThreadLocalRandom.current();
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> in = out.getSection(s);
      if (in.size() <= 1) {
        continue;
      }
      List<Record> reordered = roundRobin(in, random);
      out.removeAllRecords(s);
      for (Record rr : reordered) {
        out.addRecord(rr, s);
      }
    }
    return out;
  }

  /** CNAMEs, then the other records, then the address records shuffled, then the MX records shuffled. */
  static List<Record> roundRobin(List<Record> in, Random random) {
    List<Record> cname = new ArrayList<>();
    List<Record> rest = new ArrayList<>();
    List<Record> address = new ArrayList<>();
    List<Record> mx = new ArrayList<>();
    for (Record rr : in) {
      switch (rr.getType()) {
        case Type.CNAME -> cname.add(rr);
        case Type.A, Type.AAAA -> address.add(rr);
        case Type.MX -> mx.add(rr);
        default -> rest.add(rr);
      }
    }
    Collections.shuffle(address, random);
    Collections.shuffle(mx, random);
    List<Record> out = new ArrayList<>(in.size());
    out.addAll(cname);
    out.addAll(rest);
    out.addAll(address);
    out.addAll(mx);
    return out;
  }
}
