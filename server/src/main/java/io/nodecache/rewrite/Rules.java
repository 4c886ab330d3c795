package io.nodecache.rewrite;

import io.nodecache.chain.DnsRequest;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/** The request side of the rules: the query being rewritten and what each rule does to it. */
final class Rules {

  private Rules() {}

  /** A rewrite produced a name that is not a domain name: the client gets SERVFAIL, as in CoreDNS. */
  static final class InvalidName extends Exception {
    InvalidName(String name) {
      super("invalid name after rewrite: " + name, null, false, false);
    }
  }

  /** The query under rewrite: its question and OPT as the rules so far left them. */
  static final class Query {
    final DnsRequest request;
    Record question;
    OPTRecord opt;
    boolean changed;

    Query(DnsRequest request) {
      this.request = request;
      this.question = request.question();
      this.opt = request.query().getOPT();
    }

    /** The current question name, lower case with its trailing dot (what the rules match). */
    String name() {
      return question.getName().toString().toLowerCase(Locale.ROOT);
    }

    void question(Record q) {
      question = q;
      changed = true;
    }

    void opt(OPTRecord o) {
      opt = o;
      changed = true;
    }

    /** A copy of the client's query carrying the rewritten question and OPT; the original is untouched. */
    Message message() {
      Message m = request.query().clone();
      m.removeAllRecords(Section.QUESTION);
      m.addRecord(question, Section.QUESTION);
      OPTRecord old = m.getOPT();
      if (old != opt) {
        if (old != null) {
          m.removeRecord(old, Section.ADDITIONAL);
        }
        if (opt != null) {
          m.addRecord(opt, Section.ADDITIONAL);
        }
      }
      return m;
    }
  }

  /** One rule of the block. */
  abstract static class Rule {
    final boolean stop;

    Rule(boolean stop) {
      this.stop = stop;
    }

    /** Rewrites {@code q} when the rule applies: the response rules it brings, or null when it does not. */
    abstract List<Answers.Rule> apply(Query q) throws InvalidName;

    /** 1: the rule applies to this query, 0: it does not, -1: cannot tell without decoding. */
    abstract int fast(FastQuery q);
  }

  /** {@code name [MATCH] FROM TO [answer ...]}. */
  static final class NameRule extends Rule {
    final NameMatch match;
    final String to;
    final boolean auto;
    final List<Answers.Rule> answers;

    NameRule(boolean stop, NameMatch match, String to, boolean auto, List<Answers.Rule> answers) {
      super(stop);
      this.match = match;
      this.to = to;
      this.auto = auto;
      this.answers = answers;
    }

    @Override
    List<Answers.Rule> apply(Query q) throws InvalidName {
      String cur = q.name();
      String next;
      switch (match.kind) {
        case EXACT -> next = cur.equals(match.from) ? to : null;
        case PREFIX -> next = cur.startsWith(match.from) ? to + cur.substring(match.from.length()) : null;
        case SUFFIX -> next = cur.endsWith(match.from) ? cur.substring(0, cur.length() - match.from.length()) + to : null;
        case SUBSTRING -> next = cur.contains(match.from) ? cur.replace(match.from, to) : null;
        default -> {
          String[] g = NameMatch.groups(match.pattern, cur);
          next = g == null ? null : Answers.substitute(to, g);
        }
      }
      if (next == null) {
        return null;
      }
      Name n;
      try {
        n = Name.fromString(next, Name.root);
      } catch (TextParseException e) {
        throw new InvalidName(next);
      }
      Record old = q.question;
      q.question(Record.newRecord(n, old.getType(), old.getDClass()));
      if (!auto) {
        return answers;
      }
      Answers.Remap back = new Answers.Remap(n.toString().toLowerCase(Locale.ROOT), cur);
      List<Answers.Rule> rs = new ArrayList<>(List.of(new Answers.OwnerRule(back), new Answers.ValueRule(back)));
      rs.addAll(answers);
      return rs;
    }

    @Override
    int fast(FastQuery q) {
      return match.fastMatch(q);
    }
  }

  /** {@code ttl ...} and {@code rcode ...}: match the name, change only the answer. */
  static final class AnswerRule extends Rule {
    final NameMatch match;
    final List<Answers.Rule> answers;

    AnswerRule(boolean stop, NameMatch match, Answers.Rule answer) {
      super(stop);
      this.match = match;
      this.answers = List.of(answer);
    }

    @Override
    List<Answers.Rule> apply(Query q) {
      return match.matches(q.name()) ? answers : null;
    }

    @Override
    int fast(FastQuery q) {
      return match.fastMatch(q);
    }
  }

  /** {@code type FROM TO} or {@code class FROM TO}. */
  static final class FieldRule extends Rule {
    final boolean type;
    final int from;
    final int to;

    FieldRule(boolean stop, boolean type, int from, int to) {
      super(stop);
      this.type = type;
      this.from = from;
      this.to = to;
    }

    @Override
    List<Answers.Rule> apply(Query q) {
      Record old = q.question;
      if ((type ? old.getType() : old.getDClass()) != from) {
        return null;
      }
      q.question(Record.newRecord(old.getName(), type ? to : old.getType(), type ? old.getDClass() : to));
      return List.of();
    }

    @Override
    int fast(FastQuery q) {
      return (type ? q.qtype() : q.qclass()) == from ? 1 : 0;
    }
  }
}
