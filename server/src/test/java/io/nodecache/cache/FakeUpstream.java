package io.nodecache.cache;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Next;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The rest of the chain for handler tests: answers from a table of zone-file records, counts calls, and
 * can hold answers back until the test releases them.
 */
final class FakeUpstream implements Next {

  /** How the upstream answers a question. */
  record Answer(int rcode, List<Record> answer, List<Record> authority, boolean truncated) {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final List<CompletableFuture<Message>> held = new ArrayList<>();
  private volatile boolean hold;
  private volatile UnaryOperator<Message> override;
  private volatile RuntimeException failure;

  static Record rr(String text) {
    String[] f = text.trim().split("\\s+", 5);
    try {
      return Record.fromString(
          Name.fromString(f[0]), Type.value(f[3]), DClass.value(f[2]), Long.parseLong(f[1]), f[4], Name.root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Record soa(String zone, long ttl, long minimum) {
    return rr(zone + " " + ttl + " IN SOA ns." + zone + " admin." + zone + " 1 7200 900 1209600 " + minimum);
  }

  FakeUpstream answer(String name, int type, String... records) {
    List<Record> rrs = new ArrayList<>();
    for (String r : records) {
      rrs.add(rr(r));
    }
    return set(name, type, new Answer(Rcode.NOERROR, rrs, List.of(), false));
  }

  FakeUpstream set(String name, int type, Answer a) {
    answers.put(key(name, type), a);
    return this;
  }

  /** Answer every question with this rcode and nothing else, whatever the table says. */
  void rcodeForAll(int rcode) {
    override =
        q -> {
          Message m = reply(q);
          m.getHeader().setRcode(rcode);
          return m;
        };
  }

  void failAll(RuntimeException e) {
    failure = e;
  }

  void normal() {
    override = null;
    failure = null;
  }

  /** From now on answers wait until {@link #release()}. */
  void hold(boolean on) {
    hold = on;
  }

  int held() {
    synchronized (held) {
      return held.size();
    }
  }

  /** Completes every held answer. */
  void release() {
    List<CompletableFuture<Message>> now;
    synchronized (held) {
      now = new ArrayList<>(held);
      held.clear();
    }
    now.forEach(f -> f.complete(null));
  }

  int calls() {
    return calls.get();
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request) {
    calls.incrementAndGet();
    Message q = request.query();
    if (hold) {
      CompletableFuture<Message> gate = new CompletableFuture<>();
      synchronized (held) {
        held.add(gate);
      }
      return gate.thenApply(x -> respond(q));
    }
    RuntimeException f = failure;
    if (f != null) {
      return CompletableFuture.failedFuture(f);
    }
    return CompletableFuture.completedFuture(respond(q));
  }

  private Message respond(Message q) {
    UnaryOperator<Message> o = override;
    if (o != null) {
      return o.apply(q);
    }
    Message m = reply(q);
    Record question = q.getQuestion();
    Answer a = answers.get(key(question.getName().toString(), question.getType()));
    if (a == null) {
      m.getHeader().setRcode(Rcode.NXDOMAIN);
      m.addRecord(soa("org.", 3600, 60), Section.AUTHORITY);
      return m;
    }
    m.getHeader().setRcode(a.rcode());
    if (a.truncated()) {
      m.getHeader().setFlag(Flags.TC);
    }
    for (Record r : a.answer()) {
      // a real server answers with the question's case
      m.addRecord(r.getName().equals(question.getName()) ? r.withName(question.getName()) : r, Section.ANSWER);
    }
    a.authority().forEach(r -> m.addRecord(r, Section.AUTHORITY));
    if (q.getOPT() != null) {
      m.addRecord(q.getOPT(), Section.ADDITIONAL);
    }
    return m;
  }

  private static Message reply(Message q) {
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RA);
    if (q.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.addRecord(q.getQuestion(), Section.QUESTION);
    return m;
  }

  private static String key(String name, int type) {
    try {
      return Name.fromString(name, Name.root).toString().toLowerCase(Locale.ROOT) + "/" + type;
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
