package io.nodecache.config;

import io.nodecache.config.CorefileLexer.Token;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Corefile as CoreDNS (its Caddyfile parser and {@code core/dnsserver}) does: server blocks
 * {@code KEY... { ... }} whose keys are zones with an optional {@code dns://} and {@code :PORT} (a CIDR
 * stands for its reverse zones), directives one a line with an optional nested block, {@code #}
 * comments, quoted tokens, {@code {$ENV}} placeholders, {@code import} of files, globs and snippets
 * ({@code (name) { ... }}) wherever a server block or a directive may start. Which directives exist is
 * checked later, by the server against its plugin registry. See {@code package-info} for the rules.
 */
public final class CorefileParser {

  private static final Pattern ENV = Pattern.compile("\\{\\$([A-Za-z_][A-Za-z0-9_]*)\\}|\\{%([A-Za-z_][A-Za-z0-9_]*)%\\}");

  private final String source;
  private final Path file;
  private final Map<String, String> env;
  private final int defaultPort;
  private List<Token> tokens;
  private int pos;
  private CorefileImports imports;

  /**
   * A parser for text that has no file on disk: relative imports are read from the working
   * directory, as CoreDNS does for a Corefile named without a directory.
   *
   * @param source the file name used in messages
   * @param env placeholder values for {@code {$NAME}}
   * @param defaultPort the port of keys that name none ({@code -dns.port})
   */
  public CorefileParser(String source, Map<String, String> env, int defaultPort) {
    this(source, null, env, defaultPort);
  }

  /**
   * @param file the Corefile on disk (or null): relative imports are read from its directory
   */
  public CorefileParser(String source, Path file, Map<String, String> env, int defaultPort) {
    this.source = source;
    this.file = file;
    this.env = env;
    this.defaultPort = defaultPort;
  }

  public Corefile parse(String text) throws ConfigException {
    imports = new CorefileImports(source, file, this::substituteEnv);
    tokens = new ArrayList<>(imports.main(CorefileLexer.tokens(source, substituteEnv(text))));
    pos = 0;
    List<ServerBlock> blocks = new ArrayList<>();
    while (pos < tokens.size()) {
      if (tokens.get(pos).is("import")) {
        pos = imports.expand(tokens, pos);
        continue;
      }
      ServerBlock b = serverBlock();
      if (b != null) {
        blocks.add(b);
      }
    }
    if (blocks.isEmpty()) {
      throw new ConfigException(new Location(source, 1), "no server blocks");
    }
    return new Corefile(source, blocks);
  }

  String substituteEnv(String text) {
    Matcher m = ENV.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(name, "")));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** True when token {@code i} starts a line (its file or line differs from the token before). */
  static boolean newline(List<Token> tokens, int i) {
    if (i == 0) {
      return true;
    }
    Token prev = tokens.get(i - 1);
    Token cur = tokens.get(i);
    return !prev.where().file().equals(cur.where().file()) || prev.endLine() < cur.where().line();
  }

  private boolean newline(int i) {
    return newline(tokens, i);
  }

  /** One server block, or null for a snippet definition (kept for {@code import}). */
  private ServerBlock serverBlock() throws ConfigException {
    Token first = tokens.get(pos);
    List<Token> keyTokens = new ArrayList<>();
    List<String> keyTexts = new ArrayList<>();
    boolean expecting = false;
    boolean glued = false;
    while (true) {
      Token t = tokens.get(pos);
      if (t.is("{")) {
        if (expecting) {
          throw error(t, "expected another zone after ',' but found '{'");
        }
        break;
      }
      if (t.is("}")) {
        throw error(t, "unexpected '}'");
      }
      String text = t.text();
      expecting = text.endsWith(",");
      if (expecting) {
        text = text.substring(0, text.length() - 1);
      }
      if (!text.isEmpty()) {
        keyTokens.add(t);
        keyTexts.add(text);
      }
      pos++;
      if (t.glued()) {
        glued = true;
        break;
      }
      if (pos >= tokens.size()) {
        if (expecting) {
          throw error(t, "expected another zone after ','");
        }
        break;
      }
      if (!expecting && newline(pos)) {
        break;
      }
    }
    boolean braced = !glued && pos < tokens.size() && tokens.get(pos).is("{");
    Token open = braced ? tokens.get(pos++) : null;
    if (keyTexts.size() == 1 && keyTexts.get(0).startsWith("(") && keyTexts.get(0).endsWith(")")) {
      String name = keyTexts.get(0).substring(1, keyTexts.get(0).length() - 1);
      if (!braced) {
        throw error(first, "snippet (" + name + ") has no opening '{'");
      }
      pos = imports.define(name, tokens, pos, first, open);
      return null;
    }
    List<ZoneKey> keys = new ArrayList<>();
    for (int i = 0; i < keyTexts.size(); i++) {
      keys.addAll(zoneKeys(keyTexts.get(i), keyTokens.get(i)));
    }
    if (keys.isEmpty()) {
      throw error(first, "server block without a zone");
    }
    List<Directive> body = directives(open);
    return new ServerBlock(keys, body, first.where());
  }

  /**
   * Directives until the '}' matching {@code open}; for a block without braces (CoreDNS accepts a
   * server block whose keys are followed by directives directly) until a '}' or the end.
   */
  private List<Directive> directives(Token open) throws ConfigException {
    List<Directive> out = new ArrayList<>();
    while (true) {
      if (pos >= tokens.size()) {
        if (open == null) {
          return out;
        }
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
      if (t.is("import")) {
        pos = imports.expand(tokens, pos);
        continue;
      }
      if (t.glued()) {
        throw glued(t);
      }
      pos++;
      List<String> args = new ArrayList<>();
      List<Directive> block = List.of();
      while (pos < tokens.size() && !newline(pos)) {
        Token a = tokens.get(pos);
        if (a.is("}")) {
          throw error(a, "unexpected '}' after '" + t.text() + "': a closing brace starts its own line, as CoreDNS reads it");
        }
        pos++;
        if (a.is("{")) {
          block = directives(a);
          if (pos < tokens.size() && !newline(pos)) {
            throw error(tokens.get(pos), "unexpected '" + tokens.get(pos).text() + "' after '}'");
          }
          break;
        }
        if (a.glued()) {
          throw glued(a);
        }
        args.add(a.text());
      }
      out.add(new Directive(t.text().toLowerCase(Locale.ROOT), args, block, t.where()));
    }
  }

  private ConfigException glued(Token t) {
    return error(t, "'{' glued to '" + t.text() + "': put a space before '{' (CoreDNS's parser drops a glued brace)");
  }

  /** A key's zones: {@code [dns://]ZONE[:PORT]}, a CIDR standing for its reverse zones. */
  private List<ZoneKey> zoneKeys(String raw, Token t) throws ConfigException {
    List<ZoneKey> out = new ArrayList<>();
    for (String part : raw.split(",")) {
      if (!part.isBlank()) {
        out.addAll(zoneKey(part.trim(), t));
      }
    }
    return out;
  }

  private List<ZoneKey> zoneKey(String raw, Token t) throws ConfigException {
    String s = raw;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      String sch = s.substring(0, scheme).toLowerCase(Locale.ROOT);
      if (!sch.equals("dns")) {
        String what =
            switch (sch) {
              case "tls", "https", "grpc", "quic", "https3" -> "'" + sch + "://' is DNS over " + sch.toUpperCase(Locale.ROOT)
                  + ", which nodecache does not serve (plain DNS only: dns:// or no scheme)";
              default -> "unsupported scheme '" + sch + "://' (expected: dns:// or none)";
            };
        throw error(t, "zone '" + raw + "': " + what);
      }
      s = s.substring(scheme + 3);
    }
    if (s.isEmpty()) {
      s = ".";
    } else if (s.matches(":\\d+")) {
      s = "." + s;
    }
    int colon = s.lastIndexOf(':');
    if (colon >= 0 && colon == s.indexOf(':') && !s.substring(colon + 1).matches("\\d*")) {
      throw error(t, "port '" + s.substring(colon + 1) + "' in '" + raw + "' is not a number");
    }
    Zones.HostPort hp;
    try {
      hp = Zones.split(s);
    } catch (IllegalArgumentException e) {
      throw error(t, e.getMessage());
    }
    int port = hp.port() < 0 ? defaultPort : hp.port();
    if (port > 65535) {
      throw error(t, "port " + port + " in '" + raw + "' (expected: 0..65535)");
    }
    List<ZoneKey> out = new ArrayList<>();
    for (String z : hp.zones()) {
      out.add(new ZoneKey(z, port));
    }
    return out;
  }

  private static ConfigException error(Token t, String reason) {
    return new ConfigException(t.where(), reason);
  }
}
