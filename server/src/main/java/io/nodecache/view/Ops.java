package io.nodecache.view;

import io.nodecache.chain.DnsRequest;
import io.nodecache.view.Expr.EvalError;
import io.nodecache.view.Expr.Node;
import io.nodecache.view.Expr.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/** The operators of {@link Expr}, each checking its operand types when built. */
final class Ops {

  private Ops() {}

  /** A constant. */
  record Literal(Kind type, Object value) implements Node {
    @Override
    public Object eval(DnsRequest r) {
      return value;
    }
  }

  /** A boolean computed from the request. */
  record Bool(Predicate<DnsRequest> test) implements Node {
    @Override
    public Kind type() {
      return Kind.BOOL;
    }

    @Override
    public Object eval(DnsRequest r) {
      return test.test(r);
    }
  }

  /** A value of a fixed type computed from the request. */
  record Value(Kind type, Function<DnsRequest, Object> f) implements Node {
    @Override
    public Object eval(DnsRequest r) {
      return f.apply(r);
    }
  }

  static void want(Node n, Kind t, String op) {
    if (n.type() != t) {
      throw new IllegalArgumentException("'" + op + "' needs " + name(t) + ", got " + name(n.type()));
    }
  }

  static String name(Kind t) {
    return switch (t) {
      case BOOL -> "a bool";
      case INT -> "an int";
      case STRING -> "a string";
      case ARRAY -> "an array";
    };
  }

  static Node logic(Node l, Node r, boolean or) {
    String op = or ? "||" : "&&";
    want(l, Kind.BOOL, op);
    want(r, Kind.BOOL, op);
    return or
        ? new Bool(q -> (Boolean) l.eval(q) || (Boolean) r.eval(q))
        : new Bool(q -> (Boolean) l.eval(q) && (Boolean) r.eval(q));
  }

  static Node not(Node n) {
    want(n, Kind.BOOL, "!");
    return new Bool(q -> !(Boolean) n.eval(q));
  }

  static Node compare(String op, Node l, Node r) {
    if (l.type() != r.type()) {
      throw new IllegalArgumentException("invalid operation: " + op + " (mismatched types: " + name(l.type()) + " and " + name(r.type()) + ")");
    }
    if (op.equals("==")) {
      return new Bool(q -> Objects.equals(l.eval(q), r.eval(q)));
    }
    if (op.equals("!=")) {
      return new Bool(q -> !Objects.equals(l.eval(q), r.eval(q)));
    }
    if (l.type() != Kind.INT && l.type() != Kind.STRING) {
      throw new IllegalArgumentException("'" + op + "' compares ints or strings, got " + name(l.type()));
    }
    return new Bool(
        q -> {
          int c = l.type() == Kind.INT
              ? Long.compare((Long) l.eval(q), (Long) r.eval(q))
              : ((String) l.eval(q)).compareTo((String) r.eval(q));
          return switch (op) {
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
          };
        });
  }

  static Node in(Node l, Node r) {
    want(r, Kind.ARRAY, "in");
    return new Bool(q -> ((List<?>) r.eval(q)).contains(l.eval(q)));
  }

  static Node strings(String op, Node l, Node r) {
    want(l, Kind.STRING, op);
    want(r, Kind.STRING, op);
    return switch (op) {
      case "contains" -> new Bool(q -> ((String) l.eval(q)).contains((String) r.eval(q)));
      case "startsWith" -> new Bool(q -> ((String) l.eval(q)).startsWith((String) r.eval(q)));
      default -> new Bool(q -> ((String) l.eval(q)).endsWith((String) r.eval(q)));
    };
  }

  static Node arith(String op, Node l, Node r) {
    if (op.equals("+") && l.type() == Kind.STRING && r.type() == Kind.STRING) {
      return new Value(Kind.STRING, q -> (String) l.eval(q) + r.eval(q));
    }
    want(l, Kind.INT, op);
    want(r, Kind.INT, op);
    return new Value(
        Kind.INT,
        q -> {
          long a = (Long) l.eval(q);
          long b = (Long) r.eval(q);
          return switch (op) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            default -> {
              if (b == 0) {
                throw new EvalError("integer divide by zero");
              }
              yield a % b;
            }
          };
        });
  }

  static Node array(List<Node> items) {
    List<Node> copy = List.copyOf(items);
    return new Value(
        Kind.ARRAY,
        q -> {
          List<Object> out = new ArrayList<>(copy.size());
          for (Node n : copy) {
            out.add(n.eval(q));
          }
          return out;
        });
  }
}
