package io.nodecache.view;

import io.nodecache.chain.DnsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled {@code expr} of the view plugin: the subset of the expr language (github.com/expr-lang/expr)
 * that CoreDNS's view documents, parsed and type-checked at start, evaluated per query. Literals
 * (integers, {@code 'single'} or {@code "double"} quoted strings, {@code true}, {@code false}, arrays
 * {@code [a, b]}), the view functions ({@link Functions}), parentheses, and the operators {@code ||
 * or}, {@code && and}, {@code == != < > <= >=}, {@code in}, {@code not in}, {@code matches}, {@code
 * contains}, {@code startsWith}, {@code endsWith}, {@code + - * %} and {@code ! not}, with expr's
 * precedence. Anything else is refused with the reason.
 */
final class Expr {

  enum Kind { BOOL, INT, STRING, ARRAY }

  /** A node of the tree: its static type and its value for one request. */
  interface Node {
    Kind type();

    Object eval(DnsRequest r);
  }

  /** Thrown by a function that cannot give a value (incidr on a bad address): the expression is false. */
  static final class EvalError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EvalError(String why) {
      super(why, null, false, false);
    }
  }

  private final String text;
  private final List<String> tokens = new ArrayList<>();
  private int at;

  private Expr(String text) {
    this.text = text;
  }

  /** Parses and type-checks {@code text}; the message of a failure says why. */
  static Node compile(String text) {
    Expr p = new Expr(text);
    p.lex();
    if (p.tokens.isEmpty()) {
      throw new IllegalArgumentException("empty expression");
    }
    Node n = p.or();
    if (p.at < p.tokens.size()) {
      throw new IllegalArgumentException("unexpected '" + p.tokens.get(p.at) + "'");
    }
    return n;
  }

  /** True when {@code n} gives boolean true for {@code r}; any other value or an error is false (CoreDNS). */
  static boolean test(Node n, DnsRequest r) {
    try {
      return Boolean.TRUE.equals(n.eval(r));
    } catch (EvalError e) {
      return false;
    }
  }

  // ---- lexer ----

  private void lex() {
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder sb = new StringBuilder("\"");
        int j = i + 1;
        while (j < n && text.charAt(j) != c) {
          char d = text.charAt(j);
          if (d == '\\' && j + 1 < n) {
            char e = text.charAt(++j);
            sb.append(switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> e;
            });
          } else {
            sb.append(d);
          }
          j++;
        }
        if (j >= n) {
          throw new IllegalArgumentException("string " + text.substring(i) + " is not closed");
        }
        tokens.add(sb.toString());
        i = j + 1;
      } else if (Character.isLetterOrDigit(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
          j++;
        }
        tokens.add(text.substring(i, j));
        i = j;
      } else {
        String two = i + 1 < n ? text.substring(i, i + 2) : "";
        if (List.of("==", "!=", "<=", ">=", "&&", "||").contains(two)) {
          tokens.add(two);
          i += 2;
        } else if ("()[],<>!+-*%".indexOf(c) >= 0) {
          tokens.add(String.valueOf(c));
          i++;
        } else {
          throw new IllegalArgumentException("unexpected character '" + c + "' (not supported by nodecache's view)");
        }
      }
    }
  }

  private String peek() {
    return at < tokens.size() ? tokens.get(at) : "";
  }

  private boolean eat(String t) {
    if (peek().equals(t)) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(String t) {
    if (!eat(t)) {
      throw new IllegalArgumentException("expected '" + t + "'" + (peek().isEmpty() ? " at the end" : ", found '" + peek() + "'"));
    }
  }

  // ---- parser: expr's precedence, lowest first ----

  private Node or() {
    Node l = and();
    while (eat("||") || eat("or")) {
      l = Ops.logic(l, and(), true);
    }
    return l;
  }

  private Node and() {
    Node l = comparison();
    while (eat("&&") || eat("and")) {
      l = Ops.logic(l, comparison(), false);
    }
    return l;
  }

  private Node comparison() {
    Node l = additive();
    while (true) {
      String op = peek();
      if (op.equals("not") && at + 1 < tokens.size() && tokens.get(at + 1).equals("in")) {
        at += 2;
        l = Ops.not(Ops.in(l, additive()));
      } else if (List.of("==", "!=", "<", ">", "<=", ">=").contains(op)) {
        at++;
        l = Ops.compare(op, l, additive());
      } else if (op.equals("in")) {
        at++;
        l = Ops.in(l, additive());
      } else if (op.equals("matches")) {
        at++;
        l = matches(l, additive());
      } else if (List.of("contains", "startsWith", "endsWith").contains(op)) {
        at++;
        l = Ops.strings(op, l, additive());
      } else {
        return l;
      }
    }
  }

  private static Node matches(Node l, Node r) {
    if (!(r instanceof Ops.Literal lit) || r.type() != Kind.STRING) {
      throw new IllegalArgumentException("'matches' needs a quoted regular expression on its right");
    }
    Ops.want(l, Kind.STRING, "matches");
    Pattern p;
    try {
      p = Pattern.compile((String) lit.value());
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bad regular expression: " + e.getDescription());
    }
    return new Ops.Bool(q -> p.matcher((String) l.eval(q)).find());
  }

  private Node additive() {
    Node l = multiplicative();
    while (true) {
      if (eat("+")) {
        l = Ops.arith("+", l, multiplicative());
      } else if (eat("-")) {
        l = Ops.arith("-", l, multiplicative());
      } else {
        return l;
      }
    }
  }

  private Node multiplicative() {
    Node l = unary();
    while (true) {
      if (eat("*")) {
        l = Ops.arith("*", l, unary());
      } else if (eat("%")) {
        l = Ops.arith("%", l, unary());
      } else {
        return l;
      }
    }
  }

  private Node unary() {
    if (eat("!") || eat("not")) {
      return Ops.not(unary());
    }
    if (eat("-")) {
      return Ops.arith("-", new Ops.Literal(Kind.INT, 0L), unary());
    }
    return primary();
  }

  private Node primary() {
    String t = peek();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("the expression ends too early");
    }
    at++;
    if (t.equals("(")) {
      Node n = or();
      expect(")");
      return n;
    }
    if (t.equals("[")) {
      List<Node> items = new ArrayList<>();
      if (!eat("]")) {
        do {
          items.add(or());
        } while (eat(","));
        expect("]");
      }
      return Ops.array(items);
    }
    if (t.startsWith("\"")) {
      return new Ops.Literal(Kind.STRING, t.substring(1));
    }
    if (t.equals("true") || t.equals("false")) {
      return new Ops.Literal(Kind.BOOL, Boolean.valueOf(t));
    }
    if (Character.isDigit(t.charAt(0))) {
      try {
        return new Ops.Literal(Kind.INT, Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + t + "' is not an integer");
      }
    }
    if (Character.isLetter(t.charAt(0)) || t.charAt(0) == '_') {
      if (!eat("(")) {
        throw new IllegalArgumentException("unknown name '" + t + "' (the view's values are functions: " + t + "())");
      }
      List<Node> args = new ArrayList<>();
      if (!eat(")")) {
        do {
          args.add(or());
        } while (eat(","));
        expect(")");
      }
      return Functions.call(t, args);
    }
    throw new IllegalArgumentException("unexpected '" + t + "'");
  }
}
