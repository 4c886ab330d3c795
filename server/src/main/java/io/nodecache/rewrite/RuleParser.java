package io.nodecache.rewrite;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.xbill.DNS.Rcode;

/** Reads the arguments of {@code name}, {@code ttl}, {@code rcode} and {@code edns0} rules as CoreDNS does. */
final class RuleParser {

  private RuleParser() {}

  /** Lower case with a trailing dot: CoreDNS's {@code plugin.Name(s).Normalize()}. */
  static String normalize(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    return l.endsWith(".") ? l : l + ".";
  }

  /** A Go (RE2) expression as a Java one; {@code (?P<name>} becomes {@code (?<name>}. */
  static Pattern regex(Directive d, String expr) throws ConfigException {
    try {
      return Pattern.compile(expr.replace("(?P<", "(?<"));
    } catch (PatternSyntaxException e) {
      throw d.error("invalid regex matching pattern: " + expr);
    }
  }

  /** Refuses a replacement that uses more {@code {N}} groups than the pattern has (CoreDNS's check). */
  static void groupsUsed(Directive d, Pattern p, String to) throws ConfigException {
    int used = 0;
    for (int i = 0; i <= 100; i++) {
      if (to.contains("{" + i + "}")) {
        used++;
      }
    }
    if (used > p.matcher("").groupCount()) {
      throw d.error("the rewrite regex pattern (" + to + ") uses more subexpressions than its corresponding matching regex pattern (" + p.pattern() + ")");
    }
  }

  private static NameMatch.Kind kind(Directive d, String field, String s) throws ConfigException {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "exact" -> NameMatch.Kind.EXACT;
      case "prefix" -> NameMatch.Kind.PREFIX;
      case "suffix" -> NameMatch.Kind.SUFFIX;
      case "substring" -> NameMatch.Kind.SUBSTRING;
      case "regex" -> NameMatch.Kind.REGEX;
      default -> throw d.error(field + " rule supports only exact, prefix, suffix, substring, and regex name matching, received: " + s);
    };
  }

  private static NameMatch match(Directive d, NameMatch.Kind k, String from) throws ConfigException {
    return k == NameMatch.Kind.REGEX ? new NameMatch(k, from, regex(d, from)) : new NameMatch(k, normalize(from), null);
  }

  /** {@code name [MATCH] FROM TO [answer auto | answer name|value FROM TO ...]}. */
  static Rules.Rule name(Directive d, boolean stop, List<String> a) throws ConfigException {
    if (a.size() < 2) {
      throw d.error("too few arguments for a name rule");
    }
    NameMatch.Kind k = a.size() == 2 ? NameMatch.Kind.EXACT : kind(d, "name", a.get(0));
    String from = a.size() == 2 ? a.get(0) : a.get(1);
    String to = a.size() == 2 ? a.get(1) : a.get(2);
    NameMatch m = match(d, k, from);
    boolean auto = false;
    List<Answers.Rule> answers = new ArrayList<>();
    if (a.size() > 3) {
      auto = answerRules(d, a.subList(3, a.size()), answers);
    }
    switch (k) {
      case EXACT -> {
        regex(d, normalize(to)); // CoreDNS compiles TO as an expression too
        auto = true; // an exact rule's answer is always mapped back
      }
      case SUFFIX -> {
        if (auto) {
          Answers.Mapping back = new Answers.SuffixMapping(normalize(to), m.from);
          answers.addAll(0, List.of(new Answers.OwnerRule(back), new Answers.ValueRule(back)));
          auto = false;
        }
      }
      case REGEX -> groupsUsed(d, m.pattern, to);
      default -> {}
    }
    return new Rules.NameRule(stop, m, normalize(to), auto, List.copyOf(answers));
  }

  /** Reads {@code answer auto}, {@code answer name FROM TO}, {@code answer value FROM TO} (the second and later {@code answer} may be left out); returns whether auto was asked. */
  private static boolean answerRules(Directive d, List<String> a, List<Answers.Rule> out) throws ConfigException {
    if (a.size() < 2) {
      throw d.error("invalid arguments for a name rule: " + String.join(" ", a));
    }
    boolean auto = false;
    int names = 0;
    int i = 0;
    String last = "";
    while (i < a.size()) {
      if (last.isEmpty() && !a.get(i).equals("answer")) {
        throw d.error("exceeded the number of arguments for a non-answer rule argument for a name rule: '" + a.get(i) + "'");
      }
      if (a.get(i).equals("answer")) {
        i++;
      }
      if (i == a.size()) {
        throw d.error("type missing for answer rule (expected: auto, name or value)");
      }
      last = a.get(i++);
      switch (last) {
        case "auto" -> auto = true;
        case "name", "value" -> {
          if (a.size() - i < 2) {
            throw d.error(last + " answer rule: 2 arguments required");
          }
          Pattern p = regex(d, a.get(i));
          groupsUsed(d, p, a.get(i + 1));
          Answers.Mapping map = new Answers.RegexMapping(p, normalize(a.get(i + 1)));
          out.add(last.equals("name") ? new Answers.OwnerRule(map) : new Answers.ValueRule(map));
          names += last.equals("name") ? 1 : 0;
          i += 2;
        }
        default -> throw d.error("invalid type '" + last + "' for answer rule (expected: auto, name or value)");
      }
    }
    if (auto && names > 0) {
      throw d.error("auto name answer rule cannot be combined with explicit name answer rules");
    }
    return auto;
  }

  /** {@code ttl [MATCH] NAME SECONDS|MIN-MAX|MIN-|-MAX}. */
  static Rules.Rule ttl(Directive d, boolean stop, List<String> a) throws ConfigException {
    if (a.size() < 2) {
      throw d.error("too few (" + a.size() + ") arguments for a ttl rule");
    }
    if (a.size() > 3) {
      throw d.error("too many (" + a.size() + ") arguments for a ttl rule");
    }
    String s = a.get(a.size() - 1);
    long[] range = ttlRange(s);
    if (range == null) {
      throw d.error("invalid TTL '" + s + "' for a ttl rule (expected: SECONDS, MIN-MAX, MIN- or -MAX)");
    }
    NameMatch.Kind k = a.size() == 2 ? NameMatch.Kind.EXACT : kind(d, "ttl", a.get(0));
    return new Rules.AnswerRule(stop, match(d, k, a.get(a.size() - 2)), new Answers.TtlRule(range[0], range[1]));
  }

  private static long[] ttlRange(String s) {
    String[] p = s.split("-", -1);
    if (p.length == 1) {
      long v = uint32(p[0]);
      return v < 0 ? null : new long[] {v, v};
    }
    if (p.length != 2 || (p[0].isEmpty() && p[1].isEmpty())) {
      return null;
    }
    long min = p[0].isEmpty() ? 0 : uint32(p[0]);
    long max = p[1].isEmpty() ? 2147483647L : uint32(p[1]);
    return min < 0 || max < 0 || min > max ? null : new long[] {min, max};
  }

  private static long uint32(String s) {
    if (!s.matches("[0-9]{1,10}")) {
      return -1;
    }
    long v = Long.parseLong(s);
    return v > 0xFFFFFFFFL ? -1 : v;
  }

  /** {@code rcode [MATCH] NAME FROM TO}: RCODEs by number or name. */
  static Rules.Rule rcode(Directive d, boolean stop, List<String> a) throws ConfigException {
    if (a.size() < 3) {
      throw d.error("too few (" + a.size() + ") arguments for a rcode rule");
    }
    if (a.size() > 4) {
      throw d.error("too many (" + a.size() + ") arguments for a rcode rule");
    }
    int from = rcodeValue(d, "matching", a.get(a.size() - 2));
    int to = rcodeValue(d, "replacement", a.get(a.size() - 1));
    NameMatch.Kind k = a.size() == 3 ? NameMatch.Kind.EXACT : kind(d, "rcode", a.get(0));
    return new Rules.AnswerRule(stop, match(d, k, a.get(a.size() - 3)), new Answers.RcodeRule(from, to));
  }

  private static int rcodeValue(Directive d, String what, String s) throws ConfigException {
    int v = s.matches("[0-9]{1,2}") ? Integer.parseInt(s) : Rcode.value(s.toUpperCase(Locale.ROOT));
    if (v < 0 || v > 23) {
      throw d.error("invalid " + what + " RCODE '" + s + "' for a rcode rule");
    }
    if (v > 15) {
      throw d.error(what + " RCODE '" + s + "' is an extended RCODE (above 15), which nodecache does not rewrite");
    }
    return v;
  }

  /** {@code edns0 local ACTION CODE DATA}, {@code edns0 nsid ACTION}, {@code edns0 subnet ACTION V4BITS V6BITS}. */
  static Rules.Rule edns0(Directive d, boolean stop, List<String> a) throws ConfigException {
    if (a.size() < 2) {
      throw d.error("too few arguments for an EDNS0 rule");
    }
    Edns0Rule.Action action = switch (a.get(1).toLowerCase(Locale.ROOT)) {
      case "set" -> Edns0Rule.Action.SET;
      case "append" -> Edns0Rule.Action.APPEND;
      case "replace" -> Edns0Rule.Action.REPLACE;
      default -> throw d.error("invalid action '" + a.get(1) + "' (expected: set, append or replace)");
    };
    switch (a.get(0).toLowerCase(Locale.ROOT)) {
      case "local" -> {
        if (a.size() != 4) {
          throw d.error("EDNS0 local rules require exactly three args");
        }
        int code = (int) number(d, "option code", a.get(2), 0xFFFF);
        String data = a.get(3);
        if (data.startsWith("{") && data.endsWith("}")) {
          if (!Edns0Rule.VARIABLES.contains(data)) {
            throw d.error(data.contains("/")
                ? "metadata variable " + data + " needs the metadata plugin, which nodecache does not have"
                : "unsupported variable name " + data + " (expected one of: " + String.join(", ", Edns0Rule.VARIABLES) + ")");
          }
          return new Edns0Rule(stop, Edns0Rule.Kind.LOCAL, action, code, null, data, 0, 0);
        }
        byte[] bytes;
        try {
          bytes = data.startsWith("0x") ? HexFormat.of().parseHex(data.substring(2)) : data.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw d.error("'" + data + "' is not hex data");
        }
        return new Edns0Rule(stop, Edns0Rule.Kind.LOCAL, action, code, bytes, null, 0, 0);
      }
      case "nsid" -> {
        if (a.size() != 2) {
          throw d.error("EDNS0 NSID rules do not accept args");
        }
        return new Edns0Rule(stop, Edns0Rule.Kind.NSID, action, 0, null, null, 0, 0);
      }
      case "subnet" -> {
        if (a.size() != 4) {
          throw d.error("EDNS0 subnet rules require exactly three args");
        }
        int v4 = (int) number(d, "IPv4 bit mask length", a.get(2), 32);
        int v6 = (int) number(d, "IPv6 bit mask length", a.get(3), 128);
        return new Edns0Rule(stop, Edns0Rule.Kind.SUBNET, action, 0, null, null, v4, v6);
      }
      default -> throw d.error("invalid EDNS0 rule type '" + a.get(0) + "' (expected: local, nsid or subnet)");
    }
  }

  /** An unsigned number as Go's {@code ParseUint(s, 0, ...)} reads it: decimal, 0x hex, 0o or 0 octal, 0b binary. */
  static long number(Directive d, String what, String s, long max) throws ConfigException {
    String t = s.toLowerCase(Locale.ROOT).replace("_", "");
    int radix = 10;
    if (t.startsWith("0x")) {
      radix = 16;
      t = t.substring(2);
    } else if (t.startsWith("0b")) {
      radix = 2;
      t = t.substring(2);
    } else if (t.startsWith("0o")) {
      radix = 8;
      t = t.substring(2);
    } else if (t.length() > 1 && t.startsWith("0")) {
      radix = 8;
      t = t.substring(1);
    }
    long v;
    try {
      v = t.isEmpty() || t.startsWith("+") || t.startsWith("-") ? -1 : Long.parseLong(t, radix);
    } catch (NumberFormatException e) {
      v = -1;
    }
    if (v < 0 || v > max) {
      throw d.error("invalid " + what + " '" + s + "' (expected: 0.." + max + ")");
    }
    return v;
  }
}
