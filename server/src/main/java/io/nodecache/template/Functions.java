package io.nodecache.template;

import io.nodecache.template.Evaluator.ExecException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The template functions: Go's {@code index}, {@code len}, {@code print}, {@code printf}, {@code
 * println} and CoreDNS's {@code parseInt} ({@code strconv.ParseUint}). Go's other built-ins are
 * refused when the Corefile is read; an unknown name is refused as Go refuses it.
 */
final class Functions {

  private static final Set<String> SUPPORTED = Set.of("index", "len", "print", "printf", "println", "parseInt");
  private static final Set<String> GO_BUILTINS =
      Set.of("and", "call", "html", "js", "not", "or", "slice", "urlquery", "eq", "ne", "lt", "le", "gt", "ge");

  private Functions() {}

  static void check(String name) throws GoTemplate.ParseException {
    if (SUPPORTED.contains(name)) {
      return;
    }
    if (GO_BUILTINS.contains(name)) {
      throw new GoTemplate.ParseException("function \"" + name + "\" is not supported by nodecache");
    }
    throw new GoTemplate.ParseException("function \"" + name + "\" not defined");
  }

  static Object call(String name, List<Object> args) throws ExecException {
    return switch (name) {
      case "index" -> index(args);
      case "len" -> len(args);
      case "print" -> print(args, false);
      case "println" -> print(args, true) + "\n";
      case "printf" -> printf(args);
      default -> parseInt(args);
    };
  }

  private static void want(String name, List<Object> args, int n) throws ExecException {
    if (args.size() != n) {
      throw new ExecException("wrong number of args for " + name + ": want " + n + " got " + args.size());
    }
  }

  private static Object index(List<Object> args) throws ExecException {
    if (args.isEmpty()) {
      throw new ExecException("wrong number of args for index: want at least 1 got 0");
    }
    Object item = args.get(0);
    for (Object key : args.subList(1, args.size())) {
      if (item instanceof List<?> l) {
        if (!(key instanceof Number n)) {
          throw new ExecException("cannot index slice/array with type " + Evaluator.typeName(key));
        }
        long i = n.longValue();
        if (i < 0 || i >= l.size()) {
          throw new ExecException("error calling index: index out of range: " + i);
        }
        item = l.get((int) i);
      } else if (item instanceof Map<?, ?> m) {
        if (!(key instanceof String k)) {
          throw new ExecException("value has type " + Evaluator.typeName(key) + "; should be string");
        }
        Object v = m.get(k);
        item = v == null ? "" : v;
      } else {
        throw new ExecException("can't index item of type " + Evaluator.typeName(item));
      }
    }
    return item;
  }

  private static Object len(List<Object> args) throws ExecException {
    want("len", args, 1);
    Object x = args.get(0);
    if (x instanceof List<?> l) {
      return (long) l.size();
    }
    if (x instanceof Map<?, ?> m) {
      return (long) m.size();
    }
    if (x instanceof String s) {
      return (long) s.getBytes(StandardCharsets.UTF_8).length;
    }
    throw new ExecException("error calling len: len of type " + Evaluator.typeName(x));
  }

  /** Go's {@code fmt.Sprint} (spaces between operands when neither is a string) or {@code Sprintln}. */
  private static String print(List<Object> args, boolean spaces) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      boolean str = args.get(i) instanceof String;
      if (i > 0 && (spaces || (!str && !(args.get(i - 1) instanceof String)))) {
        sb.append(' ');
      }
      sb.append(Evaluator.text(args.get(i)));
    }
    return sb.toString();
  }

  private static String printf(List<Object> args) throws ExecException {
    if (args.isEmpty() || !(args.get(0) instanceof String format)) {
      throw new ExecException("printf: the format must be a string");
    }
    Object[] rest = args.subList(1, args.size()).stream().map(a -> a instanceof String || a instanceof Number ? a : Evaluator.text(a)).toArray();
    try {
      return String.format(format.replace("%v", "%s"), rest);
    } catch (IllegalFormatException e) {
      throw new ExecException("printf: " + e.getMessage());
    }
  }

  /** {@code strconv.ParseUint(s, base, bitSize)}: base 0 reads a 0x, 0o, 0b or 0 prefix. */
  private static Object parseInt(List<Object> args) throws ExecException {
    want("parseInt", args, 3);
    if (!(args.get(1) instanceof Number b) || !(args.get(2) instanceof Number bits)) {
      throw new ExecException("parseInt: base and bit size must be numbers");
    }
    String s = args.get(0) instanceof String str ? str : "";
    int base = b.intValue();
    String digits = s.replace("_", base == 0 ? "" : "_");
    if (base == 0) {
      base = 10;
      String lower = digits.toLowerCase();
      if (lower.startsWith("0x")) {
        base = 16;
        digits = digits.substring(2);
      } else if (lower.startsWith("0o")) {
        base = 8;
        digits = digits.substring(2);
      } else if (lower.startsWith("0b")) {
        base = 2;
        digits = digits.substring(2);
      } else if (digits.length() > 1 && digits.startsWith("0")) {
        base = 8;
        digits = digits.substring(1);
      }
    }
    int size = bits.intValue() == 0 ? 64 : bits.intValue();
    if (base < 2 || base > 36 || size < 0 || size > 64) {
      throw new ExecException("error calling parseInt: strconv.ParseUint: parsing \"" + s + "\": invalid base or bit size");
    }
    BigInteger v;
    try {
      if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
        throw new NumberFormatException();
      }
      v = new BigInteger(digits, base);
    } catch (NumberFormatException e) {
      throw new ExecException("error calling parseInt: strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
    }
    if (v.bitLength() > size) {
      throw new ExecException("error calling parseInt: strconv.ParseUint: parsing \"" + s + "\": value out of range");
    }
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }
}
