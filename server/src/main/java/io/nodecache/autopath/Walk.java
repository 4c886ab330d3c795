package io.nodecache.autopath;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Next;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One server-side search: the candidates in order through the rest of the chain, each as a copy of
 * the query with only the question name changed, until one answers with anything but NXDOMAIN (CoreDNS's
 * rule: data, NODATA, SERVFAIL and REFUSED all end the walk). That answer goes back for the asked
 * name, a CNAME from it to the owner of the first answer record in front. When every candidate says
 * NXDOMAIN, the client gets the answer of the first candidate (the name it asked) unchanged and walks
 * on itself. A candidate that fails (no answer at all) fails the query, as in CoreDNS.
 */
final class Walk {

  private final DnsRequest request;
  private final List<Name> candidates;
  private final Next next;
  private final Runnable onHit;
  private final CompletableFuture<Message> result = new CompletableFuture<>();
  private Message first;

  private Walk(DnsRequest request, List<Name> candidates, Next next, Runnable onHit) {
    this.request = request;
    this.candidates = candidates;
    this.next = next;
    this.onHit = onHit;
  }

  /** Runs the walk; {@code candidates} starts with the asked name and is never empty. */
  static CompletionStage<Message> run(DnsRequest request, List<Name> candidates, Next next, Runnable onHit) {
    Walk w = new Walk(request, candidates, next, onHit);
    w.step(0);
    return w.result;
  }

  private void step(int i) {
    CompletionStage<Message> answer;
    try {
      answer = next.handle(i == 0 ? request : withName(request, candidates.get(i)));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    answer.whenComplete(
        (m, error) -> {
          if (error != null || m == null) {
            result.completeExceptionally(error != null ? error : new IllegalStateException("no answer"));
            return;
          }
          if (i == 0) {
            first = m;
          }
          if (m.getRcode() != Rcode.NXDOMAIN) {
            onHit.run();
            result.complete(i == 0 ? m : forAskedName(m, request.question()));
          } else if (i + 1 < candidates.size()) {
            step(i + 1);
          } else {
            result.complete(first);
          }
        });
  }

  /** A copy of the request asking {@code name} instead, with the same ID, flags and EDNS. */
  static DnsRequest withName(DnsRequest r, Name name) {
    Message q = r.query().clone();
    Record asked = r.question();
    q.removeAllRecords(Section.QUESTION);
    q.addRecord(Record.newRecord(name, asked.getType(), asked.getDClass()), Section.QUESTION);
    return new DnsRequest(q, r.client(), r.local(), r.protocol(), r.zone(), r.server());
  }

  /**
   * The answer {@code found} for another name turned into one for {@code asked}: the question is the
   * asked one and, when the first answer record is owned by another name, a CNAME from the asked name to
   * it (with that record's TTL) leads the answer section, as CoreDNS's {@code cnamer}.
   */
  static Message forAskedName(Message found, Record asked) {
    Message out = found.clone();
    out.removeAllRecords(Section.QUESTION);
    out.addRecord(asked, Section.QUESTION);
    List<Record> answer = new ArrayList<>(out.getSection(Section.ANSWER));
    for (Record a : answer) {
      if (a.getName().equals(asked.getName())) {
        continue;
      }
      out.removeAllRecords(Section.ANSWER);
      out.addRecord(new CNAMERecord(asked.getName(), asked.getDClass(), a.getTTL(), a.getName()), Section.ANSWER);
      answer.forEach(r -> out.addRecord(r, Section.ANSWER));
      break;
    }
    return out;
  }
}
