package io.nodecache.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Records written as zone-file text, queries, and a responder answering from them, for tests. */
public final class Records {

  private Records() {}

  /** Parses one zone-file line, e.g. {@code rr("web.default.svc.cluster.local. 30 IN A 10.96.0.20")}. */
  public static Record rr(String line) {
    try (Master m = new Master(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)), Name.root, 3600)) {
      Record r = m.nextRecord();
      if (r == null) {
        throw new IllegalArgumentException("no record in: " + line);
      }
      return r;
    } catch (IOException e) {
      throw new IllegalArgumentException(line + ": " + e.getMessage(), e);
    }
  }

  /** The section as zone-file lines, sorted, for order-insensitive comparison. */
  public static List<String> lines(Message m, int section) {
    return m.getSection(section).stream().map(Record::toString).sorted().toList();
  }

  public static List<String> answer(Message m) {
    return lines(m, Section.ANSWER);
  }

  public static List<String> sorted(String... zoneLines) {
    return Arrays.stream(zoneLines).map(Records::rr).map(Record::toString).sorted().toList();
  }

  public static Name name(String s) {
    try {
      return Name.fromString(s.endsWith(".") ? s : s + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** A recursive query for {@code name} and {@code type} (e.g. "A"), ID random, no EDNS. */
  public static Message query(String name, String type) {
    Message q = Message.newQuery(Record.newRecord(name(name), Type.value(type), DClass.IN));
    return q;
  }

  /** Like {@link #query} with EDNS0 (payload 1232) and the DO bit as given. */
  public static Message queryEdns(String name, String type, boolean dnssecOk) {
    Message q = query(name, type);
    q.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    return q;
  }

  /** An empty NOERROR reply to {@code q}: same ID, RD copied, RA set, question copied, OPT if asked. */
  public static Message reply(Message q) {
    Message a = new Message(q.getHeader().getID());
    a.getHeader().setFlag(Flags.QR);
    a.getHeader().setFlag(Flags.RA);
    if (q.getHeader().getFlag(Flags.RD)) {
      a.getHeader().setFlag(Flags.RD);
    }
    if (q.getQuestion() != null) {
      a.addRecord(q.getQuestion(), Section.QUESTION);
    }
    if (q.getOPT() != null) {
      a.addRecord(new OPTRecord(1232, 0, 0, q.getOPT().getFlags()), Section.ADDITIONAL);
    }
    return a;
  }

  /** An empty reply to {@code q} with TC=1, as a server sends when the answer does not fit over UDP. */
  public static Message truncated(Message q) {
    Message a = reply(q);
    a.getHeader().setFlag(Flags.TC);
    return a;
  }

  /**
   * A responder answering from zone-file lines: records of the asked name and type; NODATA when the
   * name has other types; NXDOMAIN otherwise. {@code . IN NS} (health checks) always gets NOERROR.
   */
  public static UnaryOperator<Message> responder(String... lines) {
    Map<Name, List<Record>> byName = new HashMap<>();
    for (String l : lines) {
      Record r = rr(l);
      byName.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
    }
    return q -> {
      Message a = reply(q);
      Record question = q.getQuestion();
      List<Record> rs = byName.get(question.getName());
      if (rs == null) {
        if (!question.getName().equals(Name.root)) {
          a.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return a;
      }
      for (Record r : rs) {
        if (r.getType() == question.getType() || question.getType() == Type.ANY) {
          a.addRecord(r, Section.ANSWER);
        }
      }
      return a;
    };
  }

  /**
   * The invariant every answer a test decodes must hold: no section lists one record twice (RFC 2181
   * §5: an RRset holds no duplicates). Records are identical when name (case-insensitively), type,
   * class and data are; TTLs do not count. Returns {@code m}; fails naming the record otherwise.
   */
  public static Message exact(Message m) {
    String[] names = {"", "answer", "authority", "additional"};
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      Set<Record> seen = new HashSet<>();
      for (Record r : m.getSection(section)) {
        if (!seen.add(r)) {
          throw new AssertionError("duplicate record in the " + names[section] + " section: " + r
              + " (answer to " + m.getQuestion() + ")");
        }
      }
    }
    return m;
  }

  /** Answer records as zone-file lines (whitespace collapsed), in message order. */
  public static List<String> answers(Message m) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      out.add(r.toString().replaceAll("\\s+", " "));
    }
    return out;
  }
}
