package io.nodecache.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CoreDNS Corefile syntax: server blocks {@code ZONE[:PORT] [ZONE...] { ... }}, directives one per
 * line with an optional nested block, {@code #} comments, quoted tokens and {@code {$ENV}} placeholders.
 * Which directives exist is checked later, by the server against its plugin registry.
 */
public final class CorefileParser {

  private static final Pattern ENV = Pattern.compile("\\{\\$([A-Za-z_][A-Za-z0-9_]*)\\}|\\{%([A-Za-z_][A-Za-z0-9_]*)%\\}");

  private final String source;
  private final Map<String, String> env;
  private final int defaultPort;
  private List<Token> tokens;
  private int pos;

  private record Token(String text, int line, boolean quoted, boolean newlineBefore) {
    boolean is(String s) {
      return !quoted && text.equals(s);
    }
  }

  /**
   * @param source the file name used in messages
   * @param env placeholder values for {@code {$NAME}}
   * @param defaultPort the port of keys that name none ({@code -dns.port})
   */
  public CorefileParser(String source, Map<String, String> env, int defaultPort) {
    this.source = source;
    this.env = env;
    this.defaultPort = defaultPort;
  }

  public Corefile parse(String text) throws ConfigException {
    tokens = tokenize(substituteEnv(text));
    pos = 0;
    List<ServerBlock> blocks = new ArrayList<>();
    while (pos < tokens.size()) {
      blocks.add(serverBlock());
    }
    if (blocks.isEmpty()) {
      throw new ConfigException(new Location(source, 1), "no server blocks");
    }
    return new Corefile(source, blocks);
  }

  private String substituteEnv(String text) {
    Matcher m = ENV.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(name, "")));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private ServerBlock serverBlock() throws ConfigException {
    Token first = tokens.get(pos);
    List<ZoneKey> keys = new ArrayList<>();
    while (pos < tokens.size() && !tokens.get(pos).is("{")) {
      Token t = tokens.get(pos++);
      if (t.is("}")) {
        throw error(t, "unexpected '}'");
      }
      for (String part : t.text().split(",")) {
        if (!part.isBlank()) {
          keys.add(zoneKey(part.trim(), t));
        }
      }
    }
    if (pos >= tokens.size()) {
      throw error(first, "server block '" + first.text() + "' has no opening '{'");
    }
    Token open = tokens.get(pos++);
    if (keys.isEmpty()) {
      throw error(open, "server block without a zone");
    }
    List<Directive> body = directives(open);
    return new ServerBlock(keys, body, new Location(source, first.line()));
  }

  /** Directives until the '}' matching {@code open}. */
  private List<Directive> directives(Token open) throws ConfigException {
    List<Directive> out = new ArrayList<>();
    while (true) {
      if (pos >= tokens.size()) {
        throw error(open, "'{' is never closed");
      }
      Token t = tokens.get(pos);
      if (t.is("}")) {
        pos++;
        return out;
      }
      if (t.is("{")) {
        throw error(t, "unexpected '{'");
      }
      pos++;
      List<String> args = new ArrayList<>();
      List<Directive> block = List.of();
      while (pos < tokens.size() && !tokens.get(pos).newlineBefore()) {
        Token a = tokens.get(pos);
        if (a.is("}")) {
          break;
        }
        pos++;
        if (a.is("{")) {
          block = directives(a);
          break;
        }
        args.add(a.text());
      }
      out.add(new Directive(t.text().toLowerCase(Locale.ROOT), args, block, new Location(source, t.line())));
    }
  }

  private ZoneKey zoneKey(String raw, Token t) throws ConfigException {
    String s = raw;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      String sch = s.substring(0, scheme).toLowerCase(Locale.ROOT);
      if (!sch.equals("dns")) {
        throw error(t, "unsupported scheme '" + sch + "://' (expected: dns://)");
      }
      s = s.substring(scheme + 3);
    }
    int port = defaultPort;
    int colon = s.lastIndexOf(':');
    if (colon >= 0) {
      String p = s.substring(colon + 1);
      s = s.substring(0, colon);
      try {
        port = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw error(t, "port '" + p + "' in '" + raw + "' is not a number");
      }
      if (port < 0 || port > 65535) {
        throw error(t, "port " + port + " in '" + raw + "' (expected: 0..65535)");
      }
    }
    if (s.isEmpty()) {
      s = ".";
    }
    if (s.contains("/")) {
      throw error(t, "zone '" + raw + "': CIDR zones are not supported, name the in-addr.arpa zone");
    }
    return new ZoneKey(Names.canonical(s), port);
  }

  private ConfigException error(Token t, String reason) {
    return new ConfigException(new Location(source, t.line()), reason);
  }

  private List<Token> tokenize(String text) throws ConfigException {
    List<Token> out = new ArrayList<>();
    int line = 1;
    boolean newline = true;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        newline = true;
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
            throw new ConfigException(new Location(source, start), "unterminated quoted string");
          }
          char d = text.charAt(i++);
          if (d == c) {
            break;
          }
          if (d == '\\' && c == '"' && i < n && (text.charAt(i) == '"' || text.charAt(i) == '\\')) {
            d = text.charAt(i++);
          }
          if (d == '\n') {
            line++;
          }
          sb.append(d);
        }
        out.add(new Token(sb.toString(), start, true, newline));
        newline = false;
      } else {
        int start = i;
        while (i < n && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '"') {
          i++;
        }
        out.add(new Token(text.substring(start, i), line, false, newline));
        newline = false;
      }
    }
    return out;
  }
}
