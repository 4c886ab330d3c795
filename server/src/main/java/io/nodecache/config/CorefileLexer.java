package io.nodecache.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Corefile text into tokens the way CoreDNS's Caddyfile lexer does: tokens are separated by
 * white space; a {@code "} opens a quoted token only where a token starts, and inside it only
 * {@code \"} is an escape (any other backslash stays); an unquoted {@code #} starts a comment that runs
 * to the end of the line, even in the middle of a token; a <code>&#123;</code> glued to the end of a token is
 * split off and marked, so the parser can treat it as CoreDNS does. Backquotes also quote (our
 * addition, kept from before).
 */
final class CorefileLexer {

  /**
   * One token: its text, where it starts, the line it ends on (a quoted token may span lines), and
   * the chain of imports it came through (empty for the Corefile itself).
   */
  record Token(String text, Location where, int endLine, boolean quoted, boolean glued, List<String> via) {
    boolean is(String s) {
      return !quoted && text.equals(s);
    }

    Token via(List<String> chain) {
      return new Token(text, where, endLine, quoted, glued, chain);
    }
  }

  private CorefileLexer() {}

  static List<Token> tokens(String file, String text) throws ConfigException {
    List<Token> out = new ArrayList<>();
    int line = 1;
    int i = 0;
    int n = text.length();
    if (n > 0 && text.charAt(0) == '\uFEFF') {
      i++;
    }
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '`') {
        int start = line;
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new ConfigException(new Location(file, start), "unterminated quoted string");
          }
          char d = text.charAt(i++);
          if (d == c) {
            break;
          }
          if (d == '\\' && c == '"' && i < n && text.charAt(i) == '"') {
            d = text.charAt(i++);
          }
          if (d == '\n') {
            line++;
          }
          sb.append(d);
        }
        out.add(new Token(sb.toString(), new Location(file, start), line, true, false, List.of()));
      } else {
        StringBuilder sb = new StringBuilder();
        boolean comment = false;
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
          char d = text.charAt(i++);
          comment |= d == '#';
          if (!comment) {
            sb.append(d);
          }
        }
        String t = sb.toString();
        boolean glued = t.length() > 1 && t.endsWith("{") && i < n;
        if (glued) {
          t = t.substring(0, t.length() - 1);
        }
        out.add(new Token(t, new Location(file, line), line, false, glued, List.of()));
        if (comment) {
          while (i < n && text.charAt(i) != '\n') {
            i++;
          }
        }
      }
    }
    return out;
  }
}
