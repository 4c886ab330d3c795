package io.nodecache.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The part of Go's {@code text/template} that CoreDNS's template examples use: text with {@code {{
 * ... }}} actions holding pipelines of commands: field chains ({@code .Name}, {@code .Group.a}), the
 * method {@code .Meta "name"}, string and number literals, parenthesised pipelines, {@code |}, the
 * functions of {@link Functions}, comments and the {@code {{-}} / {@code -}}} trim markers. Control
 * structures ({@code if}, {@code range}, {@code with}, {@code define}, {@code template}, {@code
 * block}) and variables ({@code $x}) are refused when the Corefile is read. Evaluation: {@link
 * Evaluator}.
 */
final class GoTemplate {

  /** Why a template text does not parse (or uses what we do not implement). */
  static final class ParseException extends Exception {
    ParseException(String message) {
      super(message);
    }
  }

  /** An argument or command of an action. */
  sealed interface Node permits Text, Field, Str, Num, Func, Pipe {}

  record Text(String text) implements Node {}

  /** {@code .A.B}: an empty path is the dot itself. */
  record Field(List<String> path) implements Node {}

  record Str(String value, String source) implements Node {}

  record Num(long value, String source) implements Node {}

  record Func(String name) implements Node {}

  /** Commands separated by {@code |}, each a list of words; also a parenthesised argument. */
  record Pipe(List<List<Node>> commands) implements Node {}

  private static final Set<String> KEYWORDS =
      Set.of("if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true", "false");

  private final List<Node> nodes;

  private GoTemplate(List<Node> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  List<Node> nodes() {
    return nodes;
  }

  /** True when the template is plain text: every query gets the same output. */
  boolean constant() {
    return nodes.stream().allMatch(n -> n instanceof Text);
  }

  /** The template as Go prints its parse tree ({@code Tree.Root.String()}): the metric label. */
  String tree() {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      if (n instanceof Text t) {
        sb.append(t.text());
      } else {
        sb.append("{{").append(print(n)).append("}}");
      }
    }
    return sb.toString();
  }

  private static String print(Node n) {
    if (n instanceof Text t) {
      return t.text();
    }
    if (n instanceof Field f) {
      return f.path().isEmpty() ? "." : "." + String.join(".", f.path());
    }
    if (n instanceof Str s) {
      return s.source();
    }
    if (n instanceof Num x) {
      return x.source();
    }
    if (n instanceof Func f) {
      return f.name();
    }
    List<String> cmds = new ArrayList<>();
    for (List<Node> c : ((Pipe) n).commands()) {
      cmds.add(String.join(" ", c.stream().map(GoTemplate::printArg).toList()));
    }
    return String.join(" | ", cmds);
  }

  private static String printArg(Node n) {
    return n instanceof Pipe ? "(" + print(n) + ")" : print(n);
  }

  static GoTemplate parse(String text) throws ParseException {
    List<Node> out = new ArrayList<>();
    int i = 0;
    boolean trimNext = false;
    while (i < text.length()) {
      int open = text.indexOf("{{", i);
      String literal = open < 0 ? text.substring(i) : text.substring(i, open);
      if (trimNext) {
        literal = literal.stripLeading();
      }
      if (open < 0) {
        addText(out, literal);
        break;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new ParseException("unclosed action");
      }
      String inner = text.substring(open + 2, close);
      if (inner.startsWith("- ") || inner.startsWith("-\t") || inner.equals("-")) {
        literal = literal.stripTrailing();
        inner = inner.substring(1);
      }
      trimNext = inner.endsWith(" -") || inner.endsWith("\t-");
      if (trimNext) {
        inner = inner.substring(0, inner.length() - 1);
      }
      addText(out, literal);
      String body = inner.strip();
      if (body.startsWith("/*")) {
        if (!body.endsWith("*/")) {
          throw new ParseException("unclosed comment");
        }
      } else if (body.isEmpty()) {
        throw new ParseException("missing value for command");
      } else {
        Lexer lx = new Lexer(body);
        Pipe p = lx.pipe();
        if (!lx.atEnd()) {
          throw new ParseException("unexpected '" + body.substring(lx.pos) + "' in command");
        }
        out.add(p);
      }
      i = close + 2;
    }
    return new GoTemplate(out);
  }

  private static void addText(List<Node> out, String s) {
    if (!s.isEmpty()) {
      out.add(new Text(s));
    }
  }

  /** Reads the words of one action. */
  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s) {
      this.s = s;
    }

    boolean atEnd() {
      skipSpace();
      return pos >= s.length();
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    Pipe pipe() throws ParseException {
      List<List<Node>> commands = new ArrayList<>();
      while (true) {
        List<Node> words = new ArrayList<>();
        while (true) {
          skipSpace();
          if (pos >= s.length() || s.charAt(pos) == '|' || s.charAt(pos) == ')') {
            break;
          }
          words.add(word());
        }
        if (words.isEmpty()) {
          throw new ParseException("missing value for command");
        }
        commands.add(words);
        if (pos < s.length() && s.charAt(pos) == '|') {
          pos++;
          continue;
        }
        return new Pipe(commands);
      }
    }

    private Node word() throws ParseException {
      char c = s.charAt(pos);
      if (c == '(') {
        pos++;
        Pipe p = pipe();
        if (pos >= s.length() || s.charAt(pos) != ')') {
          throw new ParseException("unclosed left paren");
        }
        pos++;
        return p;
      }
      if (c == '"' || c == '`') {
        return string(c);
      }
      if (c == '$') {
        throw new ParseException("template variables ($...) are not supported by nodecache");
      }
      int start = pos;
      while (pos < s.length() && !Character.isWhitespace(s.charAt(pos)) && "()|\"`".indexOf(s.charAt(pos)) < 0) {
        pos++;
      }
      String w = s.substring(start, pos);
      if (w.startsWith(".")) {
        if (w.equals(".")) {
          return new Field(List.of());
        }
        List<String> path = List.of(w.substring(1).split("\\.", -1));
        for (String p : path) {
          if (!p.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ParseException("bad field '" + w + "'");
          }
        }
        return new Field(path);
      }
      if (w.matches("[-+]?[0-9].*")) {
        try {
          return new Num(Long.decode(w.replace("_", "")), w);
        } catch (NumberFormatException e) {
          throw new ParseException("number '" + w + "' is not supported (expected: an integer)");
        }
      }
      if (KEYWORDS.contains(w)) {
        throw new ParseException("'" + w + "' is not supported by nodecache (no control structures)");
      }
      if (!w.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new ParseException("unexpected '" + w + "' in command");
      }
      Functions.check(w);
      return new Func(w);
    }

    private Node string(char quote) throws ParseException {
      int start = pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw new ParseException("unterminated quoted string");
        }
        char c = s.charAt(pos++);
        if (c == quote) {
          break;
        }
        if (c == '\\' && quote == '"') {
          if (pos >= s.length()) {
            throw new ParseException("unterminated quoted string");
          }
          char e = s.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case '\\', '"', '\'' -> sb.append(e);
            default -> throw new ParseException("unsupported escape \\" + e + " in string");
          }
        } else {
          sb.append(c);
        }
      }
      return new Str(sb.toString(), s.substring(start, pos));
    }
  }
}
