package io.nodecache.config;

import io.nodecache.config.CorefileLexer.Token;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The {@code import} directive and snippets, as CoreDNS's Caddyfile parser has them: {@code import
 * PATTERN} is replaced, where it stands, by the tokens of the snippet of that name or of the files the
 * pattern names (relative to the directory of the file holding the {@code import}); a pattern with a
 * wildcard may match nothing, a plain file must exist. A pattern holds one {@code *} and one {@code ?}
 * at most and no {@code [...]}. Unlike CoreDNS, which stops after 1000 expansions, an import that
 * comes back to a file or snippet it came from is refused as a cycle.
 */
final class CorefileImports {

  private static final int MAX_EXPANSIONS = 1000;

  private final Map<String, Path> dirs = new HashMap<>();
  private final Map<String, List<Token>> snippets = new HashMap<>();
  private final UnaryOperator<String> env;
  private final String mainKey;
  private int expansions;

  CorefileImports(String source, Path file, UnaryOperator<String> env) {
    this.env = env;
    if (file == null) {
      mainKey = null;
      dirs.put(source, Path.of("").toAbsolutePath());
    } else {
      Path abs = file.toAbsolutePath().normalize();
      mainKey = abs.toString();
      dirs.put(source, abs.getParent());
    }
  }

  /** The Corefile's own tokens, marked as coming from it (so importing it again is a cycle). */
  List<Token> main(List<Token> tokens) {
    if (mainKey == null) {
      return tokens;
    }
    List<String> via = List.of(mainKey);
    return tokens.stream().map(t -> t.via(via)).toList();
  }

  /**
   * Records snippet {@code name}, whose body starts at {@code pos} (after its '{').
   *
   * @return the position after the snippet's closing '}'
   */
  int define(String name, List<Token> tokens, int pos, Token first, Token open) throws ConfigException {
    if (snippets.containsKey(name)) {
      throw new ConfigException(first.where(), "snippet (" + name + ") is defined twice");
    }
    int depth = 1;
    List<Token> body = new ArrayList<>();
    while (pos < tokens.size()) {
      Token t = tokens.get(pos++);
      if (t.is("}") && --depth == 0) {
        snippets.put(name, List.copyOf(body));
        return pos;
      }
      if (t.is("{")) {
        depth++;
      }
      body.add(t);
    }
    throw new ConfigException(open.where(), "'{' is never closed");
  }

  /**
   * Replaces the {@code import PATTERN} at {@code pos} in {@code tokens} by what it names.
   *
   * @return {@code pos}, now the first imported token (or what followed the import)
   */
  int expand(List<Token> tokens, int pos) throws ConfigException {
    Token imp = tokens.get(pos);
    if (pos + 1 >= tokens.size() || CorefileParser.newline(tokens, pos + 1)) {
      throw new ConfigException(imp.where(), "import: no argument (expected: a file, glob or snippet name)");
    }
    Token pat = tokens.get(pos + 1);
    if (pos + 2 < tokens.size() && !CorefileParser.newline(tokens, pos + 2)) {
      throw new ConfigException(imp.where(), "import: one argument (a file, glob or snippet name), found also '" + tokens.get(pos + 2).text() + "'");
    }
    String pattern = pat.text();
    if (pattern.isEmpty()) {
      throw new ConfigException(imp.where(), "import: empty pattern");
    }
    if (++expansions > MAX_EXPANSIONS) {
      throw new ConfigException(imp.where(), "import: more than " + MAX_EXPANSIONS + " imports");
    }
    List<Token> body = new ArrayList<>();
    List<Token> snippet = snippets.get(pattern);
    if (snippet != null) {
      List<String> via = chain(imp, "(" + pattern + ")");
      snippet.forEach(t -> body.add(t.via(via)));
    } else {
      for (Path f : files(imp, pattern)) {
        List<String> via = chain(imp, f.toString());
        String text;
        try {
          text = Files.readString(f);
        } catch (IOException e) {
          throw new ConfigException(imp.where(), "import: cannot read " + f + ": " + e.getMessage());
        }
        dirs.put(f.toString(), f.getParent());
        CorefileLexer.tokens(f.toString(), env.apply(text)).forEach(t -> body.add(t.via(via)));
      }
    }
    tokens.subList(pos, pos + 2).clear();
    tokens.addAll(pos, body);
    return pos;
  }

  private static List<String> chain(Token imp, String key) throws ConfigException {
    List<String> via = new ArrayList<>(imp.via());
    via.add(key);
    if (imp.via().contains(key)) {
      throw new ConfigException(imp.where(), "import cycle: " + String.join(" -> ", via));
    }
    return List.copyOf(via);
  }

  /** The files {@code pattern} names, in CoreDNS's order (sorted by name). */
  private List<Path> files(Token imp, String pattern) throws ConfigException {
    try {
      return matches(imp, pattern);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(imp.where(), "import: '" + pattern + "' is not a usable file pattern: " + e.getMessage());
    }
  }

  private List<Path> matches(Token imp, String pattern) throws ConfigException {
    Path dir = dirs.getOrDefault(imp.where().file(), Path.of("").toAbsolutePath());
    Path full = dir.resolve(pattern).normalize();
    String g = full.toString();
    if (count(g, '*') > 1 || count(g, '?') > 1 || (g.contains("[") && g.contains("]"))) {
      throw new ConfigException(imp.where(), "import: '" + pattern + "' may hold one '*' and one '?' at most, and no '[...]', as in CoreDNS");
    }
    int at = -1;
    for (int i = 0; i < full.getNameCount() && at < 0; i++) {
      String n = full.getName(i).toString();
      at = n.contains("*") || n.contains("?") ? i : -1;
    }
    List<Path> out = new ArrayList<>();
    if (at < 0) {
      if (!Files.exists(full)) {
        throw new ConfigException(imp.where(), "import: no such file " + full + " (and no snippet '" + pattern + "' defined before)");
      }
      out.add(full);
    } else {
      Path parent = at == 0 ? full.getRoot() : full.getRoot().resolve(full.subpath(0, at));
      Path rest = at + 1 < full.getNameCount() ? full.subpath(at + 1, full.getNameCount()) : null;
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + full.getName(at).toString().replaceAll("([\\\\{}\\[\\]])", "\\\\$1"));
      if (Files.isDirectory(parent)) {
        try (Stream<Path> s = Files.list(parent)) {
          s.filter(p -> m.matches(p.getFileName()))
              .map(p -> rest == null ? p : p.resolve(rest))
              .filter(Files::exists)
              .sorted()
              .forEach(out::add);
        } catch (IOException e) {
          throw new ConfigException(imp.where(), "import: cannot list " + parent + ": " + e.getMessage());
        }
      }
    }
    for (Path p : out) {
      if (Files.isDirectory(p)) {
        throw new ConfigException(imp.where(), "import: " + p + " is a directory");
      }
      if (!Files.isRegularFile(p)) {
        throw new ConfigException(imp.where(), "import: " + p + " is not a regular file");
      }
    }
    return out;
  }

  private static int count(String s, char c) {
    return (int) s.chars().filter(x -> x == c).count();
  }
}
