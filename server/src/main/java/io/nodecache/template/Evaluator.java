package io.nodecache.template;

import io.nodecache.template.GoTemplate.Field;
import io.nodecache.template.GoTemplate.Func;
import io.nodecache.template.GoTemplate.Node;
import io.nodecache.template.GoTemplate.Num;
import io.nodecache.template.GoTemplate.Pipe;
import io.nodecache.template.GoTemplate.Str;
import io.nodecache.template.GoTemplate.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a {@link GoTemplate} against the data of one query, with Go's printing rules: a missing
 * {@code .Group} key prints {@code <no value>}, a list prints {@code [a b]}, a map {@code map[k:v]}.
 * An unknown field fails at execution, as in Go (CoreDNS answers SERVFAIL and counts a template
 * failure).
 */
final class Evaluator {

  /** Why a template could not be executed for a query. */
  static final class ExecException extends Exception {
    ExecException(String message) {
      super(message);
    }
  }

  /** A struct value: named fields and what {@code fmt.Print} shows for it. */
  record Struct(String type, String printed, Map<String, Object> fields) {}

  /** Go's value of a missing map key reached through a field chain. */
  static final Object NO_VALUE = new Object();

  /** Fields of miekg/dns's Msg that exist in Go but that nodecache does not offer. */
  private static final Set<String> UNOFFERED_MESSAGE_FIELDS = Set.of("MsgHdr", "Compress", "Question", "Answer", "Ns", "Extra");

  private Evaluator() {}

  /** Refuses at start what Go would evaluate but we do not: {@code .Message.Answer} and the like. */
  static void check(GoTemplate t) throws GoTemplate.ParseException {
    for (Node n : t.nodes()) {
      check(n);
    }
  }

  private static void check(Node n) throws GoTemplate.ParseException {
    if (n instanceof Field f && f.path().size() > 1 && f.path().get(0).equals("Message")
        && UNOFFERED_MESSAGE_FIELDS.contains(f.path().get(1))) {
      throw new GoTemplate.ParseException(".Message." + f.path().get(1) + " is not supported by nodecache");
    }
    if (n instanceof Pipe p) {
      for (List<Node> c : p.commands()) {
        for (Node w : c) {
          check(w);
        }
      }
    }
  }

  static String execute(GoTemplate t, Struct data) throws ExecException {
    StringBuilder sb = new StringBuilder();
    for (Node n : t.nodes()) {
      if (n instanceof Text x) {
        sb.append(x.text());
      } else {
        sb.append(text(pipe((Pipe) n, data)));
      }
    }
    return sb.toString();
  }

  private static Object pipe(Pipe p, Struct data) throws ExecException {
    Object last = null;
    boolean piped = false;
    for (List<Node> cmd : p.commands()) {
      last = command(cmd, data, piped ? last : null, piped);
      piped = true;
    }
    return last;
  }

  private static Object command(List<Node> words, Struct data, Object piped, boolean hasPiped)
      throws ExecException {
    Node first = words.get(0);
    List<Object> args = new ArrayList<>();
    for (Node w : words.subList(1, words.size())) {
      args.add(arg(w, data));
    }
    if (hasPiped) {
      args.add(piped);
    }
    if (first instanceof Func f) {
      return Functions.call(f.name(), args);
    }
    if (first instanceof Field f && f.path().equals(List.of("Meta"))) {
      if (args.size() != 1) {
        throw new ExecException("wrong number of args for Meta: want 1 got " + args.size());
      }
      return ""; // no metadata plugin: CoreDNS prints the empty string for an unknown name
    }
    if (!args.isEmpty()) {
      throw new ExecException("can't give argument to non-function " + first);
    }
    return arg(first, data);
  }

  private static Object arg(Node n, Struct data) throws ExecException {
    if (n instanceof Str s) {
      return s.value();
    }
    if (n instanceof Num x) {
      return x.value();
    }
    if (n instanceof Pipe p) {
      return pipe(p, data);
    }
    if (n instanceof Field f) {
      return field(f.path(), data);
    }
    if (n instanceof Func f) {
      return command(List.of(f), data, null, false);
    }
    return ((Text) n).text();
  }

  private static Object field(List<String> path, Struct data) throws ExecException {
    Object v = data;
    for (String name : path) {
      if (v instanceof Struct s) {
        if (name.equals("Meta") && s == data) {
          throw new ExecException("wrong number of args for Meta: want 1 got 0");
        }
        if (!s.fields().containsKey(name)) {
          throw new ExecException("can't evaluate field " + name + " in type " + s.type());
        }
        v = s.fields().get(name);
      } else if (v instanceof Map<?, ?> m) {
        Object x = m.get(name);
        v = x == null ? NO_VALUE : x;
      } else {
        throw new ExecException("can't evaluate field " + name + " in type " + typeName(v));
      }
    }
    return v;
  }

  /** What Go's {@code fmt.Print} writes for a value. */
  static String text(Object v) {
    if (v == null || v == NO_VALUE) {
      return "<no value>";
    }
    if (v instanceof Struct s) {
      return s.printed();
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(text(o));
      }
      return "[" + String.join(" ", parts) + "]";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      new TreeMap<>(m).forEach((k, x) -> parts.add(k + ":" + text(x)));
      return "map[" + String.join(" ", parts) + "]";
    }
    return v.toString();
  }

  static String typeName(Object v) {
    if (v == null) {
      return "nil";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Number) {
      return "int";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof List<?>) {
      return "[]string";
    }
    if (v instanceof Map<?, ?>) {
      return "map[string]string";
    }
    return v instanceof Struct s ? s.type() : "interface {}";
  }
}
