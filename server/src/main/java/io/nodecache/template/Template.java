package io.nodecache.template;

import io.nodecache.template.Evaluator.Struct;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TTL;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;

/** One {@code template} directive: what it matches and the sections it writes. */
record Template(
    int dclass,
    int type,
    List<Name> zones,
    List<Regex> regexes,
    List<GoTemplate> answer,
    List<GoTemplate> additional,
    List<GoTemplate> authority,
    int rcode,
    List<Name> fallthrough,
    boolean fallthroughAll,
    boolean defaultRegex,
    ExtendedError ederror) {

  /** {@code ederror CODE [REASON]}: an RFC 8914 extended DNS error in the answer, or null. */
  record ExtendedError(int code, String reason) {}

  /** A match regex, translated from Go's RE2 syntax, with the Go name of each capturing group. */
  record Regex(String source, Pattern pattern, List<String> groupNames) {

    private static final Map<String, String> POSIX =
        Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\s"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

    /**
     * Go's {@code (?P<name>...)} and {@code (?<name>...)} become plain groups (Go allows names Java
     * refuses) with the name kept by group number; {@code [[:digit:]]} becomes {@code [\p{Digit}]}.
     */
    static Regex compile(String go) {
      StringBuilder out = new StringBuilder();
      List<String> names = new ArrayList<>();
      boolean inClass = false;
      for (int i = 0; i < go.length(); i++) {
        char c = go.charAt(i);
        if (c == '\\' && i + 1 < go.length()) {
          if (!inClass && go.charAt(i + 1) >= '1' && go.charAt(i + 1) <= '9') {
            throw new IllegalArgumentException("invalid escape sequence \\" + go.charAt(i + 1) + " (RE2 has no backreferences)");
          }
          out.append(c).append(go.charAt(++i));
        } else if (inClass) {
          Matcher m = Pattern.compile("\\[:(\\^?)([a-z]+):]").matcher(go).region(i, go.length());
          if (c == '[' && m.lookingAt() && POSIX.containsKey(m.group(2))) {
            String cls = POSIX.get(m.group(2));
            out.append(m.group(1).isEmpty() ? cls : negate(cls));
            i = m.end() - 1;
          } else {
            if (c == ']' && out.charAt(out.length() - 1) != '[') {
              inClass = false;
            }
            out.append(c == '[' ? "\\[" : String.valueOf(c));
          }
        } else if (c == '(' && (go.startsWith("(?=", i) || go.startsWith("(?!", i) || go.startsWith("(?<=", i)
            || go.startsWith("(?<!", i) || go.startsWith("(?>", i))) {
          throw new IllegalArgumentException("invalid or unsupported Perl syntax " + go.substring(i, Math.min(go.length(), i + 4)) + " (not in RE2)");
        } else if ((c == '+' || c == '*' || c == '?') && go.startsWith("+", i + 1)) {
          throw new IllegalArgumentException("invalid nested repetition operator " + c + "+ (not in RE2)");
        } else if (c == '[') {
          inClass = true;
          out.append(c);
          if (go.startsWith("^", i + 1)) {
            out.append('^');
            i++;
          }
        } else if (c == '(' && go.startsWith("(?P<", i) || c == '(' && go.startsWith("(?<", i) && !go.startsWith("(?<=", i) && !go.startsWith("(?<!", i)) {
          int start = go.indexOf('<', i) + 1;
          int end = go.indexOf('>', start);
          if (end < 0) {
            throw new IllegalArgumentException("missing closing > in group name");
          }
          names.add(go.substring(start, end));
          out.append('(');
          i = end;
        } else if (c == '(' && !go.startsWith("(?", i)) {
          names.add("");
          out.append(c);
        } else {
          out.append(c);
        }
      }
      return new Regex(go, Pattern.compile(out.toString()), List.copyOf(names));
    }

    private static String negate(String cls) {
      return cls.equals("\\s") ? "\\S" : cls.equals("\\w") ? "\\W" : cls.replace("\\p", "\\P");
    }
  }

  /** The longest of this template's zones holding {@code name} (lower case), or null. */
  Name zoneOf(Name name) {
    Name best = null;
    for (Name z : zones) {
      if (name.subdomain(z) && (best == null || z.labels() > best.labels())) {
        best = z;
      }
    }
    return best;
  }

  boolean classAndTypeMatch(int qclass, int qtype) {
    return (dclass == DClass.ANY || qclass == DClass.ANY || qclass == dclass)
        && (type == Type.ANY || qtype == Type.ANY || qtype == type);
  }

  boolean fallsThrough(Name name) {
    if (fallthroughAll) {
      return true;
    }
    for (Name z : fallthrough) {
      if (name.subdomain(z)) {
        return true;
      }
    }
    return false;
  }

  /** The data a template sees ({@code .Name}, {@code .Group} ...), as CoreDNS's templateData. */
  Struct data(Message query, String remote, Name zone, Regex regex, Matcher m, String name) {
    Record q = query.getQuestion();
    List<String> match = new ArrayList<>();
    Map<String, String> group = new HashMap<>();
    for (int i = 0; i <= m.groupCount(); i++) {
      String g = m.group(i) == null ? "" : m.group(i);
      match.add(g);
      group.put(Integer.toString(i), g);
    }
    for (int i = 0; i < regex.groupNames().size() && i < m.groupCount(); i++) {
      if (!regex.groupNames().get(i).isEmpty()) {
        group.put(regex.groupNames().get(i), match.get(i + 1));
      }
    }
    Map<String, Object> qf = new LinkedHashMap<>();
    qf.put("Name", q.getName().toString());
    qf.put("Qtype", (long) q.getType());
    qf.put("Qclass", (long) q.getDClass());
    String qtext = ";" + q.getName() + "\t" + DClass.string(q.getDClass()) + "\t " + Type.string(q.getType());
    var h = query.getHeader();
    Map<String, Object> mf = new LinkedHashMap<>();
    mf.put("Id", (long) h.getID());
    mf.put("Response", h.getFlag(Flags.QR));
    mf.put("Opcode", (long) h.getOpcode());
    mf.put("Authoritative", h.getFlag(Flags.AA));
    mf.put("Truncated", h.getFlag(Flags.TC));
    mf.put("RecursionDesired", h.getFlag(Flags.RD));
    mf.put("RecursionAvailable", h.getFlag(Flags.RA));
    mf.put("Zero", false);
    mf.put("AuthenticatedData", h.getFlag(Flags.AD));
    mf.put("CheckingDisabled", h.getFlag(Flags.CD));
    mf.put("Rcode", (long) h.getRcode());
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("Zone", zone.toString());
    f.put("Name", name);
    f.put("Regex", regex.source());
    f.put("Match", match);
    f.put("Group", group);
    f.put("Class", DClass.string(q.getDClass() != DClass.ANY ? q.getDClass() : dclass));
    f.put("Type", Type.string(q.getType() != Type.ANY ? q.getType() : type));
    f.put("Message", new Struct("*dns.Msg", query.toString(), mf));
    f.put("Question", new Struct("*dns.Question", qtext, qf));
    f.put("Remote", remote);
    return new Struct("*template.templateData", "&{" + zone + " " + name + "}", f);
  }

  /**
   * One resource record in zone-file text, as miekg/dns's {@code NewRR} reads it: relative names
   * under the root, TTL 3600 and class IN when left out, TTL and class in either order.
   */
  static Record parseRecord(String text) throws TextParseException {
    try {
      Tokenizer st = new Tokenizer(text);
      Name owner = st.getName(Name.root);
      long ttl = 3600;
      int dclass = DClass.IN;
      String s = st.getString();
      for (int i = 0; i < 2; i++) {
        if (Character.isDigit(s.charAt(0))) {
          ttl = TTL.parseTTL(s);
          s = st.getString();
        } else if (DClass.value(s) >= 0 && Type.value(s) < 0) {
          dclass = DClass.value(s);
          s = st.getString();
        }
      }
      int type = Type.value(s);
      if (type < 0) {
        throw new TextParseException("unknown type '" + s + "'");
      }
      return Record.fromString(owner, type, dclass, ttl, st, Name.root);
    } catch (NumberFormatException e) {
      throw new TextParseException("bad TTL: " + e.getMessage());
    } catch (IOException e) {
      throw new TextParseException(e.getMessage());
    }
  }
}
