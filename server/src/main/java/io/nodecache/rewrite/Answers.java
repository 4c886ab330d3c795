package io.nodecache.rewrite;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** What a matched rule does to the answer: CoreDNS's response rules, applied to a copy. */
final class Answers {

  private Answers() {}

  /** Rewrites one name (presentation form, trailing dot) into another, or returns it unchanged. */
  interface Mapping {
    String map(String name);
  }

  /** {@code answer name|value FROM TO}: a regex match replaces the whole name by TO with its groups. */
  record RegexMapping(Pattern pattern, String replacement) implements Mapping {
    @Override
    public String map(String name) {
      String[] g = NameMatch.groups(pattern, name);
      return g == null ? name : substitute(replacement, g);
    }
  }

  /** {@code answer auto}: the rewritten name, or a name under it, maps back to the asked name. */
  record Remap(String rewritten, String original) implements Mapping {
    @Override
    public String map(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals(rewritten)) {
        return original;
      }
      if (lower.endsWith("." + rewritten)) {
        return name.substring(0, name.length() - rewritten.length()) + original;
      }
      return name;
    }
  }

  /** {@code answer auto} of a suffix rule: the suffix TO becomes FROM again. */
  record SuffixMapping(String suffix, String replacement) implements Mapping {
    @Override
    public String map(String name) {
      if (name.toLowerCase(Locale.ROOT).endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length()) + replacement;
      }
      return name;
    }
  }

  /** One response rule. */
  sealed interface Rule permits OwnerRule, ValueRule, TtlRule, RcodeRule {}

  /** Rewrites the owner name of every record. */
  record OwnerRule(Mapping mapping) implements Rule {}

  /** Rewrites the name a CNAME, DNAME, NS, PTR, MX, SRV, NAPTR or SOA (MNAME) record points to. */
  record ValueRule(Mapping mapping) implements Rule {}

  /** Clamps every TTL into {@code [min, max]} (a single value sets it). */
  record TtlRule(long min, long max) implements Rule {}

  /** Replaces the RCODE {@code from} by {@code to}. */
  record RcodeRule(int from, int to) implements Rule {}

  /** Replaces {@code {N}} by group N, in one pass, as CoreDNS's regex replacement. */
  static String substitute(String template, String[] groups) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      int close = c == '{' ? template.indexOf('}', i) : -1;
      if (close > i + 1 && template.substring(i + 1, close).chars().allMatch(Character::isDigit) && close - i < 5) {
        int g = Integer.parseInt(template.substring(i + 1, close));
        if (g < groups.length) {
          sb.append(groups[g]);
          i = close + 1;
          continue;
        }
      }
      sb.append(c);
      i++;
    }
    return sb.toString();
  }

  /**
   * The answer as the client should see it: {@code question} restored, then, for every record but the
   * OPT, the rules applied last to first (CoreDNS reverts in reverse order).
   */
  static Message revert(Message answer, Record question, List<Rule> rules) {
    Message m = answer.clone();
    m.removeAllRecords(Section.QUESTION);
    m.addRecord(question, Section.QUESTION);
    if (rules.isEmpty()) {
      return m;
    }
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> rs = m.getSection(section);
      m.removeAllRecords(section);
      for (Record r : rs) {
        m.addRecord(r.getType() == Type.OPT ? r : apply(r, rules), section);
      }
    }
    for (int i = rules.size() - 1; i >= 0; i--) {
      if (rules.get(i) instanceof RcodeRule rc && m.getRcode() == rc.from()) {
        m.getHeader().setRcode(rc.to());
      }
    }
    return m;
  }

  private static Record apply(Record r, List<Rule> rules) {
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule rule = rules.get(i);
      if (rule instanceof OwnerRule o) {
        Name n = name(o.mapping().map(r.getName().toString()), r.getName());
        r = n.equals(r.getName()) && n.toString().equals(r.getName().toString()) ? r : r.withName(n);
      } else if (rule instanceof ValueRule v) {
        r = value(r, v.mapping());
      } else if (rule instanceof TtlRule t) {
        long ttl = Math.min(Math.max(r.getTTL(), t.min()), t.max());
        r = ttl == r.getTTL() ? r : withTtl(r, ttl);
      }
    }
    return r;
  }

  /** The mapped name, or {@code fallback} when the mapping made something that is not a name. */
  private static Name name(String text, Name fallback) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      return fallback;
    }
  }

  private static Record withTtl(Record r, long ttl) {
    byte[] wire = r.toWire(Section.ANSWER);
    byte[] rdata = Arrays.copyOfRange(wire, r.getName().length() + 10, wire.length);
    return Record.newRecord(r.getName(), r.getType(), r.getDClass(), ttl, rdata);
  }

  private static Record value(Record r, Mapping mapping) {
    Name target =
        switch (r.getType()) {
          case Type.CNAME -> ((CNAMERecord) r).getTarget();
          case Type.DNAME -> ((DNAMERecord) r).getTarget();
          case Type.NS -> ((NSRecord) r).getTarget();
          case Type.PTR -> ((PTRRecord) r).getTarget();
          case Type.MX -> ((MXRecord) r).getTarget();
          case Type.SRV -> ((SRVRecord) r).getTarget();
          case Type.NAPTR -> ((NAPTRRecord) r).getReplacement();
          case Type.SOA -> ((SOARecord) r).getHost();
          default -> null;
        };
    if (target == null) {
      return r;
    }
    String mapped = mapping.map(target.toString());
    if (mapped.equals(target.toString())) {
      return r;
    }
    Name t = name(mapped, target);
    Name n = r.getName();
    int c = r.getDClass();
    long ttl = r.getTTL();
    return switch (r.getType()) {
      case Type.CNAME -> new CNAMERecord(n, c, ttl, t);
      case Type.DNAME -> new DNAMERecord(n, c, ttl, t);
      case Type.NS -> new NSRecord(n, c, ttl, t);
      case Type.PTR -> new PTRRecord(n, c, ttl, t);
      case Type.MX -> new MXRecord(n, c, ttl, ((MXRecord) r).getPriority(), t);
      case Type.SRV -> {
        SRVRecord s = (SRVRecord) r;
        yield new SRVRecord(n, c, ttl, s.getPriority(), s.getWeight(), s.getPort(), t);
      }
      case Type.NAPTR -> {
        NAPTRRecord p = (NAPTRRecord) r;
        yield new NAPTRRecord(n, c, ttl, p.getOrder(), p.getPreference(), p.getFlags(), p.getService(), p.getRegexp(), t);
      }
      default -> {
        SOARecord s = (SOARecord) r;
        yield new SOARecord(n, c, ttl, t, s.getAdmin(), s.getSerial(), s.getRefresh(), s.getRetry(), s.getExpire(), s.getMinimum());
      }
    };
  }
}
